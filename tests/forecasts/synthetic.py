"""A small synthetic contact history with a known weekly pattern, intraday shape and event lift."""

from __future__ import annotations

import numpy as np
import pandas as pd


def synthetic_history(
    start="2024-01-01",
    days=140,
    queues=("chat",),
    lift=None,
    seed=0,
    interval_minutes=60,
    open_hours=(0, 24),
    weekdays_only=False,
    rush_dates=(),
    aht_lift=None,
) -> pd.DataFrame:
    """Poisson counts (and their mean, expected_contacts): level 1000/day x weekday factor x lift[date] split by a two-peak daily shape.

    Args:
        lift: optional mapping date string -> multiplier of that day's expected volume.
        rush_dates: date strings whose first hour gets 8x its usual volume (a midnight rush).
        aht_lift: optional mapping date string -> multiplier of that day's handle time.
    """
    rng = np.random.default_rng(seed)
    dates = pd.date_range(start, periods=days, freq="D")
    weekday_factor = np.array([1.15, 1.05, 1.0, 0.98, 0.95, 0.9, 0.97])
    slots = np.arange(0, 24 * 60, interval_minutes)
    hours = slots / 60
    shape = 0.2 + np.exp(-((hours - 10.5) ** 2) / 6) + 0.8 * np.exp(-((hours - 20.5) ** 2) / 4)
    open_mask = (hours >= open_hours[0]) & (hours < open_hours[1])
    shape = np.where(open_mask, shape, 0)
    shape /= shape.sum()
    rows = []
    for queue_number, queue in enumerate(queues):
        for date in dates:
            if weekdays_only and date.weekday() >= 5:
                continue
            expected = 1000 * (1 + 0.3 * queue_number) * weekday_factor[date.weekday()] * (lift or {}).get(f"{date:%Y-%m-%d}", 1.0)
            day_shape = shape.copy()
            if f"{date:%Y-%m-%d}" in rush_dates:
                day_shape[hours < 1] *= 8
            counts = rng.poisson(expected * day_shape[open_mask])
            aht = (300 + 30 * np.sin(hours[open_mask] / 24 * 2 * np.pi)) * (aht_lift or {}).get(f"{date:%Y-%m-%d}", 1.0)
            rows.append(
                pd.DataFrame(
                    {
                        "queue": queue,
                        "interval_start": date + pd.to_timedelta(slots[open_mask], unit="min"),
                        "contacts": counts.astype(float),
                        "aht_seconds": aht,
                        "expected_contacts": expected * day_shape[open_mask],
                    }
                )
            )
    return pd.concat(rows, ignore_index=True)
