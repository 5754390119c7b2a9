"""Deferred work (email / tickets): valley-filling requirements and a fluid FIFO backlog with deadlines.

Model. The work of interval i is contacts x AHT agent-seconds. It is taken as arriving at the
interval start, and it is due `respond_within_hours` later, i.e. by the end of interval
i + K - 1 with K = floor(respond_within_hours * 60 / interval_minutes) (at least 1: work is never
due before the end of its own interval). One agent clears interval_minutes * 60 * max_occupancy
agent-seconds per interval. Work is served first come, first served (with deadlines in arrival
order this is also earliest-deadline-first, which meets every deadline whenever any schedule can).

Horizon. The backlog is empty when the horizon starts (earlier work belonged to the previous plan)
and work due after the horizon end is treated as due at the horizon end, so a plan leaves no
backlog behind and consecutive plans chain without a hand-over.

Requirement rule (valley filling within deadlines). Each interval's work may be done anywhere
in its window [arrival interval, due interval]. Taking intervals latest arrival first (so the short
windows at the horizon end are served before earlier work takes their room), the work first uses
capacity already staffed and still free in its window (earliest first); for the rest it adds one
whole agent at a time in the interval of its window where the center's total requirement (the
other queues' `base_agents` plus deferred agents placed so far) is lowest, the earliest such
interval on ties. So tickets flow into the valleys of the center's voice and chat profile (nights,
quiet afternoons) as far as their deadlines allow, and never past a deadline: every unit of work
is placed inside its own window, so serving the resulting agents' capacity earliest deadline
first (= FIFO here, what `deferred_performance` measures) meets every deadline. At most one agent
per placement is partly idle. This is a Python loop over intervals with work (numpy inside each
window): a year of 15-minute intervals takes about 2 s.
"""

from __future__ import annotations

import math

import numpy as np

_RELATIVE_SLACK = 1e-9
_CLOSED_LEVEL = 1e9  # the level of a closed interval: filled only when its whole window is closed
_NO_WORK_SECONDS = 1e-9  # less work than a nanosecond is below the precision of cumulative sums: none


def deadline_intervals(respond_within_hours: float, interval_minutes: int) -> int:
    """K: work of interval i is due by the end of interval i + K - 1."""
    return max(1, math.floor(respond_within_hours * 60 / interval_minutes + 1e-9))


def fifo_processed(work_seconds: np.ndarray, capacity_seconds: np.ndarray) -> np.ndarray:
    """Cumulative work done by the end of each interval, serving FIFO with the given capacity.

    Lindley recursion backlog_j = max(0, backlog_{j-1} + work_j - capacity_j) in closed form:
    backlog_j = S_j - min(0, min_{k<=j} S_k) with S the cumulative sum of work - capacity.
    """
    surplus = np.cumsum(work_seconds - capacity_seconds)
    backlog = surplus - np.minimum(np.minimum.accumulate(surplus), 0.0)
    return np.maximum.accumulate(np.cumsum(work_seconds) - backlog)


def _due_index(size: int, deadline: int) -> np.ndarray:
    return np.minimum(np.arange(size) + deadline - 1, size - 1)


def deferred_agents(work_seconds, base_agents, deadline: int, interval_minutes: int, max_occupancy: float) -> np.ndarray:
    """Whole agents per interval that finish all deferred work by its deadline, filling valleys.

    Args:
        work_seconds: agent-seconds of work arriving per consecutive interval.
        base_agents: the center's other requirement per interval (voice and chat agents); inf
            marks an interval closed to deferred work (absent from the workload, outside the
            queue's work hours), used only when a window has no open interval (the deadline wins).
        deadline: K from `deadline_intervals`.
        interval_minutes: interval length.
        max_occupancy: share of an agent's time available for the work.

    Returns:
        Integer agents per interval (see the module docstring for the rule).
    """
    work = np.asarray(work_seconds, float)
    base = np.asarray(base_agents, dtype=float)
    level = np.where(np.isfinite(base), np.ceil(base), _CLOSED_LEVEL)
    per_agent = interval_minutes * 60 * max_occupancy
    agents = np.zeros(work.size, dtype=np.int64)
    free = np.zeros(work.size)
    for arrival in np.flatnonzero(work >= _NO_WORK_SECONDS)[::-1]:
        window = slice(arrival, min(arrival + deadline, work.size))
        spare = free[window]
        taken = np.minimum(spare, np.maximum(work[arrival] - (np.cumsum(spare) - spare), 0.0))
        spare -= taken
        remaining = work[arrival] - taken.sum()
        if remaining > _RELATIVE_SLACK * work[arrival]:
            count = max(1, math.ceil(remaining / per_agent * (1 - _RELATIVE_SLACK)))
            added, last = _fill_valleys(level[window], count)
            agents[window] += added
            level[window] += added
            free[window.start + last] += count * per_agent - remaining
    return agents


def _fill_valleys(levels: np.ndarray, count: int) -> tuple[np.ndarray, int]:
    """Add `count` agents one at a time, each where the level is lowest (earliest on ties).

    Done level by level: fill every interval up to water level L - 1, the smallest whole L that
    takes all agents, then the rest one each in the earliest intervals standing at L - 1.

    Returns:
        Agents added per interval and the position of the last one added.
    """
    finite = np.isfinite(levels)
    bottom = levels[finite]
    low, high = bottom.min(), bottom.min() + count  # fill(high) >= count always
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if np.maximum(middle - bottom, 0).sum() >= count else (middle, high)
    added = np.where(finite, np.maximum(high - 1 - levels, 0.0), 0.0)
    at_level = np.flatnonzero(finite & (levels <= high - 1))
    rest = count - int(added.sum())
    added[at_level[:rest]] += 1
    return added.astype(np.int64), int(at_level[rest - 1])


def deferred_performance(work_seconds, agents, deadline: int, interval_minutes: int, max_occupancy: float = 1.0) -> dict[str, np.ndarray]:
    """Service figures of deferred work served FIFO by the given (possibly fractional) agents.

    Returns:
        Arrays service_level (share of each interval's work done by its deadline), asa_seconds
        (time from the interval start until its middle item is done; inf if not done within the
        horizon), abandon_rate (0) and occupancy (work done / agent time).
    """
    work = np.asarray(work_seconds, float)
    agents = np.asarray(agents, float)
    interval_seconds = interval_minutes * 60
    processed = fifo_processed(work, agents * interval_seconds * max_occupancy)
    arrived = np.cumsum(work)
    before = arrived - work
    due = processed[_due_index(work.size, deadline)]
    with np.errstate(divide="ignore", invalid="ignore"):
        done_share = np.where(work > 0, np.clip((due - before) / np.where(work > 0, work, 1.0), 0.0, 1.0), 1.0)
        done_share = np.where(due >= arrived * (1 - _RELATIVE_SLACK), 1.0, done_share)
        middle = before + work / 2
        finish = np.searchsorted(processed, middle * (1 - _RELATIVE_SLACK), side="left")
        inside = finish < work.size
        finish_clipped = np.minimum(finish, work.size - 1)
        start_of_finish = np.where(finish_clipped > 0, processed[finish_clipped - 1], 0.0)
        step = processed[finish_clipped] - start_of_finish
        fraction = np.where(step > 0, np.clip((middle - start_of_finish) / np.where(step > 0, step, 1.0), 0.0, 1.0), 1.0)
        finish_seconds = (finish_clipped + fraction) * interval_seconds
        delay = np.where(inside, finish_seconds - np.arange(work.size) * interval_seconds, np.inf)
        done = np.diff(processed, prepend=0.0)
        occupancy = np.where(agents > 0, done / (np.where(agents > 0, agents, 1.0) * interval_seconds), 0.0)
    return {"service_level": done_share, "asa_seconds": np.where(work > 0, delay, 0.0), "abandon_rate": np.zeros(work.size), "occupancy": occupancy}


def deadline_service(work_seconds, capacity_seconds, deadline: int) -> dict[str, np.ndarray]:
    """Deferred work served FIFO with the given capacity, judged against deadlines inside the horizon only.

    Unlike `deferred_performance`, work due after the horizon is not taken as due at its end: its share
    on time is NaN unless it is done by then (it belongs to the next plan).

    Returns:
        on_time (share of each interval's work done by its deadline; NaN: not yet due), done (cumulative
        work done by the end of each interval), oldest_intervals (age in intervals, at the end of each
        interval, of the oldest work still open; 0 when none).
    """
    work = np.asarray(work_seconds, float)
    processed = fifo_processed(work, np.asarray(capacity_seconds, float))
    arrived = np.cumsum(work)
    before = arrived - work
    size = work.size
    due_at = np.arange(size) + deadline - 1
    due = processed[np.minimum(due_at, size - 1)]
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(work > 0, np.clip((due - before) / np.where(work > 0, work, 1.0), 0.0, 1.0), 1.0)
    share = np.where(due >= arrived * (1 - _RELATIVE_SLACK), 1.0, share)
    share = np.where((due_at >= size) & (share < 1.0), np.nan, share)
    oldest_open = np.searchsorted(arrived, processed * (1 + _RELATIVE_SLACK) + _NO_WORK_SECONDS, side="right")
    open_work = arrived - processed > _RELATIVE_SLACK * np.maximum(arrived, 1.0)
    age = np.where(open_work, np.arange(size) + 1 - np.minimum(oldest_open, size - 1), 0)
    return {"on_time": share, "done": processed, "oldest_intervals": age}
