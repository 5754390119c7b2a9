"""Deferred work (queues with `respond_within_hours`) as the roster sees it: cumulative work against deadlines.

Work is counted in whole WORK_UNIT_SECONDS of agent time. The work of interval t arrives at its start
and is due by the end of interval t + K - 1 (K from `deadline_intervals`). One agent on the queue in
interval t clears `capacity[t]` units: the interval's minutes net of that hour's shrinkage, at the
planning occupancy cap, inside the queue's `work_hours` (0 outside). Work done by the end of t is
D[t] <= D[t - 1] + capacity[t] * agents[t] and D[t] <= arrived[t]; the work overdue at the end of t is
late[t] = max(0, due[t] - D[t]). Doing work as early as capacity allows (FIFO) minimises every late[t]
at once, so the cost of a roster's coverage is that of its FIFO replay (`fifo_done`), which the
best-response ledger prices with `marginal_values`.

A backlog (work that arrived before the horizon and is still open: the workload's rows of the queue
before the start) is present at the start and served first; each of its units falls due at its own
deadline, at the end of the first interval when that has already passed (`carried_due`, one slot per
interval and a last one for work due after the horizon).

The roster pays `late_work` per agent-interval of work overdue per interval (steep: above the
deepest shortfall tier of a real-time queue), and one objective point per unit still open at the
horizon end (work due later, which the next plan inherits).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scheduler.contracts.schema import CenterConfig
from scheduler.queueing.deferred import deadline_intervals
from scheduler.staffing.requirements import within_work_hours

WORK_UNIT_SECONDS = 60
OPEN_AT_END_POINTS = 1
"""Objective points per unit of work still open at the horizon end."""


@dataclass(frozen=True)
class DeferredQueue:
    """One deferred queue over the horizon's intervals: units arriving, units one agent clears, deadline K, and
    the backlog carried in (units falling due at the end of each interval; open at the start)."""

    queue: str
    work: np.ndarray
    capacity: np.ndarray
    deadline: int
    carried_due: np.ndarray | None = None

    @property
    def carried(self) -> int:
        """Units of backlog open at the start."""
        return 0 if self.carried_due is None else int(self.carried_due.sum())

    @property
    def present(self) -> np.ndarray:
        """Units that become workable in each interval: the backlog in the first, then the arrivals."""
        present = self.work.copy()
        if present.size:
            present[0] += self.carried
        return present

    @property
    def arrived(self) -> np.ndarray:
        """Units arrived (backlog included) by the end of each interval."""
        return np.cumsum(self.present)

    @property
    def due(self) -> np.ndarray:
        """Units due by the end of each interval (arrived at least K intervals earlier, and the backlog's)."""
        arrived = np.cumsum(self.work)
        shift = self.deadline - 1
        due = np.concatenate([np.zeros(min(shift, arrived.size), dtype=arrived.dtype), arrived[: max(0, arrived.size - shift)]])
        return due if self.carried_due is None else due + np.cumsum(self.carried_due[:-1])


def deferred_queues(config: CenterConfig, requirements: pd.DataFrame | None, start: pd.Timestamp, intervals: int) -> dict[str, DeferredQueue]:
    """The deferred queues of the center with their work over the horizon (from requirements' contacts x AHT) and
    the backlog of rows before the start."""
    step = config.interval_minutes
    grid = pd.date_range(start, periods=intervals, freq=f"{step}min")
    found = {}
    for queue in config.queues:
        if queue.respond_within_hours is None:
            continue
        deadline = deadline_intervals(queue.respond_within_hours, step)
        seconds = np.zeros(intervals)
        carried_due = np.zeros(intervals + 1, dtype=np.int64)
        if requirements is not None:
            rows = requirements.loc[requirements.queue == queue.id]
            positions = grid.get_indexer(rows.interval_start)
            inside = positions >= 0
            work_seconds = rows.contacts.to_numpy(float) * rows.aht_seconds.to_numpy(float)
            seconds[positions[inside]] = work_seconds[inside]
            before = (rows.interval_start < start).to_numpy()
            if before.any() and intervals:
                arrival = ((rows.interval_start[before] - start) / pd.Timedelta(minutes=step)).to_numpy().astype(np.int64)
                units = np.ceil(work_seconds[before] / WORK_UNIT_SECONDS - 1e-9).astype(np.int64)
                np.add.at(carried_due, np.clip(arrival + deadline - 1, 0, intervals), units)
        work = np.ceil(seconds / WORK_UNIT_SECONDS - 1e-9).astype(np.int64)
        net = step * 60 * (1 - config.staffing.shrinkage_at(grid.hour)) * config.staffing.max_occupancy
        capacity = np.floor(net / WORK_UNIT_SECONDS + 1e-9).astype(np.int64)
        if queue.work_hours:
            capacity[~within_work_hours(grid, queue.work_hours)] = 0
        found[queue.id] = DeferredQueue(queue.id, work, capacity, deadline, carried_due if carried_due.any() else None)
    return found


def late_points_per_unit(config: CenterConfig, scale: int) -> int:
    """Objective points per unit of work overdue for one interval (`late_work` is per agent-interval of work)."""
    units_per_agent_interval = config.interval_minutes * 60 / WORK_UNIT_SECONDS
    return max(1, math.floor(config.weights.late_work * scale / units_per_agent_interval + 0.5))


def fifo_done(queue: DeferredQueue, agents: np.ndarray) -> np.ndarray:
    """D: units done by the end of each interval when `agents` (per interval) serve the work FIFO."""
    work = queue.present.astype(np.float64)
    surplus = np.cumsum(work - queue.capacity * np.asarray(agents, dtype=np.float64))
    backlog = surplus - np.minimum(np.minimum.accumulate(surplus), 0.0)
    return np.round(np.cumsum(work) - backlog).astype(np.int64)


def late_units(queue: DeferredQueue, done: np.ndarray) -> np.ndarray:
    """Units overdue at the end of each interval."""
    return np.maximum(0, queue.due - done)


def deferred_cost(queue: DeferredQueue, agents: np.ndarray, late_points: int) -> int:
    """The roster's objective points for this queue's coverage: lateness and the work open at the end."""
    done = fifo_done(queue, agents)
    open_at_end = int(queue.arrived[-1] - done[-1]) if done.size else 0
    return int(late_points * late_units(queue, done).sum()) + OPEN_AT_END_POINTS * open_at_end


def marginal_values(queue: DeferredQueue, agents: np.ndarray, late_points: int) -> np.ndarray:
    """Objective points one more agent in each interval saves (linearised): the units it can take off the
    backlog there, times the late intervals (and the open end) until the backlog next empties."""
    done = fifo_done(queue, agents)
    backlog = queue.arrived - done
    late = late_units(queue, done)
    size = backlog.size
    positions = np.arange(size)
    empty = np.where(backlog <= 0, positions, size)
    next_empty = np.minimum.accumulate(empty[::-1])[::-1]
    late_count = np.concatenate([[0], np.cumsum(late > 0)])
    per_unit = late_points * (late_count[next_empty] - late_count[positions]) + OPEN_AT_END_POINTS * (next_empty == size)
    return np.minimum(queue.capacity, backlog) * per_unit


def deadline_hint(queues: dict[str, DeferredQueue], variables: dict, agents_on: dict[str, np.ndarray]) -> list[tuple[object, int]]:
    """Values of the deadline variables (`DeadlineVariables` per queue) for the agents on each queue per interval."""
    values = []
    for name, queue in queues.items():
        done = fifo_done(queue, agents_on[name][: queue.work.size])
        late = late_units(queue, done)
        values += list(zip(variables[name].done, done.tolist()))
        values += list(zip(variables[name].late, late.tolist()))
    return values
