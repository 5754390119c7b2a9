"""A proven lower bound for a roster: the LP relaxation of the roster model with identical agents merged.

Agents who are identical to the model (same queues, contract, limits, pay, time off and previous shifts) can
be swapped in any roster, so the LP relaxation has an optimum where they all take the same fractional shifts.
One representative per kind of agent, counted `multiplicity` times in coverage and costs
(`RosterModel(multiplicity=...)`), therefore has the same LP optimum as the whole model at a fraction of its
size; that optimum is a lower bound of every roster's objective. A horizon of several calendar weeks is
bounded week by week (`horizon_parts`), which is several times faster (flagship store, 28 days) and still a
bound. A second LP with the understaffing (shortfall) alone as objective bounds the understaffed agent-hours.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import threading
import time
from dataclasses import dataclass

import pandas as pd

from scheduler.contracts.center import Center
from scheduler.roster.grid import Horizon, deferred_queue_ids
from scheduler.roster.lp_relaxation import LpSolver, Relaxation, relax
from scheduler.roster.model import PreviousShift, RosterModel, agent_queues, parse_previous, with_agents
from scheduler.roster.rules import apply_rules

UNREAD_AGENT_FIELDS = ("agent_id", "name", "team", "skills")
"""Agent fields the roster model does not read (skills only through the queues they open, `agent_queues`)."""


@dataclass(frozen=True)
class RosterBound:
    """Lower bounds of the objective (weight units) and of the understaffed agent-hours (None: not proven in
    time), the kinds of agent the relaxation kept and the seconds it took."""

    objective: float | None
    understaffed_agent_hours: float | None
    agent_kinds: int
    seconds: float


def agent_kinds(center: Center, horizon: Horizon, previous: dict[str, list[PreviousShift]]) -> list[list[int]]:
    """The center's agents (indices) grouped by everything the roster model reads of an agent over `horizon`
    (queues, contract, limits, pay, time off, previous shifts), in first-seen order."""
    first, last = horizon.start - dt.timedelta(days=7), horizon.start + dt.timedelta(days=horizon.days + 7)
    time_off: dict[str, list] = {}
    for entry in center.time_off:
        if first <= entry.date < last:
            time_off.setdefault(entry.agent_id, []).append((entry.date, entry.kind, entry.weight))
    kinds: dict[tuple, list[int]] = {}
    for a, agent in enumerate(center.agents):
        key = (
            agent_queues(agent, center),
            tuple(getattr(agent, f.name) for f in dataclasses.fields(agent) if f.name not in UNREAD_AGENT_FIELDS),
            tuple(sorted(time_off.get(agent.agent_id, []))),
            tuple(previous.get(agent.agent_id, [])),
        )
        kinds.setdefault(key, []).append(a)
    return list(kinds.values())


@dataclass(frozen=True)
class BoundPart:
    """A stretch of the horizon whose LP is solved on its own: center, first date, days, requirements, previous roster."""

    center: Center
    start: dt.date
    days: int
    requirements: pd.DataFrame
    previous: pd.DataFrame | None


def horizon_parts(m: RosterModel, requirements: pd.DataFrame) -> list[BoundPart]:
    """The horizon as one part when it touches one calendar week, else one part per calendar week (cut by the
    horizon), whose LPs are far faster than the whole one's and whose optima add up to a lower bound of it:
    each part leaves out what ties the weeks together, which only relaxes the problem. The parts after the first
    have no previous roster (so no rest, streak or monthly overtime carried in, and the first hours that the
    week before could reach are not answered), and no part counts the fairness spreads (most minus fewest over
    the whole horizon, which do not add up by week) or the deferred queues (whose tickets cross weeks)."""
    weeks = m.horizon.weeks(m.config.rules.week_start)
    if len(weeks) == 1:
        return [BoundPart(m.center, m.horizon.start, m.horizon.days, requirements, m.previous_frame)]
    weights = m.config.weights.model_copy(update={"weekend_fairness": 0.0, "night_fairness": 0.0})
    center = dataclasses.replace(m.center, config=m.config.model_copy(update={"weights": weights}))
    realtime = requirements.loc[~requirements.queue.isin(deferred_queue_ids(m.config))]
    parts = []
    for week in weeks:
        first, last = max(0, week.start), min(m.horizon.days, week.stop)
        begin, end = pd.Timestamp(m.horizon.date(first)), pd.Timestamp(m.horizon.date(last))
        rows = realtime.loc[(realtime.interval_start >= begin) & (realtime.interval_start < end)]
        parts.append(BoundPart(center, m.horizon.date(first), last - first, rows, m.previous_frame if first == 0 else None))
    return parts


def merged_model(part: BoundPart) -> tuple[RosterModel, list]:
    """The part's roster problem with one representative per kind of agent (`agent_kinds`), rules applied, and
    its shortfall variables."""
    center = part.center
    horizon = Horizon(part.start, part.days, center.config.interval_minutes)
    kinds = agent_kinds(center, horizon, parse_previous(part.previous, center, horizon))
    center, previous = with_agents(center, part.previous, [center.agents[members[0]] for members in kinds])
    merged = RosterModel(center, part.requirements, part.start, part.days, previous=previous, multiplicity=[len(members) for members in kinds])
    variables = apply_rules(merged)
    return merged, list(variables.coverage.shortfalls.values())


@dataclass(frozen=True)
class PartRelaxation:
    """A part's merged model as an LP (`lp_relaxation.Relaxation`) and the columns of its shortfall variables."""

    relaxation: Relaxation
    shortfall_columns: list[int]


@dataclass(frozen=True)
class BoundProblem:
    """The LPs of a roster's bound, read from OR-Tools models up front: solving them needs HiGHS only."""

    parts: list[PartRelaxation]
    agent_kinds: int
    scale: int
    interval_minutes: int


def bound_problem(m: RosterModel, requirements: pd.DataFrame) -> BoundProblem:
    """The merged model of every `horizon_parts` part, relaxed to an LP."""
    parts, kinds = [], 0
    for part in horizon_parts(m, requirements):
        merged, shortfalls = merged_model(part)
        kinds = max(kinds, len(merged.agents))
        parts.append(PartRelaxation(relax(merged.model), [v.index for v in shortfalls]))
    return BoundProblem(parts, kinds, m.scale, m.horizon.interval_minutes)


def solve_bound(problem: BoundProblem, seconds: float, solver: LpSolver, started: float | None = None) -> RosterBound:
    """Lower bounds of the objective and of the understaffed agent-hours: the sum over the parts of their LP
    bounds, within `seconds` from `started` (time.monotonic(), default now). A part's understaffing needs a second
    LP (shortfall alone as objective) only when its first LP's optimum leaves some: else no roster must be short
    there."""
    started = time.monotonic() if started is None else started
    objective, understaffed = 0, 0.0
    for part in problem.parts:
        points = _whole(part.relaxation.objective_bound(solver, seconds - (time.monotonic() - started)))
        if points is None:
            return RosterBound(None, None, problem.agent_kinds, time.monotonic() - started)
        objective += points
        if understaffed is not None and solver.values[part.shortfall_columns].sum() > 1e-6:
            short = _whole(part.relaxation.sum_bound(part.shortfall_columns, solver, seconds - (time.monotonic() - started)))
            understaffed = None if short is None else understaffed + short * problem.interval_minutes / 60
    return RosterBound(objective / problem.scale, understaffed, problem.agent_kinds, time.monotonic() - started)


def roster_bound(m: RosterModel, requirements: pd.DataFrame, seconds: float, solver: LpSolver | None = None) -> RosterBound:
    """`solve_bound` of `bound_problem` within `seconds` in all."""
    started = time.monotonic()
    return solve_bound(bound_problem(m, requirements), seconds, solver or LpSolver(), started)


class BackgroundBound:
    """The bound's LPs, read from the models in the calling thread, then solved by HiGHS (which releases the GIL)
    in a daemon thread, so that the search goes on meanwhile and no OR-Tools model is touched from two threads;
    the end of the search or Ctrl-C `cancel` it."""

    def __init__(self, m: RosterModel, requirements: pd.DataFrame, seconds: float) -> None:
        self.scale = m.scale
        self._started = time.monotonic()
        self._result: RosterBound | None = None
        self._error: BaseException | None = None
        self._solver = LpSolver()
        problem = bound_problem(m, requirements)
        self._thread = threading.Thread(target=self._run, args=(problem, seconds), name="roster-bound", daemon=True)
        self._thread.start()

    def _run(self, problem: BoundProblem, seconds: float) -> None:
        try:
            self._result = solve_bound(problem, seconds, self._solver, self._started)
        except BaseException as exc:  # handed to the caller of result()
            self._error = exc

    def points(self) -> int:
        """The proven bound of the objective in objective points, 0 until the LP is solved."""
        result = self._result
        return 0 if result is None or result.objective is None else round(result.objective * self.scale)

    def result(self, wait_seconds: float = 0.0) -> RosterBound:
        """The bounds, after waiting up to `wait_seconds` (inf: until solved) for them; an LP still running then
        is cancelled."""
        self._thread.join(None if math.isinf(wait_seconds) else max(0.0, wait_seconds))
        if self._thread.is_alive():
            self._solver.cancel()
        if self._error is not None:
            raise self._error
        return self._result or RosterBound(None, None, 0, time.monotonic() - self._started)


def _whole(value: float) -> int | None:
    """An LP bound rounded up to whole objective points (every term is whole), less a numerical margin; None
    when the LP was not solved."""
    if not math.isfinite(value):
        return None
    return max(0, math.ceil(value - 1e-6 * max(1.0, abs(value))))
