"""What a roster does to a deferred queue: tickets late per day, the oldest ticket, the backlog left, and what
capacity would clear it.

The roster's agents on the queue (net of shrinkage) serve the work first come, first served
(`scheduler.queueing.deferred.deadline_service`). Tickets late are the contacts not done by their deadline,
counted on the day they arrived; work due after the horizon is late only once its deadline passes (the next
plan's). The missing capacity is, per stretch of intervals with overdue work, the most work overdue at once:
that much more agent time on the queue before those deadlines would have met them. The skilled bound
replays the same work with every skilled agent on shift (not on break, inside the queue's work hours)
working the queue: when tickets are late even then, this roster's shifts cannot clear the backlog, whatever
the queue allocation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from scheduler.contracts.center import Center
from scheduler.contracts.schema import Queue
from scheduler.queueing.deferred import deadline_intervals, deadline_service
from scheduler.staffing.requirements import within_work_hours

BACKLOG_COLUMNS = ["queue", "interval_start", "contacts", "aht_seconds"]


@dataclass(frozen=True)
class DeferredOutcome:
    """A deferred queue's outcome over the plan (tickets are contacts; hours are gross agent-hours)."""

    tickets: float
    tickets_late: float
    on_time: float
    late_by_day: dict[str, float] = field(default_factory=dict)
    oldest_hours: float = 0.0
    backlog_tickets: float = 0.0
    missing_agent_hours: float = 0.0
    late_with_every_skilled_agent: float = 0.0
    open_at_end: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=BACKLOG_COLUMNS))


def _capacity_seconds(center: Center, times: pd.DatetimeIndex, agents: np.ndarray) -> np.ndarray:
    return agents * (1 - center.config.staffing.shrinkage_at(times.hour)) * center.config.interval_minutes * 60


def _late_tickets(work: np.ndarray, contacts: np.ndarray, capacity: np.ndarray, deadline: int) -> tuple[dict, np.ndarray]:
    served = deadline_service(work, capacity, deadline)
    late = contacts * (1 - np.nan_to_num(served["on_time"], nan=1.0))
    return served, late


def _missing_seconds(work: np.ndarray, done: np.ndarray, deadline: int) -> float:
    """Sum over stretches with overdue work of the most work overdue at once."""
    arrived = np.cumsum(work)
    due = np.concatenate([np.zeros(min(deadline - 1, arrived.size)), arrived[: max(0, arrived.size - deadline + 1)]])
    overdue = np.maximum(0.0, due - done)
    overdue[overdue < 1e-6 * max(1.0, arrived[-1] if arrived.size else 1.0)] = 0.0
    stretch = np.cumsum(overdue == 0)
    late = overdue > 0
    return float(pd.Series(overdue[late]).groupby(stretch[late]).max().sum()) if late.any() else 0.0


def deferred_outcome(center: Center, queue: Queue, intervals: pd.DataFrame, activities: pd.DataFrame) -> DeferredOutcome:
    """The outcome of one deferred queue from the evaluation's interval rows (consecutive, one per interval)."""
    rows = intervals.loc[intervals.queue == queue.id].sort_values("interval_start")
    if rows.empty:
        return DeferredOutcome(0.0, 0.0, float("nan"))
    times = pd.DatetimeIndex(rows.interval_start)
    contacts = rows.contacts.to_numpy(float)
    work = contacts * rows.aht_seconds.to_numpy(float)
    deadline = deadline_intervals(queue.respond_within_hours, center.config.interval_minutes)
    served, late = _late_tickets(work, contacts, _capacity_seconds(center, times, rows.agents_scheduled.to_numpy(float)), deadline)
    counted = contacts[~np.isnan(served["on_time"])].sum()
    by_day = pd.Series(late, index=times.strftime("%Y-%m-%d")).groupby(level=0).sum()
    mean_aht = work.sum() / contacts.sum() if contacts.sum() > 0 else 1.0
    skilled = _skilled_on_shift(center, queue, activities, times)
    _, late_bound = _late_tickets(work, contacts, _capacity_seconds(center, times, skilled), deadline)
    net_missing = _missing_seconds(work, served["done"], deadline) / 3600
    return DeferredOutcome(
        tickets=float(contacts.sum()),
        tickets_late=float(late.sum()),
        on_time=float(1 - late.sum() / counted) if counted > 0 else float("nan"),
        late_by_day={day: float(value) for day, value in by_day.items() if value >= 0.5},
        oldest_hours=float(served["oldest_intervals"].max() * center.config.interval_minutes / 60),
        backlog_tickets=float((work.sum() - served["done"][-1]) / mean_aht),
        missing_agent_hours=float(net_missing / (1 - center.config.staffing.shrinkage)),
        late_with_every_skilled_agent=float(late_bound.sum()),
        open_at_end=_open_tickets(queue.id, rows, work.sum() - served["done"][-1]),
    )


def _open_tickets(queue_id: str, rows: pd.DataFrame, open_seconds: float) -> pd.DataFrame:
    """The tickets still open at the end, by arrival interval (served first come, first served, so the newest
    are the open ones): the backlog the next plan inherits, as rows of its workload."""
    work = rows.contacts.to_numpy(float) * rows.aht_seconds.to_numpy(float)
    later = np.cumsum(work[::-1])[::-1] - work
    open_work = np.clip(open_seconds - later, 0.0, work)
    share = np.divide(open_work, work, out=np.zeros_like(work), where=work > 0)
    keep = share * rows.contacts.to_numpy(float) >= 0.005
    return pd.DataFrame(
        {
            "queue": queue_id,
            "interval_start": rows.interval_start.to_numpy()[keep],
            "contacts": (share * rows.contacts.to_numpy(float))[keep].round(2),
            "aht_seconds": rows.aht_seconds.to_numpy(float)[keep],
        },
        columns=BACKLOG_COLUMNS,
    )


def _skilled_on_shift(center: Center, queue: Queue, activities: pd.DataFrame, times: pd.DatetimeIndex) -> np.ndarray:
    """Agents able to serve the queue who are on shift and not on break, per interval (0 outside work hours)."""
    skilled = {a.agent_id for a in center.agents if a.can_serve(queue.skill, queue.min_skill_level)}
    working = activities.loc[(activities.activity != "break") & activities.agent_id.isin(skilled)]
    counts = working.groupby("interval_start").size().reindex(times, fill_value=0).to_numpy(float)
    if queue.work_hours:
        counts[~within_work_hours(times, queue.work_hours)] = 0.0
    return counts
