"""A proven lower bound for a roster: the LP relaxation of the roster model with identical agents merged.

Agents who are identical to the model (same queues, contract, limits, pay, time off and previous shifts) can
be swapped in any roster, so the LP relaxation has an optimum where they all take the same fractional shifts.
One representative per kind of agent, counted `multiplicity` times in coverage and costs
(`RosterModel(multiplicity=...)`), therefore has the same LP optimum as the whole model at a fraction of its
size; that optimum is a lower bound of every roster's objective. A second LP with the understaffing
(shortfall) alone as objective bounds the understaffed agent-hours.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import threading
import time
from dataclasses import dataclass

import pandas as pd

from scheduler.roster.lp_relaxation import lp_lower_bound
from scheduler.roster.model import RosterModel, agent_queues
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


def agent_kinds(m: RosterModel) -> list[list[int]]:
    """The model's agents (indices) grouped by everything the roster model reads of an agent, in first-seen order."""
    horizon = m.horizon
    first, last = horizon.start - dt.timedelta(days=7), horizon.start + dt.timedelta(days=horizon.days + 7)
    time_off: dict[str, list] = {}
    for entry in m.center.time_off:
        if first <= entry.date < last:
            time_off.setdefault(entry.agent_id, []).append((entry.date, entry.kind, entry.weight))
    kinds: dict[tuple, list[int]] = {}
    for a, agent in enumerate(m.agents):
        key = (
            agent_queues(agent, m.center),
            tuple(getattr(agent, f.name) for f in dataclasses.fields(agent) if f.name not in UNREAD_AGENT_FIELDS),
            tuple(sorted(time_off.get(agent.agent_id, []))),
            tuple(m.previous.get(agent.agent_id, [])),
        )
        kinds.setdefault(key, []).append(a)
    return list(kinds.values())


def merged_model(m: RosterModel, requirements: pd.DataFrame) -> tuple[RosterModel, list]:
    """`m`'s problem with one representative per kind of agent (`agent_kinds`), rules applied, and its
    shortfall variables."""
    kinds = agent_kinds(m)
    agents = [m.agents[members[0]] for members in kinds]
    kept = {agent.agent_id for agent in agents}
    center = dataclasses.replace(m.center, agents=agents, time_off=[t for t in m.center.time_off if t.agent_id in kept])
    previous = m.previous_frame
    if previous is not None:
        previous = previous.loc[previous.agent_id.isin(kept)]
    merged = RosterModel(center, requirements, m.horizon.start, m.horizon.days, previous=previous, multiplicity=[len(members) for members in kinds])
    variables = apply_rules(merged)
    return merged, list(variables.coverage.shortfalls.values())


def roster_bound(m: RosterModel, requirements: pd.DataFrame, seconds: float) -> RosterBound:
    """Lower bounds of `m`'s objective and understaffed agent-hours from the LP relaxation of its merged model,
    within `seconds` (the understaffing bound only if the first LP left time for it)."""
    started = time.monotonic()
    merged, shortfalls = merged_model(m, requirements)
    objective = _bound_points(merged, seconds - (time.monotonic() - started))
    understaffed = None
    left = seconds - (time.monotonic() - started)
    if objective is not None and left > 0 and shortfalls:
        merged.model.minimize(sum(shortfalls))
        points = _bound_points(merged, left)
        understaffed = None if points is None else points * m.horizon.interval_minutes / 60
    return RosterBound(None if objective is None else objective / m.scale, understaffed, len(merged.agents), time.monotonic() - started)


class BackgroundBound:
    """`roster_bound` in a daemon thread, so that the search goes on while HiGHS (which releases the GIL) solves
    the LP; Ctrl-C or the end of the search simply stop waiting for it."""

    def __init__(self, m: RosterModel, requirements: pd.DataFrame, seconds: float) -> None:
        self.scale = m.scale
        self._started = time.monotonic()
        self._result: RosterBound | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(m, requirements, seconds), name="roster-bound", daemon=True)
        self._thread.start()

    def _run(self, m: RosterModel, requirements: pd.DataFrame, seconds: float) -> None:
        try:
            self._result = roster_bound(m, requirements, seconds)
        except BaseException as exc:  # handed to the caller of result()
            self._error = exc

    def points(self) -> int:
        """The proven bound of the objective in objective points, 0 until the LP is solved."""
        result = self._result
        return 0 if result is None or result.objective is None else round(result.objective * self.scale)

    def result(self, wait_seconds: float = 0.0) -> RosterBound:
        """The bounds, after waiting up to `wait_seconds` for them (none proven if the LP is still running)."""
        self._thread.join(max(0.0, wait_seconds))
        if self._error is not None:
            raise self._error
        return self._result or RosterBound(None, None, 0, time.monotonic() - self._started)


def _bound_points(model: RosterModel, seconds: float) -> int | None:
    """The LP optimum rounded up to whole objective points (every term is whole), less a numerical margin."""
    if seconds <= 0:
        return None
    value = lp_lower_bound(model.model, time_limit_seconds=seconds)
    if not math.isfinite(value):
        return None
    return max(0, math.ceil(value - 1e-6 * max(1.0, abs(value))))
