"""Daily totals of one queue from its days x slots matrix, telling missing data from closed days.

- A day with (nearly) all its open slots is complete: its total is the sum.
- A day with part of its open slots missing (a failed night export) is scaled up from the slots
  present by the usual share of those slots on its weekday, when they hold at least
  PARTIAL_DAY_MIN_SHARE of it (PARTIAL_EVENT_DAY_MIN_SHARE on an event day, whose shape is its own);
  otherwise it is unknown (NaN), as is a day without any row.
- A day without rows inside an event is closed by the event only when the same event day had no rows
  in another occurrence too (a queue shut on Spring Festival every year); once, it is a gap.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecasts.calendar import in_event

COMPLETE_DAY_SHARE = 0.9  # a day with fewer of its open slots than this is incomplete
PARTIAL_DAY_MIN_SHARE = 0.5  # an incomplete day is scaled up when its slots present usually hold this share
PARTIAL_EVENT_DAY_MIN_SHARE = 0.85  # an event day's shape is its own: scaled up only when little is missing
PROFILE_DAYS = 112  # the usual shares come from the complete days of the last 16 weeks


@dataclass(frozen=True)
class DayTotals:
    """Totals per date (NaN = unknown) and which days are complete (their intervals can be learned from)."""

    totals: pd.Series
    complete: np.ndarray
    scaled: pd.DatetimeIndex  # incomplete days whose total was scaled up
    closed_by_event: pd.DatetimeIndex


def day_totals(counts: np.ndarray, dates: pd.DatetimeIndex, slots: np.ndarray, day_keys: pd.DataFrame) -> DayTotals:
    """Daily totals for a queue (see the module docstring); `slots` is bool[7, slots] opening hours."""
    present = np.isfinite(counts)
    weekday = dates.day_of_week.to_numpy()
    expected = slots[weekday]
    open_day = expected.any(axis=1)
    complete = open_day & ((present & expected).sum(axis=1) >= COMPLETE_DAY_SHARE * expected.sum(axis=1))
    totals = np.where(complete, np.nansum(counts, axis=1), np.nan)
    inside = day_keys[in_event(day_keys.key)]
    event_date = dates.isin(inside.date)
    share = _usual_shares(counts, complete & ~event_date, weekday, slots)
    covered = np.einsum("ij,ij->i", share[weekday], present & expected)
    needed = np.where(event_date, PARTIAL_EVENT_DAY_MIN_SHARE, PARTIAL_DAY_MIN_SHARE)
    partial = open_day & ~complete & present.any(axis=1) & (covered >= needed)
    with np.errstate(invalid="ignore", divide="ignore"):
        totals = np.where(partial, np.nansum(np.where(expected, counts, np.nan), axis=1) / covered, totals)
    closed = _closed_by_event(dates, present.any(axis=1) | ~open_day, inside)
    totals = np.where(dates.isin(closed), 0.0, totals)
    totals = np.where(open_day, totals, np.nan)
    return DayTotals(pd.Series(totals, index=dates), complete, dates[partial], closed)


def _usual_shares(counts: np.ndarray, complete: np.ndarray, weekday: np.ndarray, slots: np.ndarray) -> np.ndarray:
    """Mean share of the day per slot and weekday over recent complete days (uniform over open slots without any)."""
    rows = np.flatnonzero(complete)[-PROFILE_DAYS:]
    result = slots / np.maximum(slots.sum(axis=1, keepdims=True), 1)
    for w in range(7):
        same = rows[weekday[rows] == w]
        day = np.where(slots[w], np.nan_to_num(counts[same]), 0.0).sum(axis=0)
        if day.sum() > 0:
            result[w] = day / day.sum()
    return result


def _closed_by_event(dates: pd.DatetimeIndex, has_rows: np.ndarray, inside: pd.DataFrame) -> pd.DatetimeIndex:
    """Event days without rows whose event day (name and key) was also without rows in another occurrence."""
    rows = inside[inside.date.isin(dates)]
    if rows.empty:
        return pd.DatetimeIndex([])
    rows = rows.assign(no_rows=~has_rows[dates.get_indexer(rows.date)])
    per_key = rows.groupby(["name", "key"])["no_rows"].transform("sum")
    return pd.DatetimeIndex(rows.date[rows["no_rows"] & (per_key >= 2)].unique())
