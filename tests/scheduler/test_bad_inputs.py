"""Bad input gets exit 1, a message naming the file and the row or field, no traceback and no output."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scheduler.cli import app

TINY = Path(__file__).parents[1] / "fixtures" / "tiny_center"
GOOD_FORECAST = (
    "queue,interval_start,contacts,aht_seconds\n"
    "sales_chat,2025-11-11 00:00,12,300\n"
    "service_voice,2025-11-11 00:00,8,240\n"
    "complaints_email,2025-11-11 00:00,2,600\n"
)


@pytest.fixture
def center_dir(tmp_path: Path) -> Path:
    """A writable copy of the tiny center with a valid forecast next to it."""
    target = tmp_path / "center"
    shutil.copytree(TINY, target)
    (target / "forecast.csv").write_text(GOOD_FORECAST, encoding="utf-8")
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _yaml(old: str, new: str):
    return lambda d: _edit(d / "center.yaml", old, new)


def _agents(old: str, new: str):
    return lambda d: _edit(d / "agents.csv", old, new)


def _forecast(text: str | bytes):
    def write(d: Path) -> None:
        target = d / "forecast.csv"
        target.write_bytes(text) if isinstance(text, bytes) else target.write_text(text, encoding="utf-8")

    return write


BAD_INPUTS = {
    "wrong type": (_yaml("interval_minutes: 30", "interval_minutes: half-hour"), ["center.yaml", "line 4", "interval_minutes"]),
    "unknown key": (_yaml("  shrinkage: 0.2", "  shrinkage: 0.2\n  shrinkidge: 0.1"), ["staffing.shrinkidge", "unknown field"]),
    "yaml syntax error": (_yaml("queues:\n", "queues:\n  - id: [broken\n"), ["YAML syntax error", "line 9"]),
    "shift longer than 24 h": (_yaml("length_hours: 8\n", "length_hours: 26\n"), ["shifts[1]", "longer than 24 h"]),
    "break window outside shift": (_yaml("latest_after_hours: 5}", "latest_after_hours: 8.5}"), ["shifts[0]", "ends outside"]),
    "chat without concurrency": (_yaml("    concurrency: 2\n", ""), ["queues[0]", "needs concurrency"]),
    "abandon target without patience": (_yaml("    patience_seconds: 120\n", ""), ["queues[1]", "max_abandon_rate needs patience_seconds"]),
    "skill level out of range": (_agents("presales:4;aftersales:3", "presales:7;aftersales:3"), ["agents.csv", "row 2", "levels 1-5"]),
    "duplicate agent id": (_agents("A02,Wang Wei", "A01,Wang Wei"), ["agents.csv", "row 3", "duplicates row 2"]),
    "agent skill typo": (_agents("presales:2;aftersales:4", "presales:2;afterslaes:4"), ["row 3", "unknown skill(s) afterslaes"]),
    "queue skill nobody holds": (_yaml("skill: complaints", "skill: legal"), ["agents.csv", "complaints"]),
    "missing agents file": (lambda d: (d / "agents.csv").unlink(), ["field agents", "agents.csv", "not found"]),
    "queue id typo in forecast": (
        _forecast(GOOD_FORECAST.replace("service_voice", "servce_voice")),
        ["forecast.csv", "row 3", "'servce_voice' is not a queue"],
    ),
    "negative volume": (_forecast(GOOD_FORECAST.replace(",8,240", ",-8,240")), ["forecast.csv", "row 3", "contacts", ">= 0"]),
    "non-numeric volume": (_forecast(GOOD_FORECAST.replace(",8,240", ",eight,240")), ["row 3", "'eight' is not a number"]),
    "aht zero with contacts": (_forecast(GOOD_FORECAST.replace(",8,240", ",8,0")), ["row 3", "aht_seconds", "handle time is 0"]),
    "date in wrong format": (_forecast(GOOD_FORECAST.replace("2025-11-11 00:00,8", "11/11/2025 00:00,8")), ["row 3", "interval_start", "ISO 8601"]),
    "off-grid interval": (_forecast(GOOD_FORECAST.replace("2025-11-11 00:00,8", "2025-11-11 00:10,8")), ["row 3", "30-minute grid"]),
    "duplicate row": (_forecast(GOOD_FORECAST + "sales_chat,2025-11-11 00:00,3,300\n"), ["row 5", "first at row 2"]),
    "empty file": (_forecast(""), ["forecast.csv", "empty"]),
    "wrong delimiter": (_forecast(GOOD_FORECAST.replace(",", ";")), ["row 1", "';'", "commas"]),
    "non-UTF-8 text": (
        _forecast("queue,interval_start,contacts,aht_seconds\nsales_chat,2025-11-11 00:00,1,300 \u00e9\n".encode("gb18030")),
        ["not UTF-8", "line 2"],
    ),
    "unreadable CSV (ragged rows)": (_forecast(GOOD_FORECAST + "sales_chat,2025-11-11 00:30,3\n"), ["row 5", "3 cells", "header has 4"]),
    "missing column": (_forecast("queue,interval_start,contacts\nsales_chat,2025-11-11 00:00,3\n"), ["lacks column(s) aht_seconds"]),
    "time-off for unknown agent": (lambda d: _edit(d / "time_off.csv", "A01,2025-11-12", "A99,2025-11-12"), ["time_off.csv", "row 2", "'A99'"]),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_exits_1_with_clear_message_and_no_output(center_dir: Path, case: str) -> None:
    damage, fragments = BAD_INPUTS[case]
    damage(center_dir)
    output = center_dir / "out" / "requirements.csv"
    result = CliRunner().invoke(app, ["requirements", str(center_dir / "center.yaml"), str(center_dir / "forecast.csv"), "-o", str(output)])
    assert result.exit_code == 1, result.output
    message = result.stderr
    assert "Traceback" not in message
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in: {message}"
    assert not output.exists()
    assert not output.parent.exists() or not any(output.parent.iterdir())


def test_missing_argument_is_a_usage_error(center_dir: Path) -> None:
    result = CliRunner().invoke(app, ["requirements", str(center_dir / "center.yaml")])
    assert result.exit_code == 2
