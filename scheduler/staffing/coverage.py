"""Coverage of a roster per queue and interval: agents required (net and gross) and scheduled, and the service they give.

Shared by the roster (coverage.csv) and by evaluation. `agents_required` is NET (the requirements'
figure), `agents_required_gross` the agents to place on the queue (on shift, not on break) for it,
net / (1 - shrinkage of that hour) rounded up; `agents_scheduled` is gross. The service figures come from
`scheduler.staffing.requirements.queue_performance` with net agents = agents_scheduled * (1 - shrinkage
of the hour); deferred queues are judged by `scheduler.queueing.deferred.deadline_service` (work due
after the horizon is not yet late: NaN unless done).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from scheduler.contracts.center import Center
from scheduler.contracts.plan_tables import COVERAGE_COLUMNS
from scheduler.contracts.schema import CenterConfig

PERFORMANCE = ["service_level", "asa_seconds", "abandon_rate", "occupancy"]


def gross_agents(agents_required: float, shrinkage: float) -> int:
    """Agents to place on a queue (on shift, not on break) for a NET requirement: ceil(required / (1 - shrinkage))."""
    return max(0, math.ceil(agents_required / (1 - shrinkage) - 1e-9))


def gross_requirements(config: CenterConfig, requirements: pd.DataFrame) -> np.ndarray:
    """Gross agents per requirements row: its `agents_required_gross` when given, else from the net figure and
    the shrinkage of the row's hour."""
    if "agents_required_gross" in requirements:
        return requirements.agents_required_gross.to_numpy().astype(np.int64)
    hours = pd.DatetimeIndex(requirements.interval_start).hour
    shrinkage = config.staffing.shrinkage_at(hours)
    net = requirements.agents_required.to_numpy(float)
    return np.maximum(0, np.ceil(net / (1 - shrinkage) - 1e-9)).astype(np.int64)


def _whole_if_integral(values: np.ndarray) -> np.ndarray:
    """Net agents as integers when they are whole (the usual case), so a requirements CSV read back as floats
    gives the same coverage.csv as the in-memory requirements."""
    return values.astype(np.int64) if np.all(values == np.round(values)) else values


def scheduled_agents(activities: pd.DataFrame) -> pd.Series:
    """Agents on each queue per interval, indexed by (queue, interval_start)."""
    on_queue = activities.loc[activities.activity != "break"]
    return on_queue.groupby(["activity", "interval_start"]).size().rename_axis(["queue", "interval_start"])


def _deferred_figures(config: CenterConfig, queue, rows: pd.DataFrame, net: np.ndarray) -> dict[str, np.ndarray]:
    """Service of a deferred queue's consecutive rows against deadlines inside the rows' span."""
    from scheduler.queueing.deferred import deadline_intervals, deadline_service

    step = config.interval_minutes
    work = rows.contacts.to_numpy(float) * rows.aht_seconds.to_numpy(float)
    served = deadline_service(work, net * step * 60, deadline_intervals(queue.respond_within_hours, step))
    done = np.diff(served["done"], prepend=0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        occupancy = np.where(net > 0, done / (np.where(net > 0, net, 1.0) * step * 60), 0.0)
    age = served["oldest_intervals"] * step * 60.0
    return {"service_level": served["on_time"], "asa_seconds": age, "abandon_rate": np.zeros(len(rows)), "occupancy": occupancy}


def coverage_table(center: Center, activities: pd.DataFrame, requirements: pd.DataFrame) -> pd.DataFrame:
    """The coverage.csv frame: one row per requirements row (queue, interval_start).

    For deferred queues `asa_seconds` is the age of the oldest open work at the end of the interval.

    Args:
        center: the center (shrinkage, queues, interval).
        activities: agent_id, interval_start, activity (a queue id or 'break').
        requirements: queue, interval_start, contacts, aht_seconds, agents_required (NET), optionally
            agents_required_gross.
    """
    from scheduler.staffing.requirements import queue_performance

    config = center.config
    counts = scheduled_agents(activities)
    columns = ["queue", "interval_start", "contacts", "aht_seconds", "agents_required"]
    table = requirements[columns + [c for c in ["agents_required_gross"] if c in requirements]].sort_values(["queue", "interval_start"])
    table = table.assign(agents_required_gross=gross_requirements(config, table))
    keys = pd.MultiIndex.from_frame(table[["queue", "interval_start"]])
    scheduled = counts.reindex(keys, fill_value=0).to_numpy().astype(int)
    parts = []
    for queue_id, rows in table.assign(agents_scheduled=scheduled).groupby("queue", sort=False):
        queue = config.queue(queue_id)
        net = rows.agents_scheduled.to_numpy(float) * (1 - config.staffing.shrinkage_at(pd.DatetimeIndex(rows.interval_start).hour))
        if queue.respond_within_hours is not None:
            performance = _deferred_figures(config, queue, rows, net)
        else:
            performance = queue_performance(queue, rows.contacts.to_numpy(float), rows.aht_seconds.to_numpy(float), net, config.interval_minutes)
        parts.append(
            pd.DataFrame(
                {
                    "queue": queue_id,
                    "interval_start": rows.interval_start.to_numpy(),
                    "agents_required": _whole_if_integral(rows.agents_required.to_numpy(float)),
                    "agents_required_gross": rows.agents_required_gross.to_numpy(),
                    "agents_scheduled": rows.agents_scheduled.to_numpy(),
                    **{column: np.asarray(performance[column], dtype=float) for column in PERFORMANCE},
                }
            )
        )
    if not parts:
        return pd.DataFrame(columns=COVERAGE_COLUMNS)
    return pd.concat(parts, ignore_index=True)[COVERAGE_COLUMNS]
