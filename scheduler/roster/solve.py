"""build_roster: model, greedy roster, agent-by-agent best response, CP-SAT on the whole model, extract,
and check the result independently."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
from ortools.sat.python import cp_model

from scheduler.contracts.center import Center
from scheduler.roster.best_response import improve_by_best_response
from scheduler.roster.checker import CheckReport, check_roster
from scheduler.roster.explain import explain_infeasibility
from scheduler.roster.extract import extract_roster
from scheduler.roster.grid import answered_requirements
from scheduler.roster.hint import greedy_roster
from scheduler.roster.interrupts import deferred_interrupt, restore_python_interrupts
from scheduler.roster.model import RosterModel
from scheduler.roster.progress import RosterProgress
from scheduler.roster.proto_edits import set_hint, solution_reader
from scheduler.roster.rules import apply_rules
from scheduler.staffing.coverage import coverage_table
from staffcast.errors import InfeasibleError


@dataclass
class RosterResult:
    """A roster with its coverage, objective (weight units), best bound, solver status and summary."""

    shifts: pd.DataFrame
    activities: pd.DataFrame
    coverage: pd.DataFrame
    objective: float
    bound: float
    status: str
    summary: dict = field(default_factory=dict)
    check: CheckReport | None = None


class SolutionReporter(cp_model.CpSolverSolutionCallback):
    """Counts CP-SAT's improving solutions and reports each as a `RosterProgress` (objective and bound divided
    by `scale`; understaffed agent-hours from the `shortfalls` variables, each worth `interval_hours`).

    Every soft cost is non-negative, so a negative solver bound is reported as 0.
    """

    def __init__(
        self,
        report: Callable[[RosterProgress], None] | None,
        started: float,
        *,
        scale: int = 1,
        shortfalls: dict | None = None,
        interval_hours: float = 0.0,
    ) -> None:
        super().__init__()
        self.report, self.started, self.scale = report, started, scale
        self.shortfalls, self.interval_hours = shortfalls or {}, interval_hours
        self.solutions = 0

    def on_solution_callback(self) -> None:
        self.solutions += 1
        if self.report is None:
            return
        objective, bound = self.objective_value / self.scale, max(0.0, self.best_objective_bound / self.scale)
        hours = sum(self.value(v) for v in self.shortfalls.values()) * self.interval_hours
        self.report(RosterProgress("cp-sat", time.monotonic() - self.started, objective, bound, relative_gap(objective, bound), hours))


def _stage_reporter(report: Callable[[RosterProgress], None] | None, started: float) -> Callable[[RosterProgress], None] | None:
    """Forward the best response's progress (no proven bound yet), timed from the start of the whole search."""
    if report is None:
        return None
    return lambda update: report(dataclasses.replace(update, elapsed_seconds=time.monotonic() - started))


def relative_gap(objective: float, bound: float) -> float:
    """(objective - bound) / objective, 0 when both are 0."""
    return 0.0 if objective <= 0 else max(0.0, (objective - bound) / abs(objective))


def planned_requirements(m: RosterModel, requirements: pd.DataFrame) -> pd.DataFrame:
    """The requirements rows the roster answers for (`answered_requirements` on the model's horizon)."""
    return answered_requirements(m.config, requirements, m.horizon.start, m.horizon.days, m.has_previous)


BEST_RESPONSE_SHARE = 0.75
"""The share of the time limit the agent-by-agent best response may use; CP-SAT on the whole model gets the rest."""

LNS_ONLY_FROM_AGENT_DAYS = 500
"""From this many agent-days on, the search runs CP-SAT's neighbourhood workers only (see solver_parameters)."""


def solver_parameters(solver: cp_model.CpSolver, time_limit_seconds: float, seed: int, workers: int | None, agent_days: int) -> None:
    """All cores by default, a time limit, a fixed seed, and interleaved (deterministic) search.

    On large rosters the interleaved full-problem workers starve the large-neighbourhood workers (flagship
    store, 28 days, 2 workers, 100 s: 5.75 M with them, 5.27 M with neighbourhood workers only), so from
    LNS_ONLY_FROM_AGENT_DAYS on only those run; small rosters keep the full workers, which prove optimality.
    """
    workers = workers or os.cpu_count() or 1
    solver.parameters.num_workers = workers
    solver.parameters.max_time_in_seconds = float(time_limit_seconds)
    solver.parameters.random_seed = seed
    solver.parameters.catch_sigint_signal = True
    large = agent_days >= LNS_ONLY_FROM_AGENT_DAYS
    if workers > 1 or large:
        solver.parameters.interleave_search = True
    if large:
        solver.parameters.use_lns_only = True


def build_roster(
    center: Center,
    requirements: pd.DataFrame,
    start: dt.date,
    days: int,
    *,
    time_limit_seconds: float = 60,
    seed: int = 0,
    workers: int | None = None,
    previous: pd.DataFrame | None = None,
    progress: Callable[[RosterProgress], None] | None = None,
    deterministic_time_limit: float | None = None,
) -> RosterResult:
    """Build a roster for `days` days from `start` that covers the requirements under the hard rules.

    Stages: a greedy roster; agent-by-agent best responses (`best_response`, up to BEST_RESPONSE_SHARE of
    the time limit, one agent per worker at once); CP-SAT on the whole model, hinted with that roster
    complete with breaks and queues, for the rest of the time; then extraction and the independent checker.
    Ctrl-C in any stage keeps the best roster found so far.

    Args:
        center: the center with its agents and time off.
        requirements: queue, interval_start, contacts, aht_seconds, agents_required (NET agents).
        start, days: the first date and the number of days (1 to 42).
        time_limit_seconds, seed, workers: solver limits (workers None = all cores).
        previous: the roster before `start` (rest, streaks, early hours of the first day).
        progress: called with a `RosterProgress` on each improving roster.
        deterministic_time_limit: also stop CP-SAT after this much deterministic time. Both stages are
            deterministic for a seed and worker count, so a run whose best response ends by converging and
            whose CP-SAT stage ends by proving optimality or by this limit (neither by the wall clock) gives
            the same roster every time.

    Raises:
        InfeasibleError: when the hard rules cannot all hold (naming rules, agents and days), or when no
            roster is found within the time limit.
    """
    m = RosterModel(center, requirements, start, days, previous=previous)
    variables = apply_rules(m)
    started = time.monotonic()
    plan, stuck = greedy_roster(m)
    if stuck:  # an agent's own hard rules conflict: no roster exists
        raise InfeasibleError(explain_infeasibility(center, start, days, previous, time_limit_seconds))
    restore_python_interrupts()  # the greedy's one-agent repairs are CP-SAT solves
    best = improve_by_best_response(
        m,
        variables,
        plan,
        time_limit_seconds=BEST_RESPONSE_SHARE * time_limit_seconds,
        seed=seed,
        parallel=workers or os.cpu_count() or 1,
        progress=_stage_reporter(progress, started),
    )
    with deferred_interrupt() as late:
        hinted = solution_reader(m.model, best.hint)
        interrupted = best.interrupted or late()
    status_name, bound_points, value = "FEASIBLE", 0.0, hinted
    if not interrupted:  # after Ctrl-C the best response's roster is the answer
        set_hint(m.model, best.hint)
        solver = cp_model.CpSolver()
        remaining = time_limit_seconds - (time.monotonic() - started)
        solver_parameters(solver, max(remaining, (1 - BEST_RESPONSE_SHARE) * time_limit_seconds), seed, workers, len(m.agents) * days)
        if deterministic_time_limit is not None:
            solver.parameters.max_deterministic_time = deterministic_time_limit
        callback = SolutionReporter(
            progress, started, scale=m.scale, shortfalls=variables.coverage.shortfalls, interval_hours=m.horizon.interval_minutes / 60
        )
        status = solver.solve(m.model, callback)
        restore_python_interrupts()
        if status in (cp_model.INFEASIBLE, cp_model.MODEL_INVALID):
            raise InfeasibleError(explain_infeasibility(center, start, days, previous, time_limit_seconds))
        if callback.solutions or status == cp_model.OPTIMAL:  # else CP-SAT had no time to load the hint: keep it
            status_name, bound_points, value = solver.status_name(status), solver.best_objective_bound, solver.value
    shifts, activities = extract_roster(m, variables, value)
    planned = planned_requirements(m, requirements)
    coverage = coverage_table(center, activities, planned)
    report = check_roster(center, shifts, activities, planned, start, days, previous=previous)
    # The objective of the returned roster, from its own values (CP-SAT's objective_value can lag the final
    # solution by one improvement under interleaved search).
    solver_penalties = m.penalty_totals(value)
    objective = sum(solver_penalties.values())
    bound = min(objective, max(0.0, bound_points / m.scale))
    summary = {
        "status": status_name,
        "agents": len(m.agents),
        "shifts": len(shifts),
        "paid_hours": float(shifts.paid_minutes.sum() / 60),
        "understaffed_agent_hours": report.understaffed_agent_hours,
        "overstaffed_agent_hours": report.overstaffed_agent_hours,
        "objective": objective,
        "bound": bound,
        "gap": relative_gap(objective, bound),
        "checker_objective": report.objective,
        "violations": len(report.violations),
        "penalties": report.penalties,
        "solver_penalties": solver_penalties,
        "solve_seconds": time.monotonic() - started,
        "best_response": {"objective": best.objective, "passes": best.passes, "moves": best.moves, "interrupted": interrupted},
    }
    return RosterResult(shifts, activities, coverage, objective, bound, status_name, summary, report)
