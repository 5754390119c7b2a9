"""build_roster end to end on small centers: valid rosters, checker agreement, determinism, the previous
roster, and explained conflicts."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest
from roster_worlds import MONDAY, TINY, leave, make_agent, make_center, requirements_frame, shift_row, tiny_requirements

from scheduler.contracts.center import load_center
from scheduler.roster import build_roster, check_roster
from scheduler.roster.progress import RosterProgress, format_progress
from staffcast.errors import InfeasibleError


@pytest.fixture(scope="module")
def tiny():
    return load_center(TINY)


@pytest.fixture(scope="module")
def tiny_roster(tiny):
    return build_roster(tiny, tiny_requirements(2), MONDAY, 2, time_limit_seconds=30, seed=3, workers=2)


def test_tiny_roster_is_valid_and_the_checker_agrees(tiny, tiny_roster):
    result = tiny_roster
    assert result.status == "OPTIMAL"
    assert result.check.violations == []
    assert result.check.objective == pytest.approx(result.objective)
    realtime = result.coverage.loc[result.coverage.queue != "complaints_email"]
    assert result.summary["understaffed_agent_hours"] == pytest.approx(
        (realtime.agents_required_gross - realtime.agents_scheduled).clip(lower=0).sum() * 0.5
    )
    assert list(result.shifts.columns) == ["agent_id", "date", "shift", "start", "end", "paid_minutes", "breaks"]
    assert set(result.activities.activity) <= {"sales_chat", "service_voice", "complaints_email", "break"}
    assert not result.shifts.duplicated(["agent_id", "date"]).any()
    assert (result.coverage.agents_scheduled >= 0).all() and result.coverage.agents_scheduled.sum() > 0


def test_tiny_week_with_nights_leave_and_multi_skilled_agents(tiny):
    result = build_roster(tiny, tiny_requirements(7), MONDAY, 7, time_limit_seconds=12, workers=2)
    assert result.check.violations == []
    assert result.check.objective == pytest.approx(result.objective)
    assert "night" in set(result.shifts["shift"])
    assert not ((result.shifts.agent_id == "A01") & (result.shifts.date == dt.date(2025, 11, 12))).any()  # leave
    a01 = set(result.activities.loc[(result.activities.agent_id == "A01") & (result.activities.activity != "break"), "activity"])
    assert len(a01) >= 2  # a multi-skilled agent moves between queues


def test_same_seed_same_roster(tiny, tiny_roster):
    again = build_roster(tiny, tiny_requirements(2), MONDAY, 2, time_limit_seconds=30, seed=3, workers=2)
    pd.testing.assert_frame_equal(again.shifts, tiny_roster.shifts)
    pd.testing.assert_frame_equal(again.activities, tiny_roster.activities)


def test_progress_reports_incumbent_bound_gap_and_understaffing(tiny):
    seen = []
    build_roster(tiny, tiny_requirements(1), MONDAY, 1, time_limit_seconds=20, workers=1, progress=seen.append)
    assert seen and all(isinstance(report, RosterProgress) for report in seen)
    stages = [report.stage for report in seen]
    assert stages[0] == "best response"
    assert stages == sorted(stages, key=lambda stage: stage != "best response")  # the best response comes first
    assert all(report.bound is None and report.gap is None for report in seen if report.stage == "best response")
    proven = [report for report in seen if report.bound is not None]
    assert all(0 < report.bound <= report.objective and 0 <= report.gap <= 1 for report in proven)
    assert all("no bound yet" in format_progress(report) for report in seen if report.bound is None)
    assert all("bound 0.0" not in format_progress(report) for report in seen)


def test_previous_night_shift_covers_the_first_early_hours_and_keeps_rest(tiny):
    previous = pd.DataFrame([shift_row(tiny, "A04", MONDAY - dt.timedelta(days=1), "night@22:00")])
    requirements = requirements_frame(
        [("service_voice", "03:00", 1), ("service_voice", "09:00", 1)], MONDAY, 1, ("sales_chat", "service_voice", "complaints_email")
    )
    result = build_roster(tiny, requirements, MONDAY, 1, time_limit_seconds=20, workers=1, previous=previous)
    assert result.check.violations == []
    early = result.activities.loc[result.activities.agent_id == "A04"]
    assert pd.Timestamp(f"{MONDAY} 03:00") in set(early.interval_start)
    three = result.coverage.loc[(result.coverage.queue == "service_voice") & (result.coverage.interval_start == pd.Timestamp(f"{MONDAY} 03:00"))]
    assert int(three.agents_scheduled.iloc[0]) >= 1
    a04 = result.shifts.loc[result.shifts.agent_id == "A04"]
    assert (a04.start >= pd.Timestamp(f"{MONDAY} 17:00")).all()  # 06:00 + 11 h rest


def test_without_previous_the_first_early_hours_are_left_to_the_previous_roster(tiny, tiny_roster):
    coverage = tiny_roster.coverage
    first = coverage.loc[coverage.queue != "complaints_email"].interval_start.min()
    assert first == pd.Timestamp(f"{MONDAY} 06:00")  # the night shift from 22:00 reaches 06:00
    assert coverage.loc[coverage.queue == "complaints_email"].interval_start.min() == pd.Timestamp(f"{MONDAY} 00:00")  # work arrives all night


def test_conflicting_rules_are_explained_with_agents_rules_and_days():
    agents = [make_agent("A1", min_hours_per_week=40), make_agent("B2")]
    week = [MONDAY + dt.timedelta(days=k) for k in range(7)]
    # a leave day credits 40 h / 4 workdays = 10 h, leaving 30 h; three rest days leave three 8-hour shifts
    center = make_center(agents, time_off=[leave("A1", week[0])], rules={"min_days_off_per_week": 3})
    with pytest.raises(InfeasibleError) as error:
        build_roster(center, requirements_frame([], MONDAY, 7), MONDAY, 7, time_limit_seconds=20, workers=1)
    message = str(error.value)
    assert "agent A1" in message and "B2" not in message
    assert "weekly_hours_within_contract" in message and "min_days_off_per_week" in message
    assert f"week from {MONDAY}" in message and str(week[0]) in message


def test_no_night_eligible_agent_is_understaffing_not_infeasible():
    center = make_center([make_agent("A1", night_ok=False)])
    requirements = requirements_frame([("q", pd.Timestamp(f"{MONDAY + dt.timedelta(days=1)} 02:00"), 1)], MONDAY, 2)
    result = build_roster(center, requirements, MONDAY, 2, time_limit_seconds=20, workers=1)
    assert result.summary["understaffed_agent_hours"] == 0.5
    assert result.check.violations == []


def test_checker_catches_a_tampered_roster(tiny, tiny_roster):
    shifts = tiny_roster.shifts.copy()
    shifts.loc[0, "start"] = shifts.loc[0, "start"] + pd.Timedelta(minutes=30)
    activities = tiny_roster.activities.copy()
    on_queue = activities.index[activities.activity != "break"][0]
    activities.loc[on_queue, "activity"] = "break"
    planned = tiny_roster.coverage.merge(tiny_requirements(2), on=["queue", "interval_start"])[["queue", "interval_start", "agents_required_y"]]
    report = check_roster(tiny, shifts, activities, planned.rename(columns={"agents_required_y": "agents_required"}), MONDAY, 2)
    rules = {v.rule for v in report.violations}
    assert "shift_template" in rules and ("breaks_inside_windows" in rules or "activities" in rules)


def test_a_week_cut_by_the_end_asks_only_what_its_last_dates_cannot_supply():
    center = make_center([make_agent("A1", min_hours_per_week=40, max_hours_per_week=48)], rules={"min_days_off_per_week": 2})
    # Monday to Wednesday: Thursday to Sunday could hold 32 h, so 8 h are due inside the horizon
    result = build_roster(center, requirements_frame([], MONDAY, 3), MONDAY, 3, time_limit_seconds=10, workers=1)
    assert result.shifts.paid_minutes.sum() == 480 and result.check.violations == []
    capped = dataclasses.replace(center, agents=[make_agent("A1", min_hours_per_week=48, max_hours_per_week=4)])
    with pytest.raises(InfeasibleError):  # 48 - 32 = 16 h due, 4 h allowed
        build_roster(capped, requirements_frame([], MONDAY, 3), MONDAY, 3, time_limit_seconds=10, workers=1)
