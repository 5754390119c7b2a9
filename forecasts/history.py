"""The contact history: reading, validating, and describing gaps and opening hours.

A `History` holds a frame with columns `queue, interval_start, contacts, aht_seconds` (aht_seconds NaN
where unknown) sorted by queue and time, its interval length and the warnings found while reading it.
Intervals with no row are either closed hours (the same slot is missing on most same weekdays)
or gaps (reported as warnings); neither gets invented volume.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from staffcast.errors import DataError
from staffcast.tables import parse_column, parse_timestamps, read_csv_table

HISTORY_COLUMNS = ["queue", "interval_start", "contacts", "aht_seconds"]


@dataclass(frozen=True)
class History:
    """A validated contact history: the table, its interval length, and what reading it found (gaps)."""

    table: pd.DataFrame
    interval_minutes: int
    warnings: list[str] = field(default_factory=list)


ALLOWED_INTERVAL_MINUTES = (5, 15, 30, 60)
OPEN_SHARE = 0.5  # a slot is open on a weekday when it has data on at least this share of those days


def _count(text: str) -> float:
    value = float(text)
    if not math.isfinite(value) or value < 0:
        raise ValueError(text)
    return value


def _handle_time(text: str) -> float:
    if text == "":
        return float("nan")
    value = float(text)
    if not math.isfinite(value) or value < 0:
        raise ValueError(text)
    return value


def read_history(path: Path | str) -> History:
    """Read a history CSV (`queue, interval_start, contacts[, aht_seconds]`).

    Raises:
        DataError naming the row for a non-numeric or negative count or handle time, a bad date-time,
        a duplicate queue-interval, an interval length other than 5/15/30/60 minutes or a time off that grid.

    Returns:
        The validated history; its `warnings` list the gaps found in it.
    """
    path = Path(path)
    frame = read_csv_table(path, ["queue", "interval_start", "contacts"], ["aht_seconds"])
    if frame.empty:
        raise DataError(f"{path}: no data rows. Expected one row per queue and interval.")
    empty_queue = frame.queue == ""
    if empty_queue.any():
        raise DataError(f"{path}: row {empty_queue.idxmax()}, column queue: empty. Give the queue id on every row.")
    starts = parse_timestamps(frame, "interval_start", path)
    contacts = parse_column(frame, "contacts", _count, path, "a number of contacts >= 0").astype(float)
    aht = parse_column(frame, "aht_seconds", _handle_time, path, "a handle time in seconds >= 0 (or empty)").astype(float)
    table = pd.DataFrame({"queue": frame.queue.astype(str), "interval_start": starts, "contacts": contacts, "aht_seconds": aht})
    duplicated = table.duplicated(["queue", "interval_start"], keep="first")
    if duplicated.any():
        row = duplicated.idxmax()
        same = (table.queue == table.queue[row]) & (table.interval_start == table.interval_start[row])
        raise DataError(
            f"{path}: row {row} repeats queue {table.queue[row]} at {table.interval_start[row]:%Y-%m-%d %H:%M} "
            f"(first at row {table.index[same][0]}). Keep one row per queue and interval."
        )
    return validate_history(table, source=str(path))


def infer_interval_minutes(table: pd.DataFrame, source: str = "history") -> int:
    """The interval length: the smallest step between consecutive rows of a queue (5, 15, 30 or 60)."""
    steps = []
    for _, starts in table.groupby("queue", sort=False).interval_start:
        diffs = np.diff(np.sort(starts.to_numpy()).astype("datetime64[m]").astype(np.int64))
        if len(diffs):
            steps.append(int(diffs.min()))
    if not steps:
        raise DataError(f"{source}: every queue has a single row; the interval length cannot be inferred. Give at least two intervals.")
    minutes = min(steps)
    if minutes not in ALLOWED_INTERVAL_MINUTES:
        raise DataError(
            f"{source}: consecutive rows are {minutes} minutes apart; interval length must be 5, 15, 30 or 60 minutes. "
            "Aggregate the data to one of these."
        )
    minute_of_day = table.interval_start.dt.hour * 60 + table.interval_start.dt.minute
    off_grid = (minute_of_day % minutes != 0) | (table.interval_start.dt.second != 0)
    if off_grid.any():
        row = off_grid.idxmax()
        raise DataError(
            f"{source}: row {row}, column interval_start: {table.interval_start[row]:%Y-%m-%d %H:%M:%S} is not on the "
            f"{minutes}-minute grid of the other rows. Intervals must be regular."
        )
    return minutes


def validate_history(table: pd.DataFrame, source: str = "history") -> History:
    """Check an in-memory history frame; infer its interval length and describe its gaps."""
    missing = [c for c in ("queue", "interval_start", "contacts") if c not in table.columns]
    if missing:
        raise DataError(f"{source}: lacks column(s) {', '.join(missing)}.")
    table = table.copy()
    if "aht_seconds" not in table.columns:
        table["aht_seconds"] = np.nan
    table = table[HISTORY_COLUMNS]
    table["interval_start"] = pd.to_datetime(table.interval_start).astype("datetime64[ns]")
    table["contacts"] = table.contacts.astype(float)
    table["aht_seconds"] = table.aht_seconds.astype(float)
    bad = ~np.isfinite(table.contacts) | (table.contacts < 0)
    if bad.any():
        raise DataError(f"{source}: row {bad.idxmax()}, column contacts: {table.contacts[bad.idxmax()]} is not a count >= 0.")
    if table.duplicated(["queue", "interval_start"]).any():
        row = table.duplicated(["queue", "interval_start"]).idxmax()
        raise DataError(f"{source}: row {row} repeats queue {table.queue[row]} at {table.interval_start[row]}. Keep one row per queue and interval.")
    minutes = infer_interval_minutes(table, source)
    table = table.sort_values(["queue", "interval_start"]).reset_index(drop=True)
    return History(table, minutes, describe_gaps(table, minutes))


def open_slots(table: pd.DataFrame, interval_minutes: int, weeks: int = 8) -> pd.DataFrame:
    """Opening hours per queue: boolean frame indexed by (queue, weekday), one column per slot of the day.

    A slot is open on a weekday when it has a row on at least half of that weekday's dates
    among the last `weeks` weeks of the queue's history.
    """
    slots_per_day = 24 * 60 // interval_minutes
    rows = []
    for queue, part in table.groupby("queue", sort=True):
        recent = part[part.interval_start >= part.interval_start.max().normalize() - pd.Timedelta(weeks=weeks) + pd.Timedelta(days=1)]
        dates = pd.date_range(recent.interval_start.min().normalize(), recent.interval_start.max().normalize(), freq="D")
        present = np.zeros((len(dates), slots_per_day), dtype=bool)
        day = ((recent.interval_start.dt.normalize() - dates[0]).dt.days).to_numpy()
        slot = ((recent.interval_start.dt.hour * 60 + recent.interval_start.dt.minute) // interval_minutes).to_numpy()
        present[day, slot] = True
        weekday = dates.day_of_week
        for w in range(7):
            share = present[weekday == w].mean(axis=0) if (weekday == w).any() else np.zeros(slots_per_day)
            rows.append(((queue, w), share >= OPEN_SHARE))
    index = pd.MultiIndex.from_tuples([key for key, _ in rows], names=["queue", "weekday"])
    return pd.DataFrame(np.array([value for _, value in rows]), index=index)


def describe_gaps(table: pd.DataFrame, interval_minutes: int) -> list[str]:
    """Warnings for missing intervals inside opening hours (closed hours are not gaps)."""
    warnings = []
    slots_per_day = 24 * 60 // interval_minutes
    for queue, part in table.groupby("queue", sort=True):
        weeks = max(8, (part.interval_start.max() - part.interval_start.min()).days // 7 + 1)
        opening = open_slots(part, interval_minutes, weeks=weeks).loc[queue].to_numpy()
        dates = pd.date_range(part.interval_start.min().normalize(), part.interval_start.max().normalize(), freq="D")
        present = np.zeros((len(dates), slots_per_day), dtype=bool)
        day = ((part.interval_start.dt.normalize() - dates[0]).dt.days).to_numpy()
        slot = ((part.interval_start.dt.hour * 60 + part.interval_start.dt.minute) // interval_minutes).to_numpy()
        present[day, slot] = True
        expected = opening[dates.day_of_week]
        first_slot = slot[0] if len(slot) else 0
        expected[0, :first_slot] = False
        expected[-1, slot[-1] + 1 :] = False
        missing = expected & ~present
        if not missing.any():
            continue
        whole_days = dates[(missing.sum(axis=1) == expected.sum(axis=1)) & (expected.sum(axis=1) > 0)]
        count = int(missing.sum())
        first_day, first_slot_missing = np.argwhere(missing)[0]
        first = dates[first_day] + pd.Timedelta(minutes=int(first_slot_missing) * interval_minutes)
        message = f"history: queue {queue}: {count} interval(s) missing inside opening hours (first at {first:%Y-%m-%d %H:%M})"
        if len(whole_days):
            shown = ", ".join(f"{d:%Y-%m-%d}" for d in whole_days[:5]) + (", ..." if len(whole_days) > 5 else "")
            message += f"; {len(whole_days)} whole day(s) without data: {shown}"
        warnings.append(message + ". They are left out of fitting, not filled in.")
    return warnings
