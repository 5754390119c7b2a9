"""Coverage of a roster per queue and interval: gross agents required and scheduled, and the service they give.

Shared by the roster (coverage.csv) and by evaluation. Both counts are GROSS (on shift, on the queue,
not on break); the service figures come from `scheduler.staffing.requirements.queue_performance` with
net agents = agents_scheduled * (1 - shrinkage).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from scheduler.contracts.center import Center
from scheduler.contracts.plan_tables import COVERAGE_COLUMNS


def gross_agents(agents_required: float, shrinkage: float) -> int:
    """Agents to place on a queue (on shift, not on break) for a NET requirement: ceil(required / (1 - shrinkage))."""
    return max(0, math.ceil(agents_required / (1 - shrinkage) - 1e-9))


def scheduled_agents(activities: pd.DataFrame) -> pd.Series:
    """Agents on each queue per interval, indexed by (queue, interval_start)."""
    on_queue = activities.loc[activities.activity != "break"]
    return on_queue.groupby(["activity", "interval_start"]).size().rename_axis(["queue", "interval_start"])


def coverage_table(center: Center, activities: pd.DataFrame, requirements: pd.DataFrame) -> pd.DataFrame:
    """The coverage.csv frame: one row per requirements row (queue, interval_start).

    Args:
        center: the center (shrinkage, queues, interval).
        activities: agent_id, interval_start, activity (a queue id or 'break').
        requirements: queue, interval_start, contacts, aht_seconds, agents_required (NET).
    """
    from scheduler.staffing.requirements import queue_performance

    config = center.config
    shrinkage = config.staffing.shrinkage
    counts = scheduled_agents(activities)
    table = requirements[["queue", "interval_start", "contacts", "aht_seconds", "agents_required"]].sort_values(["queue", "interval_start"])
    keys = pd.MultiIndex.from_frame(table[["queue", "interval_start"]])
    scheduled = counts.reindex(keys, fill_value=0).to_numpy().astype(int)
    parts = []
    for queue_id, rows in table.assign(agents_scheduled=scheduled).groupby("queue", sort=False):
        performance = queue_performance(
            config.queue(queue_id),
            rows.contacts.to_numpy(float),
            rows.aht_seconds.to_numpy(float),
            rows.agents_scheduled.to_numpy(float) * (1 - shrinkage),
            config.interval_minutes,
        )
        parts.append(
            pd.DataFrame(
                {
                    "queue": queue_id,
                    "interval_start": rows.interval_start.to_numpy(),
                    "agents_required": [gross_agents(v, shrinkage) for v in rows.agents_required],
                    "agents_scheduled": rows.agents_scheduled.to_numpy(),
                    **{column: np.asarray(performance[column], dtype=float) for column in COVERAGE_COLUMNS[4:]},
                }
            )
        )
    if not parts:
        return pd.DataFrame(columns=COVERAGE_COLUMNS)
    return pd.concat(parts, ignore_index=True)[COVERAGE_COLUMNS]
