"""The greedy roster and its completion are a full, feasible assignment of the model (CP-SAT starts from it)."""

from __future__ import annotations

import dataclasses
from collections import Counter

import pandas as pd
from ortools.sat.python import cp_model
from roster_worlds import MONDAY, TINY, make_agent, make_center, requirements_frame, tiny_requirements

from scheduler.contracts.center import load_center
from scheduler.roster.hint import greedy_roster, hint_values
from scheduler.roster.model import RosterModel
from scheduler.roster.rules import apply_rules


def assert_hint_is_a_feasible_solution(center, days):
    m = RosterModel(center, tiny_requirements(days), MONDAY, days)
    variables = apply_rules(m)
    plan, stuck = greedy_roster(m)
    assert stuck == []
    values = hint_values(m, variables, plan)
    assert len({var.index for var, _ in values}) == len(m.model.proto.variables)
    for var, value in values:
        m.model.add(var == value)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(m.model) == cp_model.OPTIMAL


def test_greedy_hint_is_complete_and_feasible():
    assert_hint_is_a_feasible_solution(load_center(TINY), 7)


def test_greedy_hint_repairs_agents_whose_minimum_hours_it_missed():
    center = load_center(TINY)
    busy = [dataclasses.replace(a, min_hours_per_week=40, max_hours_per_week=48) for a in center.agents]
    assert_hint_is_a_feasible_solution(dataclasses.replace(center, agents=busy), 7)


def test_greedy_rest_days_spread_over_the_week_so_its_last_day_is_staffed():
    """Seven agents, one rest day a week each, five wanted 08:00-16:00 every day of a Monday-Sunday week: the greedy
    staffs Sunday like every other day (it used to reach Sunday with every agent's rest day still to take)."""
    agents = [make_agent(f"A{k}") for k in range(7)]
    center = make_center(agents, rules={"min_days_off_per_week": 1})
    day = pd.date_range(f"{MONDAY} 08:00", periods=16, freq="30min")
    rows = [("q", moment + pd.Timedelta(days=d), 5) for d in range(7) for moment in day]
    m = RosterModel(center, requirements_frame(rows, MONDAY, 7), MONDAY, 7)
    apply_rules(m)
    plan, stuck = greedy_roster(m)
    per_day = Counter(d for _, d in plan)
    assert stuck == [] and min(per_day[d] for d in range(7)) >= 5
    assert all(sum((a, d) not in plan for d in range(7)) >= 1 for a in range(7))  # each agent keeps a rest day
