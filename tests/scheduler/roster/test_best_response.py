"""The agent-by-agent best response: its coverage ledger prices rosters exactly as the CP-SAT model does,
it never makes a roster worse, and it repeats for a seed."""

from __future__ import annotations

import pytest
from ortools.sat.python import cp_model
from roster_worlds import MONDAY, TINY, tiny_requirements

from scheduler.contracts.center import load_center
from scheduler.roster.best_response import improve_by_best_response
from scheduler.roster.hint import greedy_roster
from scheduler.roster.model import RosterModel
from scheduler.roster.rules import apply_rules
from staffcast.deadline import Deadline

DAYS = 3


@pytest.fixture(scope="module")
def model():
    m = RosterModel(load_center(TINY), tiny_requirements(DAYS), MONDAY, DAYS)
    return m, apply_rules(m)


def fixed_penalties(m: RosterModel, hint) -> dict[str, float] | None:
    """Each soft rule's cost (weight units) with every variable fixed to the hint, None when it breaks a constraint."""
    fixed = m.model.clone()
    for variable, value in hint:
        fixed.add(fixed.get_int_var_from_proto_index(variable.index) == value)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    if solver.solve(fixed) != cp_model.OPTIMAL:
        return None
    return m.penalty_totals(solver.value)


def test_the_hint_is_a_complete_solution_priced_like_the_ledger(model):
    model, variables = model
    plan, stuck = greedy_roster(model, Deadline(60))
    assert not stuck
    result = improve_by_best_response(model, variables, plan, deadline=Deadline(60), seed=1)
    assert not result.interrupted and result.moves > 0  # the greedy roster is improved, so the moves are priced too
    penalties = fixed_penalties(model, result.hint)
    assert penalties is not None
    # the best response prices everything but the fairness spreads, which the whole-model stage handles
    assert sum(v for rule, v in penalties.items() if not rule.endswith("fairness")) == pytest.approx(result.objective)


def test_it_never_makes_the_roster_worse_and_repeats_for_a_seed(model):
    model, variables = model
    plan, _ = greedy_roster(model, Deadline(60))
    start = improve_by_best_response(model, variables, plan, deadline=Deadline(60), max_passes=0)
    runs = [improve_by_best_response(model, variables, plan, deadline=Deadline(60), seed=4, parallel=2) for _ in range(2)]
    assert start.passes == 0 and start.plan == plan
    assert runs[0].objective <= start.objective
    assert runs[0].plan == runs[1].plan and runs[0].objective == runs[1].objective
    assert fixed_penalties(model, runs[0].hint) is not None
