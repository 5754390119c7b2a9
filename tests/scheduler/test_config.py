"""The center YAML, agents and time-off files load into typed values with sensible defaults."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pydantic import ValidationError

from scheduler import ConfigError, load_center
from scheduler.contracts.schema import CenterConfig, Shift

TINY = Path(__file__).parents[1] / "fixtures" / "tiny_center" / "center.yaml"

MINIMAL = {
    "name": "Minimal",
    "queues": [{"id": "q", "channel": "voice", "skill": "s", "answer_within_seconds": 20}],
    "shifts": [{"id": "day", "start_times": ["09:00"], "length_hours": 9, "paid_hours": 8}],
}


def test_tiny_center_loads_with_agents_and_time_off() -> None:
    center = load_center(TINY)
    assert [q.id for q in center.config.queues] == ["sales_chat", "service_voice", "complaints_email"]
    assert center.config.skills == ["presales", "aftersales", "complaints"]
    assert len(center.agents) == 6
    assert center.agents[0].skills == {"presales": 4, "aftersales": 3, "complaints": 2}
    assert center.agents[0].can_serve("aftersales", 3) and not center.agents[0].can_serve("aftersales", 4)
    assert [a.night_ok for a in center.agents] == [False, False, False, True, True, False]
    leave, preference = center.time_off
    assert (leave.kind, leave.date, leave.weight) == ("leave", dt.date(2025, 11, 12), 0.0)
    assert (preference.kind, preference.weight) == ("preference", 30.0)


def test_minimal_center_gets_defaults() -> None:
    config = CenterConfig.model_validate(MINIMAL)
    assert config.interval_minutes == 30 and config.timezone == "Asia/Shanghai"
    assert config.staffing.shrinkage == 0.25 and config.staffing.max_occupancy == 0.85
    assert config.rules.min_rest_hours == 11 and config.weights.understaffing == 1000
    assert config.queues[0].min_skill_level == 1 and config.queues[0].service_level == 0.8
    assert config.shifts[0].night is None and config.shifts[0].contracts is None
    assert (config.rules.week_start, config.rules.night_hours, config.rules.max_consecutive_nights) == ("monday", ("22:00", "06:00"), None)


def test_a_night_flag_must_agree_with_the_clock() -> None:
    late = {**MINIMAL, "shifts": [{"id": "late", "start_times": ["14:00"], "length_hours": 9, "paid_hours": 8, "night": False}]}
    with pytest.raises(ValidationError, match="shift 'late': night: false disagrees with rules.night_hours"):
        CenterConfig.model_validate(late)
    assert CenterConfig.model_validate({**late, "rules": {"night_hours": ["23:00", "06:00"]}}).shifts[0].night is False


def test_omitted_breaks_default_to_one_unpaid_meal_break_mid_shift() -> None:
    shift = Shift(id="day", start_times=["09:00"], length_hours=9, paid_hours=8)
    (meal,) = shift.shift_breaks
    assert meal.minutes == 60 and not meal.paid
    assert meal.earliest_after_hours <= 4.0 <= meal.latest_after_hours
    assert Shift(id="short", start_times=["09:00"], length_hours=4, paid_hours=4).shift_breaks == []
    assert Shift(id="x", start_times=["09:00"], length_hours=9, paid_hours=9, breaks=[]).shift_breaks == []


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"interval_minutes": 20}, "interval_minutes"),
        ({"timezone": "Mars/Olympus"}, "unknown time zone"),
        ({"queues": MINIMAL["queues"] * 2}, "appear more than once"),
        ({"shifts": [{"id": "d", "start_times": ["09:10"], "length_hours": 8, "paid_hours": 8}]}, "not on the 30-minute interval grid"),
        ({"shifts": [{"id": "d", "start_times": ["25:00"], "length_hours": 8, "paid_hours": 8}]}, "not a time of day"),
        ({"shifts": [{"id": "d", "start_times": ["09:00"], "length_hours": 8, "paid_hours": 9}]}, "exceed length_hours"),
        ({"shifts": [{"id": "d", "start_times": ["09:00"], "length_hours": 8.25, "paid_hours": 8}]}, "whole number of 30-minute"),
        ({"queues": [{"id": "m", "channel": "email", "skill": "s"}]}, "needs respond_within_hours"),
        ({"queues": [{"id": "v", "channel": "voice", "skill": "s"}]}, "needs answer_within_seconds"),
        ({"queues": [{"id": "v", "channel": "voice", "skill": "s", "answer_within_seconds": 20, "min_skill_level": 6}]}, "less than or equal to 5"),
        ({"queues": [{"id": "v", "channel": "voice", "skill": "s", "answer_within_seconds": 20, "service_level": 1.0}]}, "cannot answer 100%"),
    ],
)
def test_schema_rejects_inconsistent_centers(change: dict, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment.replace("(", r"\(")):
        CenterConfig.model_validate(MINIMAL | change)


def test_validation_errors_name_the_yaml_line(tmp_path: Path) -> None:
    path = tmp_path / "center.yaml"
    path.write_text(
        "name: Broken\nqueues:\n  - id: q\n    channel: phone\n    skill: s\n    answer_within_seconds: 20\n"
        "shifts:\n  - {id: d, start_times: ['09:00'], length_hours: 8, paid_hours: 8}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"line 4, queues\[0\]\.channel: Input should be 'voice', 'chat' or 'email'"):
        load_center(path)


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "center.yaml"
    path.write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="expected a mapping"):
        load_center(path)


def test_an_email_queue_may_ask_for_every_ticket_on_time() -> None:
    email = {"id": "m", "channel": "email", "skill": "s", "respond_within_hours": 48, "service_level": 1.0}
    assert CenterConfig.model_validate(MINIMAL | {"queues": [*MINIMAL["queues"], email]}).queues[1].service_level == 1.0


def _center_with_night_ok(tmp_path: Path, cell: str) -> Path:
    """The tiny center's YAML with one agent whose night_ok cell is `cell`."""
    folder = tmp_path / "center"
    folder.mkdir()
    (folder / "center.yaml").write_text(TINY.read_text(encoding="utf-8"), encoding="utf-8")
    header = "agent_id,name,team,contract,skills,min_hours_per_week,max_hours_per_week,night_ok"
    (folder / "agents.csv").write_text(f"{header}\nA01,Li Na,day,full_time,presales:4;aftersales:3;complaints:3,0,48,{cell}\n", encoding="utf-8")
    (folder / "time_off.csv").write_text("agent_id,date,kind,weight\n", encoding="utf-8")
    return folder / "center.yaml"


@pytest.mark.parametrize(("cell", "night_ok"), [("Y", True), ("n", False), ("Yes", True), ("N", False), ("", True)])
def test_night_ok_accepts_excel_style_booleans(tmp_path: Path, cell: str, night_ok: bool) -> None:
    assert load_center(_center_with_night_ok(tmp_path, cell)).agents[0].night_ok is night_ok


def test_an_unknown_boolean_names_the_row_and_column(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="row 2, column night_ok: 'maybe' is not true or false"):
        load_center(_center_with_night_ok(tmp_path, "maybe"))
