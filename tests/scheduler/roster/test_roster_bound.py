"""The roster's proven bound: identical agents merged without changing the LP, a bound below the optimum,
and the roster reporting it."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest
from roster_worlds import MONDAY, Solved, leave, make_agent, make_center, requirements_frame, shift_row

from scheduler.roster import build_roster
from scheduler.roster.bound import agent_kinds, horizon_parts, merged_model, roster_bound
from scheduler.roster.lp_relaxation import lp_lower_bound
from scheduler.roster.model import RosterModel
from scheduler.roster.progress import quality_lines
from scheduler.roster.rules import apply_rules

COSTLY = {"paid_hour": 3, "start_time_change": 2, "night_fairness": 5, "time_off_preference": 40}


def _world(days: int = 3):
    """Three identical agents, one who asks a day off, one without nights, and a curve only some can cover."""
    agents = [make_agent(f"A{i}", max_hours_per_week=40) for i in range(3)]
    agents += [make_agent("P", max_hours_per_week=40), make_agent("D", max_hours_per_week=40, night_ok=False)]
    center = make_center(
        agents,
        time_off=[leave("P", MONDAY + dt.timedelta(days=1), kind="preference", weight=40), leave("P", MONDAY)],
        weights=COSTLY,
        rules={"min_days_off_per_week": 1},
        costs={"hourly_cost": 30, "night_allowance_per_hour": 6},
    )
    rows = [("q", pd.Timestamp(f"{MONDAY + dt.timedelta(days=d)} {h:02d}:00"), 3 if 9 <= h < 15 else 1) for d in range(days) for h in range(24)]
    return center, requirements_frame(rows, MONDAY, days)


def _models(center, requirements, days=3, previous=None, start=MONDAY):
    m = RosterModel(center, requirements, start, days, previous=previous)
    apply_rules(m)
    return m


def test_identical_agents_are_one_kind_and_time_off_or_rules_split_them():
    center, requirements = _world()
    m = _models(center, requirements)
    assert agent_kinds(m.center, m.horizon, m.previous) == [[0, 1, 2], [3], [4]]
    previous = pd.DataFrame([shift_row(center, "A1", MONDAY - dt.timedelta(days=1), "night@22:00")])
    m = _models(center, requirements, previous=previous)
    assert agent_kinds(m.center, m.horizon, m.previous) == [[0, 2], [1], [3], [4]]


def test_merged_relaxation_equals_the_whole_models_relaxation():
    """Every per-agent cost counts each merged agent: a cost counted once would lower the merged LP."""
    center, requirements = _world()
    m = _models(center, requirements)
    whole = lp_lower_bound(m.model) / m.scale
    bound = roster_bound(m, requirements, 30)
    assert bound.agent_kinds == 3
    assert bound.objective == pytest.approx(whole, rel=1e-6, abs=1 / m.scale)
    assert bound.objective > 0


def test_bound_is_below_the_optimum_and_the_understaffing_below_the_rosters():
    center, requirements = _world()
    solved = Solved(center, 3, requirements=requirements)
    bound = roster_bound(solved.model, requirements, 30)
    assert 0 < bound.objective <= solved.objective + 1e-9
    understaffed = solved.report.understaffed_agent_hours
    assert bound.understaffed_agent_hours is not None and 0 < bound.understaffed_agent_hours <= understaffed + 1e-9


def test_weeks_bounded_apart_add_up_to_a_bound_of_the_whole():
    """From a Thursday over 9 days: two calendar weeks, bounded apart without the fairness spreads and what
    crosses the week end; their sum relaxes the whole problem, so it is at most the whole model's LP."""
    center, requirements = _world(days=12)
    start = MONDAY + dt.timedelta(days=3)
    requirements = requirements.loc[requirements.interval_start >= pd.Timestamp(start)]
    m = _models(center, requirements, days=9, start=start)
    parts = horizon_parts(m, requirements)
    assert [(part.start.isoformat(), part.days) for part in parts] == [("2025-11-13", 4), ("2025-11-17", 5)]
    assert parts[0].previous is None and all(part.center.config.weights.night_fairness == 0 for part in parts)
    whole = lp_lower_bound(m.model) / m.scale
    bound = roster_bound(m, requirements, 60)
    assert 0.9 * whole < bound.objective <= whole + 1 / m.scale


def test_roster_reports_its_bound_gap_and_understaffing_bound():
    center, requirements = _world()
    center = dataclasses.replace(center, agents=center.agents + [make_agent(f"B{i}", max_hours_per_week=40) for i in range(3)])
    result = build_roster(center, requirements, MONDAY, 3, time_limit_seconds=20, seed=1, workers=1)
    summary = result.summary
    assert 0 < summary["bound"] <= summary["objective"] + 1e-9
    assert summary["gap"] == pytest.approx((summary["objective"] - summary["bound"]) / summary["objective"])
    assert 0 <= summary["understaffed_bound_agent_hours"] <= summary["understaffed_agent_hours"] + 1e-9
    assert summary["bound_seconds"] > 0


@pytest.mark.slow
def test_search_stops_once_the_roster_reaches_the_bound():
    """580 agent-days: only CP-SAT's neighbourhood workers run, and they never prove optimality themselves."""
    center = make_center([make_agent(f"A{i:03d}") for i in range(80)], weights={"paid_hour": 1})
    days = [MONDAY + dt.timedelta(days=d) for d in range(7)]
    rows = [("q", pd.Timestamp(f"{day} {h:02d}:{m:02d}"), 20) for day in days for h in range(8, 16) for m in (0, 30)]
    result = build_roster(center, requirements_frame(rows, MONDAY, 7), MONDAY, 7, time_limit_seconds=120, seed=1, workers=2)
    assert result.status == "OPTIMAL" and result.summary["gap"] == 0.0
    assert result.summary["solve_seconds"] < 90


def test_quality_lines_say_bound_gap_and_unavoidable_understaffing():
    summary = {"status": "FEASIBLE", "objective": 200.0, "bound": 150.0, "gap": 0.25, "understaffed_agent_hours": 12.0}
    first, second = quality_lines({**summary, "understaffed_bound_agent_hours": 4.5})
    assert first.startswith("Roster FEASIBLE: objective 200.0") and "proven bound 150.0" in first and "gap 25.0%" in first
    assert "at least 4.5 of the 12.0 understaffed agent-hours" in second
    assert quality_lines({**summary, "bound": 0.0, "gap": None}) == [
        "Roster FEASIBLE: objective 200.0, no bound proven in the time given (a longer --time-limit gives the LP relaxation time to prove one)"
    ]


def test_the_merged_model_keeps_each_representatives_time_off():
    center, requirements = _world()
    m = _models(center, requirements)
    merged, _ = merged_model(horizon_parts(m, requirements)[0])
    assert [agent.agent_id for agent in merged.agents] == ["A0", "P", "D"] and merged.multiplicity == [3, 1, 1]
    assert sorted((t.agent_id, t.kind) for t in merged.center.time_off) == [("P", "leave"), ("P", "preference")]
