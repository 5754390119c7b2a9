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


# --- every command ---------------------------------------------------------------------------------------------

GOOD_REQUIREMENTS = (
    "queue,interval_start,contacts,aht_seconds,agents_required,service_level,asa_seconds\n"
    "sales_chat,2025-11-11 09:00,12,300,2,0.9,10\n"
    "service_voice,2025-11-11 09:00,8,240,2,0.9,10\n"
    "complaints_email,2025-11-11 09:00,2,600,1,1,0\n"
)
GOOD_ROSTER = "agent_id,date,shift,start,end,paid_minutes,breaks\nA01,2025-11-11,day,2025-11-11 08:00,2025-11-11 17:00,480,12:00-13:00\n"
GOOD_ACTIVITIES = "agent_id,interval_start,activity\n" + "".join(
    f"A01,2025-11-11 {h:02d}:{m:02d},{'break' if h == 12 else 'sales_chat'}\n" for h in range(8, 17) for m in (0, 30)
)


@pytest.fixture
def full_dir(tmp_path: Path) -> Path:
    """The tiny center with a history, and a good forecast, requirements, roster, activities and scenarios file."""
    from tiny_history import write_tiny_center_with_history

    folder = tmp_path / "center"
    folder.mkdir()
    write_tiny_center_with_history(folder)
    for name, text in (
        ("forecast.csv", GOOD_FORECAST),
        ("requirements.csv", GOOD_REQUIREMENTS),
        ("roster.csv", GOOD_ROSTER),
        ("activities.csv", GOOD_ACTIVITIES),
    ):
        (folder / name).write_text(text, encoding="utf-8")
    scenarios = "center: center.yaml\nstart: 2025-11-10\ndays: 1\ntime_limit_seconds: 5\nscenarios:\n  - name: base\n"
    (folder / "scenarios.yaml").write_text(scenarios, encoding="utf-8")
    return folder


def _write(name: str, text: str):
    return lambda d: (d / name).write_text(text, encoding="utf-8")


def _replace(name: str, old: str, new: str):
    return lambda d: _edit(d / name, old, new)


def _nothing(_d: Path) -> None:
    pass


def _roster_args(requirements: str = "requirements.csv", *extra: str):
    return lambda d, out: ["roster", f"{d}/center.yaml", f"{d}/{requirements}", "--start", "2025-11-11", "--days", "1", "-o", out, *extra]


def _plan_args(*extra: str):
    return lambda d, out: ["plan", f"{d}/center.yaml", "--start", "2025-11-10", "--days", "1", "-o", out, *extra]


def _forecast_args(*extra: str):
    return lambda d, out: ["forecast", f"{d}/history.csv", "--start", "2025-11-10", "--days", "1", "-o", out, *extra]


def _taken_by_a_file(d: Path) -> None:
    (d / "taken").write_text("a file the planner keeps\n", encoding="utf-8")


def _taken_by_a_folder(d: Path) -> None:
    (d / "taken").mkdir()
    (d / "taken" / "keep.txt").write_text("kept\n", encoding="utf-8")


# name: (damage, command line (center folder, output path), exit code, fragments of the message)
COMMANDS = {
    "forecast: negative history volume": (
        _replace("history.csv", "sales_chat,2025-10-06 09:00,", "sales_chat,2025-10-06 09:00,-"),
        _forecast_args(),
        1,
        ["history.csv", "row", "contacts"],
    ),
    "forecast: events kind typo": (
        _write("events.yaml", "events:\n  - {name: double11, kind: promo, start: 2025-11-11, end: 2025-11-11}\n"),
        _forecast_args("--events", "EVENTS"),
        1,
        ["events.yaml", "events[0] (double11)", "kind"],
    ),
    "forecast: event ending before it starts": (
        _write("events.yaml", "events:\n  - {name: double11, kind: promotion, start: 2025-11-11, end: 2025-11-01}\n"),
        _forecast_args("--events", "EVENTS"),
        1,
        ["events.yaml", "events[0] (double11)"],
    ),
    "forecast: output path is a folder": (_taken_by_a_folder, lambda d, out: _forecast_args()(d, f"{d}/taken"), 1, ["taken", "is a folder"]),
    "forecast: days 0 (usage)": (_nothing, lambda d, out: ["forecast", f"{d}/history.csv", "--start", "2025-11-10", "--days", "0", "-o", out], 2, []),
    "backtest: missing history": (
        _nothing,
        lambda d, out: ["backtest", f"{d}/nohistory.csv", "--days", "7", "--folds", "1", "-o", out],
        1,
        ["nohistory.csv"],
    ),
    "backtest: history without contacts column": (
        _write("history.csv", "queue,interval_start,volume\nsales_chat,2025-10-06 09:00,3\n"),
        lambda d, out: ["backtest", f"{d}/history.csv", "--days", "7", "--folds", "1", "-o", out],
        1,
        ["history.csv", "contacts"],
    ),
    "requirements: output path is a folder": (
        _taken_by_a_folder,
        lambda d, out: ["requirements", f"{d}/center.yaml", f"{d}/forecast.csv", "-o", f"{d}/taken"],
        1,
        ["taken", "is a folder"],
    ),
    "roster: requirements of another center": (
        _replace("requirements.csv", "service_voice,", "express_voice,"),
        _roster_args(),
        1,
        ["requirements.csv", "row 3", "'express_voice' is not a queue of the center"],
    ),
    "roster: negative agents required": (
        _replace("requirements.csv", "8,240,2,", "8,240,-2,"),
        _roster_args(),
        1,
        ["requirements.csv", "row 3", "agents_required"],
    ),
    "roster: requirements without agents_required": (
        _write("requirements.csv", GOOD_FORECAST),
        _roster_args(),
        1,
        ["requirements.csv", "agents_required"],
    ),
    "roster: previous roster with unknown agents": (
        _replace("roster.csv", "A01,", "Z99,"),
        _roster_args("requirements.csv", "--previous", "PREVIOUS"),
        1,
        ["roster.csv", "row 2, column agent_id", "'Z99' is not an agent"],
    ),
    "roster: time off in year 2205": (
        _replace("time_off.csv", "A01,2025-11-12", "A01,2205-11-12"),
        _roster_args(),
        1,
        ["time_off.csv", "row 2, column date", "2205-11-12", "check the year"],
    ),
    "roster: time off in year 1025": (
        _replace("time_off.csv", "A01,2025-11-12", "A01,1025-11-12"),
        _roster_args(),
        1,
        ["time_off.csv", "row 2, column date", "1025-11-12"],
    ),
    "roster: output path is an existing file": (
        _taken_by_a_file,
        lambda d, out: _roster_args()(d, f"{d}/taken"),
        1,
        ["taken", "is a file, not a folder"],
    ),
    "roster: 43 days (usage)": (_nothing, lambda d, out: _roster_args()(d, out)[:6] + ["43", "-o", out], 2, []),
    "roster: min hours above max hours": (
        _agents(
            "A01,Li Na,day,full_time,presales:4;aftersales:3;complaints:2,0,48", "A01,Li Na,day,full_time,presales:4;aftersales:3;complaints:2,50,48"
        ),
        _roster_args(),
        1,
        ["agents.csv", "row 2"],
    ),
    "check: shift ending before it starts": (
        _replace("roster.csv", "2025-11-11 17:00", "2025-11-11 07:00"),
        lambda d, out: ["check", f"{d}/center.yaml", f"{d}/roster.csv"],
        1,
        ["roster.csv", "row 2", "is not after start"],
    ),
    "check: break not a range": (
        _replace("roster.csv", "12:00-13:00", "noon"),
        lambda d, out: ["check", f"{d}/center.yaml", f"{d}/roster.csv"],
        1,
        ["roster.csv", "row 2, column breaks", "'noon'"],
    ),
    "check: unknown activity": (
        _replace("activities.csv", "sales_chat", "lunch"),
        lambda d, out: ["check", f"{d}/center.yaml", f"{d}/roster.csv", "--activities", f"{d}/activities.csv"],
        1,
        ["activities.csv", "row 2, column activity", "'lunch'"],
    ),
    "check: empty roster": (
        _write("roster.csv", "agent_id,date,shift,start,end,paid_minutes,breaks\n"),
        lambda d, out: ["check", f"{d}/center.yaml", f"{d}/roster.csv"],
        1,
        ["roster.csv", "no shift rows"],
    ),
    "evaluate: forecast of another center": (
        _replace("forecast.csv", "service_voice", "express_voice"),
        lambda d, out: ["evaluate", f"{d}/center.yaml", f"{d}/roster.csv", f"{d}/forecast.csv", "-o", out],
        1,
        ["forecast.csv", "row 3", "'express_voice' is not a queue"],
    ),
    "evaluate: roster without paid_minutes": (
        _write("roster.csv", "agent_id,date,shift,start,end,breaks\nA01,2025-11-11,day,2025-11-11 08:00,2025-11-11 17:00,\n"),
        lambda d, out: ["evaluate", f"{d}/center.yaml", f"{d}/roster.csv", f"{d}/forecast.csv", "-o", out],
        1,
        ["roster.csv", "paid_minutes"],
    ),
    "evaluate: missing activities": (
        lambda d: (d / "activities.csv").unlink(),
        lambda d, out: ["evaluate", f"{d}/center.yaml", f"{d}/roster.csv", f"{d}/forecast.csv", "-o", out],
        1,
        ["activities.csv"],
    ),
    "export: date not the shift's day": (
        _replace("roster.csv", "A01,2025-11-11,", "A01,2025-11-12,"),
        lambda d, out: ["export", f"{d}/center.yaml", f"{d}/roster.csv", "-o", out],
        1,
        ["roster.csv", "row 2", "is not the day the shift starts"],
    ),
    "export: unknown format (usage)": (
        _nothing,
        lambda d, out: ["export", f"{d}/center.yaml", f"{d}/roster.csv", "-o", out, "--format", "pdf"],
        2,
        [],
    ),
    "export: paid minutes not a number": (
        _replace("roster.csv", ",480,", ",eight hours,"),
        lambda d, out: ["export", f"{d}/center.yaml", f"{d}/roster.csv", "-o", out],
        1,
        ["roster.csv", "row 2", "paid_minutes"],
    ),
    "plan: center without history": (_yaml("history: history.csv\n", ""), _plan_args(), 1, ["center.yaml", "history"]),
    "plan: history file missing": (lambda d: (d / "history.csv").unlink(), _plan_args(), 1, ["history.csv", "not found"]),
    "plan: previous roster with unknown agents": (
        _replace("roster.csv", "A01,", "Z99,"),
        _plan_args("--previous", "PREVIOUS"),
        1,
        ["roster.csv", "row 2, column agent_id", "'Z99'"],
    ),
    "plan: output path is an existing file": (
        _taken_by_a_file,
        lambda d, out: _plan_args()(d, f"{d}/taken"),
        1,
        ["taken", "is a file, not a folder"],
    ),
    "whatif: base center missing": (
        _replace("scenarios.yaml", "center: center.yaml", "center: ../elsewhere/center.yaml"),
        lambda d, out: ["whatif", f"{d}/scenarios.yaml", "-o", out],
        1,
        ["scenarios.yaml", "field center", "../elsewhere/center.yaml"],
    ),
    "whatif: unknown scenario field": (
        _replace("scenarios.yaml", "  - name: base\n", "  - name: base\n    volumes: {uplift: 0.2}\n"),
        lambda d, out: ["whatif", f"{d}/scenarios.yaml", "-o", out],
        1,
        ["scenarios.yaml", "scenario 'base', field volumes", "unknown field"],
    ),
    "whatif: unknown queue in a scenario": (
        _replace("scenarios.yaml", "  - name: base\n", "  - name: base\n    volume: [{uplift: 0.2, queues: [express_voice]}]\n"),
        lambda d, out: ["whatif", f"{d}/scenarios.yaml", "-o", out],
        1,
        ["base", "express_voice"],
    ),
    "whatif: output path is an existing file": (
        _taken_by_a_file,
        lambda d, out: ["whatif", f"{d}/scenarios.yaml", "-o", f"{d}/taken"],
        1,
        ["taken", "is a file, not a folder"],
    ),
    "capacity: forecast of another center": (
        _replace("forecast.csv", "service_voice", "express_voice"),
        lambda d, out: ["capacity", f"{d}/center.yaml", "--forecast", f"{d}/forecast.csv", "--weeks", "6", "-o", out],
        1,
        ["forecast.csv", "row 3", "'express_voice'"],
    ),
    "capacity: output path is an existing file": (
        _taken_by_a_file,
        lambda d, out: ["capacity", f"{d}/center.yaml", "--weeks", "6", "-o", f"{d}/taken"],
        1,
        ["taken", "is a file, not a folder"],
    ),
    "example: unknown center": (_nothing, lambda d, out: ["example", "flagship_shop", "-o", out], 1, ["unknown example center 'flagship_shop'"]),
    "example: output folder not empty": (
        _taken_by_a_folder,
        lambda d, out: ["example", "flagship_store", "-o", f"{d}/taken"],
        1,
        ["taken", "not empty"],
    ),
}


FILE_OUTPUTS = ("forecast", "backtest", "requirements", "export")


def _snapshot(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("case", sorted(COMMANDS))
@pytest.mark.parametrize("output", ["new", "earlier"])
def test_bad_input_to_every_command_exits_cleanly_and_loses_nothing(full_dir: Path, tmp_path: Path, case: str, output: str) -> None:
    damage, command, code, fragments = COMMANDS[case]
    damage(full_dir)
    out = tmp_path / "out"
    argv = [{"EVENTS": str(full_dir / "events.yaml"), "PREVIOUS": str(full_dir / "roster.csv")}.get(arg, arg) for arg in command(full_dir, str(out))]
    if output == "earlier" and argv[0] in FILE_OUTPUTS:
        out.write_text("an earlier output\n", encoding="utf-8")
    elif output == "earlier":
        out.mkdir()
        (out / "roster.csv").write_text(GOOD_ROSTER, encoding="utf-8")
    before = _snapshot(tmp_path)
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    for fragment in fragments:
        assert fragment in result.stderr, f"{fragment!r} not in: {result.stderr}"
    assert _snapshot(tmp_path) == before, "a file was created, changed or removed"
    assert not [p for p in tmp_path.rglob(".*.tmp")], "a temporary file or folder was left behind"
    if output == "new":
        assert not out.exists()


def test_the_corpus_is_large():
    assert len(BAD_INPUTS) + len(COMMANDS) >= 40
    commands = {command(Path("d"), "o")[0] for _, command, _, _ in COMMANDS.values()}
    assert commands >= {"forecast", "backtest", "requirements", "roster", "check", "evaluate", "export", "plan", "whatif", "capacity", "example"}
