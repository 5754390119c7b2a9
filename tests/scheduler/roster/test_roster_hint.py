"""The greedy roster and its completion are a full, feasible assignment of the model (CP-SAT starts from it)."""

from __future__ import annotations

import dataclasses

from ortools.sat.python import cp_model
from roster_worlds import MONDAY, TINY, tiny_requirements

from scheduler.contracts.center import load_center
from scheduler.roster.hint import greedy_roster, hint_values
from scheduler.roster.model import RosterModel
from scheduler.roster.rules import apply_rules
from staffcast.deadline import Deadline


def assert_hint_is_a_feasible_solution(center, days):
    m = RosterModel(center, tiny_requirements(days), MONDAY, days)
    variables = apply_rules(m)
    plan, stuck = greedy_roster(m, Deadline(60))
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
