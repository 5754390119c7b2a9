"""build_roster: model, greedy roster, agent-by-agent best response, CP-SAT on the whole model, extract,
and check the result independently."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
from ortools.sat.python import cp_model

from scheduler.contracts.center import Center
from scheduler.roster.best_response import improve_by_best_response
from scheduler.roster.bound import BackgroundBound
from scheduler.roster.checker import CheckReport, check_roster
from scheduler.roster.explain import explain_infeasibility
from scheduler.roster.extract import extract_roster
from scheduler.roster.grid import answered_requirements
from scheduler.roster.hint import greedy_roster
from scheduler.roster.interrupts import solve_interruptibly
from scheduler.roster.model import RosterModel
from scheduler.roster.progress import RosterProgress
from scheduler.roster.proto_edits import set_hint, solution_reader
from scheduler.roster.rules import apply_rules
from scheduler.staffing.coverage import coverage_table
from staffcast.deadline import Deadline
from staffcast.errors import InfeasibleError
from staffcast.interrupts import deferred_interrupt


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

    The bound is the better of CP-SAT's and the LP bound (`scheduler.roster.bound`, solved alongside); a roster
    that reaches it is optimal, and the search stops there (`reached`) unless `stop_at_bound` is False. Every
    soft cost is non-negative, so a bound of 0 or less proves nothing: it is reported as None.
    """

    def __init__(
        self,
        report: Callable[[RosterProgress], None] | None,
        deadline: Deadline,
        *,
        scale: int = 1,
        shortfalls: dict | None = None,
        interval_hours: float = 0.0,
        lp_bound: BackgroundBound | None = None,
        stop_at_bound: bool = True,
        start_points: float = math.inf,
    ) -> None:
        super().__init__()
        self.report, self.deadline, self.scale = report, deadline, scale
        self.shortfalls, self.interval_hours = shortfalls or {}, interval_hours
        self.lp_bound = lp_bound
        self.solutions = 0
        self.start_points, self.stop_at_bound = start_points, stop_at_bound

    def reached(self) -> bool:
        """True once the best roster's objective (before CP-SAT's first roster: `start_points`, the hint's when
        known) is at the LP bound: it is optimal."""
        proven = self.lp_bound.points() if self.lp_bound is not None and self.stop_at_bound else 0
        return proven > 0 and (self.best_points if self.solutions else self.start_points) <= proven

    def on_solution_callback(self) -> None:
        self.solutions += 1
        self.best_points = self.objective_value
        if self.reached():
            self.stop_search()
        if self.report is None:
            return
        lp_points = self.lp_bound.points() if self.lp_bound is not None else 0
        objective, bound = self.objective_value / self.scale, max(self.best_objective_bound, lp_points) / self.scale
        hours = sum(self.value(v) for v in self.shortfalls.values()) * self.interval_hours
        proven = bound if bound > 0 else None
        self.report(RosterProgress("cp-sat", self.deadline.elapsed(), objective, proven, relative_gap(objective, proven), hours))


def _stage_reporter(report: Callable[[RosterProgress], None] | None, deadline: Deadline) -> Callable[[RosterProgress], None] | None:
    """Forward the best response's progress, timed from the start of the whole command (without a bound: its
    objective leaves out the fairness spreads, which the bound counts)."""
    if report is None:
        return None
    return lambda update: report(dataclasses.replace(update, elapsed_seconds=deadline.elapsed()))


def relative_gap(objective: float, bound: float | None) -> float | None:
    """(objective - bound) / objective, 0 when the objective is 0, None without a bound."""
    if objective <= 0:
        return 0.0
    return None if bound is None else max(0.0, (objective - bound) / abs(objective))


def planned_requirements(m: RosterModel, requirements: pd.DataFrame) -> pd.DataFrame:
    """The requirements rows the roster answers for (`answered_requirements` on the model's horizon)."""
    return answered_requirements(m.config, requirements, m.horizon.start, m.horizon.days, m.has_previous)


BEST_RESPONSE_SHARE = 0.75
"""The share of the time limit the agent-by-agent best response may use; CP-SAT on the whole model gets the rest."""

FINISH_SHARE = 0.05
"""The least share of the time limit kept for extraction and the independent check after the last solve."""

FINISH_SECONDS, FINISH_PER_MODEL_SECOND = 2.0, 1.5
"""Seconds kept after the last solve: a fixed part and a part per second the model took to build, since extraction,
the check, writing and the check of the written files scale with the model (flagship store on 2 cores at load 6-10:
7 days, model 1.2 s, all of that 2.7 s; 28 days, model 7.7 s, all of that 11 s)."""

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
    deterministic: bool = False,
    deadline: Deadline | None = None,
) -> RosterResult:
    """Build a roster for `days` days from `start` that covers the requirements under the hard rules.

    Stages, all on one deadline: the model; a greedy roster (whose one-agent repairs always finish, so that a
    valid roster exists); agent-by-agent best responses (`best_response`, until BEST_RESPONSE_SHARE of the
    limit is spent, one agent per worker at once); CP-SAT on the whole model, hinted with that roster complete
    with breaks and queues, until the time to finish is left (FINISH_SHARE of the limit, or FINISH_SECONDS plus
    FINISH_PER_MODEL_SECOND times the model's build time if longer); then extraction and the independent checker.
    From the greedy roster on, the LP bound (`scheduler.roster.bound`) is solved in a background thread; a roster
    that reaches it ends the search (not in deterministic mode, where the bound is awaited at the end instead).
    Ctrl-C in any stage (deferred to a flag, `staffcast.interrupts`) skips the stages after it and keeps the
    best roster found so far; `summary["interrupted"]` says so.

    Args:
        center: the center with its agents and time off.
        requirements: queue, interval_start, contacts, aht_seconds, agents_required (NET agents).
        start, days: the first date and the number of days (1 to 42).
        time_limit_seconds, seed, workers: solver limits (workers None = all cores).
        previous: the roster before `start` (rest, streaks, early hours of the first day).
        progress: called with a `RosterProgress` on each improving roster.
        deterministic: count the limit in CP-SAT deterministic seconds (best response and CP-SAT alike), so that
            the same inputs, seed and workers give the same roster under any load.
        deadline: the command's deadline when the roster is one stage of a longer command (then
            `time_limit_seconds` and `deterministic` are ignored).

    Raises:
        InfeasibleError: when the hard rules cannot all hold (naming rules, agents and days), or when no
            roster is found within the time limit.
    """
    deadline = deadline or Deadline(time_limit_seconds, deterministic)
    with deferred_interrupt() as stopped:
        return _search(center, requirements, start, days, deadline, seed, workers, previous, progress, stopped)


def _search(center, requirements, start, days, deadline: Deadline, seed, workers, previous, progress, stopped) -> RosterResult:
    """The stages of `build_roster`, with Ctrl-C deferred to `stopped`."""
    stages = {"before_seconds": deadline.elapsed()}
    m = RosterModel(center, requirements, start, days, previous=previous)
    variables = apply_rules(m)
    stages["model_seconds"] = deadline.elapsed()
    plan, stuck = greedy_roster(m, deadline)
    stages["greedy_seconds"] = deadline.elapsed()
    if stuck:  # an agent's own hard rules conflict: no roster exists
        raise InfeasibleError(explain_infeasibility(center, start, days, previous, deadline))
    finish = max(FINISH_SHARE * deadline.seconds, FINISH_SECONDS + FINISH_PER_MODEL_SECOND * (stages["model_seconds"] - stages["before_seconds"]))
    # Solved while the search runs; in deterministic mode without a time limit and awaited, and not used to stop
    # the search early (when it finishes depends on the machine's load).
    lp_bound = BackgroundBound(m, requirements, math.inf if deadline.deterministic else deadline.remaining() - finish)
    stop_at_bound = not deadline.deterministic
    best = improve_by_best_response(
        m,
        variables,
        plan,
        deadline=deadline,
        stop_when_left=(1 - BEST_RESPONSE_SHARE) * deadline.seconds,
        seed=seed,
        parallel=workers or os.cpu_count() or 1,
        progress=_stage_reporter(progress, deadline),
    )
    stages["best_response_seconds"] = deadline.elapsed()
    hinted = solution_reader(m.model, best.hint)
    status_name, bound_points, value = "FEASIBLE", 0.0, hinted
    cpsat_seconds = deadline.remaining() - (FINISH_SHARE * deadline.seconds if deadline.deterministic else finish)
    # The best response's roster's objective, only once the bound is known (it takes a second or two at scale).
    hint_points = sum(m.penalty_totals(hinted).values()) * m.scale if stop_at_bound and lp_bound.points() > 0 else math.inf
    reached = hint_points <= lp_bound.points()  # the best response's roster is optimal
    if not stopped() and not reached and cpsat_seconds > 0:  # after Ctrl-C or at the deadline the best response's roster is the answer
        set_hint(m.model, best.hint)
        solver = cp_model.CpSolver()
        solver_parameters(solver, cpsat_seconds, seed, workers, len(m.agents) * days)
        deadline.limit_solver(solver.parameters, share=cpsat_seconds / max(deadline.remaining(), 1e-9))
        callback = SolutionReporter(
            progress,
            deadline,
            scale=m.scale,
            shortfalls=variables.coverage.shortfalls,
            interval_hours=m.horizon.interval_minutes / 60,
            lp_bound=lp_bound,
            stop_at_bound=stop_at_bound,
            start_points=hint_points,
        )
        status = solve_interruptibly(solver, m.model, callback, stop_when=callback.reached)
        deadline.spend(solver.response_proto.deterministic_time)
        if status in (cp_model.INFEASIBLE, cp_model.MODEL_INVALID):
            raise InfeasibleError(explain_infeasibility(center, start, days, previous, deadline))
        if callback.solutions or status == cp_model.OPTIMAL:  # else CP-SAT had no time to load the hint: keep it
            status_name, bound_points, value = solver.status_name(status), solver.best_objective_bound, solver.value
    stages["cp_sat_seconds"] = deadline.elapsed()
    wait = 0.0 if stopped() else math.inf if deadline.deterministic else deadline.remaining() - finish  # a search ended early may wait
    proven = lp_bound.result(wait_seconds=wait)
    shifts, activities = extract_roster(m, variables, value)
    planned = planned_requirements(m, requirements)
    coverage = coverage_table(center, activities, planned)
    report = check_roster(center, shifts, activities, planned, start, days, previous=previous)
    # The objective of the returned roster, from its own values (CP-SAT's objective_value can lag the final
    # solution by one improvement under interleaved search).
    solver_penalties = m.penalty_totals(value)
    objective = sum(solver_penalties.values())
    bound = min(objective, max(0.0, bound_points / m.scale, lp_bound.points() / m.scale))
    if bound >= objective > 0 and status_name == "FEASIBLE":
        status_name = "OPTIMAL"
    summary = {
        "status": status_name,
        "agents": len(m.agents),
        "shifts": len(shifts),
        "paid_hours": float(shifts.paid_minutes.sum() / 60),
        "understaffed_agent_hours": report.understaffed_agent_hours,
        "overstaffed_agent_hours": report.overstaffed_agent_hours,
        "objective": objective,
        "bound": bound,
        "gap": relative_gap(objective, bound if bound > 0 else None),
        "understaffed_bound_agent_hours": proven.understaffed_agent_hours,
        "bound_seconds": proven.seconds,
        "checker_objective": report.objective,
        "violations": len(report.violations),
        "penalties": report.penalties,
        "solver_penalties": solver_penalties,
        "solve_seconds": deadline.elapsed(),
        "stages_end_seconds": {**stages, "check_seconds": deadline.elapsed()},  # when each stage ended, from the deadline's start
        "interrupted": stopped(),
        "best_response": {"objective": best.objective, "passes": best.passes, "moves": best.moves, "interrupted": best.interrupted},
    }
    return RosterResult(shifts, activities, coverage, objective, bound, status_name, summary, report)
