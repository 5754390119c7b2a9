"""`staffcast check`, rosters in a row with a previous roster, and a property test: what build_roster returns
the independent checker accepts, at the same objective."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from roster_worlds import MONDAY, leave, make_agent, make_center, requirements_frame, shift_row
from typer.testing import CliRunner

from scheduler.cli import app
from scheduler.contracts.center import load_center
from scheduler.contracts.plan_tables import COVERAGE_COLUMNS, write_roster_outputs
from scheduler.roster import build_roster, check_roster
from staffcast.errors import InfeasibleError

TINY = Path(__file__).parents[2] / "fixtures" / "tiny_center"
HEADER = "agent_id,date,shift,start,end,paid_minutes,breaks\n"


def _run(*args: str):
    return CliRunner().invoke(app, ["check", *map(str, args)])


def test_check_accepts_a_valid_roster_with_a_one_line_summary(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(HEADER + f"A01,{MONDAY},day,{MONDAY} 08:00,{MONDAY} 17:00,480,12:00-13:00\n")
    result = _run(TINY / "center.yaml", roster)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines() == [
        f"{roster}: 0 hard-rule violations in 1 shifts of 1 agents, {MONDAY} to {MONDAY}, activities not checked"
    ]


def test_check_lists_every_violation_of_a_hand_edited_roster(tmp_path):
    roster = tmp_path / "roster.csv"
    tuesday = MONDAY + dt.timedelta(days=1)
    roster.write_text(
        HEADER
        # A01 is not night-eligible; A04 rests 2 h between a night and a day shift; A02 starts at a time no template allows
        + f"A01,{MONDAY},night,{MONDAY} 22:00,{tuesday} 06:00,480,\n"
        + f"A04,{MONDAY},night,{MONDAY} 22:00,{tuesday} 06:00,480,\n"
        + f"A04,{tuesday},day,{tuesday} 08:00,{tuesday} 17:00,480,12:00-13:00\n"
        + f"A02,{tuesday},day,{tuesday} 08:30,{tuesday} 17:30,480,12:00-13:00\n"
    )
    result = _run(TINY / "center.yaml", roster)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{roster}: 3 hard-rule violation(s)")
    assert any("night_shifts_only_for_night_ok" in line and "A01" in line and f"{MONDAY} 22:00" in line for line in lines)
    assert any("min_rest_between_shifts" in line and "A04" in line and "start later" in line for line in lines)
    assert any("shift_template" in line and "A02" in line and "08:30 is not an allowed start" in line for line in lines)


def test_check_counts_the_previous_roster_and_reports_bad_files(tmp_path):
    roster, previous = tmp_path / "roster.csv", tmp_path / "previous.csv"
    sunday = MONDAY - dt.timedelta(days=1)
    roster.write_text(HEADER + f"A04,{MONDAY},day,{MONDAY} 08:00,{MONDAY} 17:00,480,12:00-13:00\n")
    previous.write_text(HEADER + f"A04,{sunday},night,{sunday} 22:00,{MONDAY} 06:00,480,\n")
    assert _run(TINY / "center.yaml", roster).exit_code == 0
    result = _run(TINY / "center.yaml", roster, "--previous", previous)
    assert result.exit_code == 1 and "min_rest_between_shifts" in result.stdout
    roster.write_text(HEADER + f"A04,{MONDAY},day,{MONDAY} 8h,{MONDAY} 17:00,480,\n")
    result = _run(TINY / "center.yaml", roster)
    assert result.exit_code == 1 and "roster.csv" in result.stderr and "start" in result.stderr and "Traceback" not in result.stderr


def test_check_of_activities_reads_them_from_disk(tmp_path):
    roster, activities = tmp_path / "roster.csv", tmp_path / "activities.csv"
    roster.write_text(HEADER + f"A03,{MONDAY},day,{MONDAY} 08:00,{MONDAY} 17:00,480,12:00-13:00\n")
    moments = pd.date_range(f"{MONDAY} 08:00", periods=18, freq="30min")
    rows = ["agent_id,interval_start,activity"] + [f"A03,{t:%Y-%m-%d %H:%M},{'break' if t.hour == 12 else 'sales_chat'}" for t in moments]
    activities.write_text("\n".join(rows) + "\n")
    assert _run(TINY / "center.yaml", roster, "--activities", activities).exit_code == 0
    activities.write_text("\n".join(rows[:5] + [rows[5].replace("sales_chat", "service_voice")] + rows[6:]) + "\n")  # A03 lacks aftersales
    result = _run(TINY / "center.yaml", roster, "--activities", activities)
    assert result.exit_code == 1 and "not a queue the agent is skilled for" in result.stdout


def test_a_template_whose_breaks_cannot_be_laid_out_is_a_config_error_naming_it(tmp_path):
    folder = tmp_path / "center"
    shutil.copytree(TINY, folder)
    lunch = "      - {minutes: 60, paid: false, earliest_after_hours: 3, latest_after_hours: 5}\n"
    clash = (
        "      - {minutes: 60, paid: false, earliest_after_hours: 3, latest_after_hours: 3}\n"
        + "      - {minutes: 30, paid: true, earliest_after_hours: 3.5, latest_after_hours: 3.5}\n"
    )
    (folder / "center.yaml").write_text((folder / "center.yaml").read_text().replace(lunch, clash))
    roster = tmp_path / "roster.csv"
    roster.write_text(HEADER)
    result = _run(folder / "center.yaml", roster)
    assert result.exit_code == 1 and "shift 'day'" in result.stderr and "cannot all be placed" in result.stderr and "Traceback" not in result.stderr


def test_two_rosters_in_a_row_hold_every_rule_across_the_boundary():
    center = make_center(
        [make_agent("A1", min_hours_per_week=32, max_hours_per_week=40), make_agent("B2", min_hours_per_week=32, max_hours_per_week=40)],
        time_off=[leave("A1", MONDAY + dt.timedelta(days=5))],
        rules={"min_days_off_per_week": 2, "max_nights_per_week": 2, "max_consecutive_nights": 2},
    )
    wanted = [("q", pd.Timestamp(f"{MONDAY + dt.timedelta(days=d)} {hour:02d}:00"), 1) for d in range(7) for hour in (2, 10)]
    first_days, second_days = 4, 5
    first = build_roster(center, requirements_frame(wanted, MONDAY, 7), MONDAY, first_days, time_limit_seconds=10, workers=1)
    assert first.check.violations == []
    second_start = MONDAY + dt.timedelta(days=first_days)
    second_requirements = requirements_frame(wanted, MONDAY, 9).loc[lambda f: f.interval_start >= pd.Timestamp(second_start)]
    second = build_roster(center, second_requirements, second_start, second_days, time_limit_seconds=10, workers=1, previous=first.shifts)
    assert second.check.violations == []
    # both rosters together, read as one, keep the calendar week Monday-Sunday
    both = pd.concat([first.shifts, second.shifts], ignore_index=True)
    report = check_roster(center, both, None, requirements_frame([], MONDAY, 9), MONDAY, first_days + second_days)
    assert report.violations == []


def test_the_checker_counts_the_previous_roster_in_the_week_it_began():
    center = make_center([make_agent(max_hours_per_week=32)])
    before = pd.DataFrame([shift_row(center, "A1", MONDAY + dt.timedelta(days=k), "day@08:00") for k in range(4)])
    friday = MONDAY + dt.timedelta(days=4)
    rows = pd.DataFrame([shift_row(center, "A1", friday, "day@08:00")])
    with_previous = check_roster(center, rows, None, requirements_frame([], friday, 1), friday, 1, previous=before)
    assert [v.rule for v in with_previous.violations] == ["weekly_hours_within_contract"]
    assert check_roster(center, rows, None, requirements_frame([], friday, 1), friday, 1).violations == []


DAY_SHIFTS = [
    {
        "id": "day",
        "start_times": ["08:00", "10:00"],
        "length_hours": 8,
        "paid_hours": 7.5,
        "breaks": [{"minutes": 30, "earliest_after_hours": 3, "latest_after_hours": 4}],
    },
    {"id": "late", "start_times": ["14:00"], "length_hours": 8, "paid_hours": 8, "breaks": [], "contracts": ["full_time"]},
    {"id": "night", "start_times": ["22:00"], "length_hours": 8, "paid_hours": 8, "breaks": []},
]


@st.composite
def tiny_centers(draw):
    """One or two agents, three shift templates, random rules, leave and a few required intervals."""
    agents = [
        make_agent(
            f"A{i}",
            contract=draw(st.sampled_from(["full_time", "part_time"])),
            night_ok=draw(st.booleans()),
            min_hours_per_week=draw(st.sampled_from([0, 8, 16])),
            max_hours_per_week=draw(st.sampled_from([16, 24, 40])),
        )
        for i in range(draw(st.integers(1, 2)))
    ]
    days = draw(st.integers(1, 4))
    start = MONDAY + dt.timedelta(days=draw(st.integers(0, 6)))
    rules = {
        "min_rest_hours": draw(st.sampled_from([8, 11, 14])),
        "min_days_off_per_week": draw(st.integers(0, 2)),
        "max_nights_per_week": draw(st.integers(0, 2)),
        "max_consecutive_nights": draw(st.sampled_from([None, 1, 2])),
        "week_start": draw(st.sampled_from(["monday", "thursday", "sunday"])),
    }
    time_off = [leave(a.agent_id, start + dt.timedelta(days=d)) for a in agents for d in range(days + 1) if draw(st.integers(0, 5)) == 0]
    wanted = [
        ("q", pd.Timestamp(start) + pd.Timedelta(minutes=30 * t), draw(st.integers(1, 2)))
        for t in draw(st.lists(st.integers(12, days * 48 - 1), max_size=4))
    ]
    weights = {"paid_hour": 10, "start_time_change": 5, "night_fairness": 20, "weekend_fairness": 20, "overstaffing": 1}
    center = make_center(agents, time_off=time_off, shifts=DAY_SHIFTS, rules=rules, weights=weights)
    return center, start, days, wanted


@settings(max_examples=12, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_centers())
def test_what_build_roster_returns_the_checker_accepts_at_the_same_objective(world):
    center, start, days, wanted = world
    try:
        result = build_roster(center, requirements_frame(wanted, start, days), start, days, time_limit_seconds=5, workers=1)
    except InfeasibleError as exc:  # an agent's own rules may conflict (minimum hours against leave): that must be explained
        assert "the hard rules cannot all hold" in str(exc), exc
        return
    assert result.check.violations == []
    assert result.check.objective == pytest.approx(result.objective)


def test_written_files_are_what_the_check_command_reads(tmp_path):
    center = load_center(TINY / "center.yaml")
    row = shift_row(center, "A04", MONDAY, "night@22:00")
    shifts = pd.DataFrame([row])
    activities = pd.DataFrame(
        {"agent_id": "A04", "interval_start": pd.date_range(row["start"], row["end"], freq="30min", inclusive="left"), "activity": "service_voice"}
    )
    coverage = pd.DataFrame(columns=COVERAGE_COLUMNS)
    write_roster_outputs(shifts, activities, coverage, tmp_path)
    result = _run(TINY / "center.yaml", tmp_path / "roster.csv", "--activities", tmp_path / "activities.csv")
    assert result.exit_code == 0, result.output
