"""Ctrl-C at any moment of the roster search keeps a valid, checked roster.

A real SIGINT is raised from inside a stage function at its N-th call (from the main thread, a best-response
worker thread or CP-SAT's solution-callback thread), for many N and every stage; the search must end with a
roster that the independent checker (which shares no code with the model) passes, and say it was interrupted.
"""

from __future__ import annotations

import signal
import threading

import pytest
from roster_worlds import MONDAY, TINY, tiny_requirements

from scheduler.contracts.center import load_center
from scheduler.roster import best_response, build_roster, hint, solve
from scheduler.roster.checker import check_roster
from scheduler.roster.grid import answered_requirements

DAYS = 3


def _interrupt_at(monkeypatch, owner, name: str, call: int, hits: list[str]) -> None:
    """Replace `owner.name` by a wrapper that raises SIGINT at its `call`-th call (then calls the original)."""
    original = getattr(owner, name)
    calls = [0]

    def wrapper(*args, **kwargs):
        calls[0] += 1
        if calls[0] == call:
            hits.append(threading.current_thread().name)
            signal.raise_signal(signal.SIGINT)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, wrapper)


def _count_after(monkeypatch, owner, name: str, hits: list[str]) -> list[int]:
    """Count the calls of `owner.name` made after the interrupt was raised."""
    original, counted = getattr(owner, name), [0]

    def wrapper(*args, **kwargs):
        counted[0] += bool(hits)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, wrapper)
    return counted


# (stage, where the interrupt is raised, the calls at which it is raised)
POINTS = [
    ("model", solve, "apply_rules", [1]),
    ("greedy", hint, "_follows_rules", [1, 2, 3]),
    ("best response: evaluation", best_response._AgentModel, "solve", [1, 2, 3]),
    ("best response: take an agent out", best_response.CoverageLedger, "remove", [1, 2, 3, 5, 8, 13]),
    ("best response: place an agent", best_response.CoverageLedger, "_place", [1, 2, 3, 4, 6, 9, 14]),
    ("best response: value shifts", best_response.CoverageLedger, "values", [1, 2, 4, 7]),
    ("best response: one-agent solve", best_response._AgentModel, "solve", [4, 5, 6, 8, 11]),
    ("best response: re-route", best_response.CoverageLedger, "_reroute", [1, 5, 20, 60]),
    ("best response: hint", best_response, "ledger_hint", [1]),
    ("cp-sat: first solution", solve.SolutionReporter, "on_solution_callback", [1, 2]),
    ("extraction", solve, "extract_roster", [1]),
    ("check", solve, "check_roster", [1]),
]
CASES = [pytest.param(owner, name, call, id=f"{stage} #{call}") for stage, owner, name, calls in POINTS for call in calls]


@pytest.fixture(scope="module")
def tiny():
    return load_center(TINY)


@pytest.mark.parametrize(("owner", "name", "call"), CASES)
def test_ctrl_c_at_any_point_keeps_a_valid_checked_roster(monkeypatch, tiny, owner, name, call):
    hits: list[str] = []
    _interrupt_at(monkeypatch, owner, name, call, hits)
    removals_after = _count_after(monkeypatch, best_response.CoverageLedger, "remove", hits)
    requirements = tiny_requirements(DAYS)
    try:
        result = build_roster(tiny, requirements, MONDAY, DAYS, time_limit_seconds=30, seed=1, workers=2)
    except KeyboardInterrupt:
        pytest.fail(f"Ctrl-C at call {call} of {name} escaped the search: no roster")
    if not hits:
        pytest.skip(f"{name} was called fewer than {call} times in this search")
    assert result.summary["interrupted"], "the search did not notice the Ctrl-C"
    assert removals_after[0] <= 2 * 2, "the best response went on after the Ctrl-C (more than the batch in flight)"
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # Python's own handler is back
    planned = answered_requirements(tiny.config, requirements, MONDAY, DAYS, False)
    report = check_roster(tiny, result.shifts, result.activities, planned, MONDAY, DAYS)
    assert report.violations == [] and result.check.violations == []
    assert set(result.shifts.agent_id) <= {agent.agent_id for agent in tiny.agents}
    assert report.objective == pytest.approx(result.objective)


def test_a_search_without_ctrl_c_is_not_marked_interrupted(tiny):
    result = build_roster(tiny, tiny_requirements(DAYS), MONDAY, DAYS, time_limit_seconds=30, seed=1, workers=2)
    assert not result.summary["interrupted"] and result.status == "OPTIMAL"
