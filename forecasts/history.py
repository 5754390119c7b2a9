"""The contact history: reading, validating, and describing gaps and opening hours.

A `History` holds a frame with columns `queue, interval_start, contacts, aht_seconds` (aht_seconds NaN
where unknown) sorted by queue and time, its interval length and the warnings found while reading it.
Opening hours come from contacts, not rows (a slot is open when it had contacts on a fair share of
its weekdays), so explicit zero rows in closed hours and intervals an export left out are both read
right. Intervals with no row inside opening hours are gaps (reported as warnings and left out of
fitting), except in an export that leaves out every zero-contact interval, where they are zeros.
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
OPEN_SHARE = 0.25  # a slot is open on a weekday when it had contacts on at least this share of those days
OPEN_MIN_DAYS = 2  # ... and on at least this many of them
ZERO_ROWS_LEFT_OUT_SHARE = 0.001  # an export with fewer zero rows than this share of its rows ...
MISSING_LEFT_OUT_SHARE = 0.01  # ... and more open intervals missing on days with data left out its zeros,
ZERO_LIKELY_MEAN = 3.0  # ... when they are missing where the usual count (when present) is at most this


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
    steps = list(queue_steps(table).values())
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
    table, warnings = align_intervals(table, source)
    minutes = infer_interval_minutes(table, source)
    table = table.sort_values(["queue", "interval_start"]).reset_index(drop=True)
    table, filled = fill_left_out_zeros(table, minutes)
    return History(table, minutes, warnings + filled + describe_gaps(table, minutes))


def queue_steps(table: pd.DataFrame) -> dict[str, int]:
    """The smallest step in minutes between consecutive rows, per queue with at least two rows."""
    steps = {}
    for queue, starts in table.groupby("queue", sort=True).interval_start:
        diffs = np.diff(np.sort(starts.to_numpy()).astype("datetime64[m]").astype(np.int64))
        if len(diffs):
            steps[str(queue)] = int(diffs.min())
    return steps


def align_intervals(table: pd.DataFrame, source: str = "history") -> tuple[pd.DataFrame, list[str]]:
    """Queues exported at different interval lengths (15 and 30 minutes) summed to the coarsest one,
    with a warning; AHT is weighted by contacts. One length throughout: the table unchanged."""
    steps = queue_steps(table)
    lengths = {m for m in steps.values() if m in ALLOWED_INTERVAL_MINUTES}
    if len(lengths) < 2 or any(m not in ALLOWED_INTERVAL_MINUTES for m in steps.values()):
        return table, []
    coarsest = max(lengths)
    finer = sorted(q for q, m in steps.items() if m < coarsest)
    rows = table.queue.astype(str).isin(finer)
    part = table[rows].assign(interval_start=table.interval_start[rows].dt.floor(f"{coarsest}min"))
    part = part.assign(work=part.contacts * part.aht_seconds, timed=part.contacts.where(part.aht_seconds.notna(), 0.0))
    summed = part.groupby(["queue", "interval_start"], as_index=False)[["contacts", "work", "timed"]].sum()
    summed["aht_seconds"] = summed.work / summed.timed.where(summed.timed > 0)
    aligned = pd.concat([table[~rows], summed[HISTORY_COLUMNS]], ignore_index=True)
    shown = ", ".join(f"{q} ({steps[q]} min)" for q in finer)
    return aligned, [
        f"{source}: queues come at different interval lengths; {shown} summed to {coarsest}-minute intervals like the others, "
        f"so the whole forecast is in {coarsest}-minute intervals. Export one interval length to keep the finer one."
    ]


def day_grid(part: pd.DataFrame, interval_minutes: int, column: str = "contacts") -> tuple[pd.DatetimeIndex, np.ndarray]:
    """One queue's rows as a days x slots matrix over consecutive calendar dates (NaN where no row)."""
    dates = pd.date_range(part.interval_start.min().normalize(), part.interval_start.max().normalize(), freq="D")
    day = ((part.interval_start.dt.normalize() - dates[0]).dt.days).to_numpy()
    slot = ((part.interval_start.dt.hour * 60 + part.interval_start.dt.minute) // interval_minutes).to_numpy()
    grid = np.full((len(dates), 24 * 60 // interval_minutes), np.nan)
    grid[day, slot] = part[column].to_numpy()
    return dates, grid


def open_slots(dates: pd.DatetimeIndex, counts: np.ndarray, weeks: int | None = 8) -> np.ndarray:
    """Opening hours of one queue: bool[7, slots], from a days x slots matrix of contacts (NaN = no row).

    A slot is open on a weekday when it had contacts on at least OPEN_SHARE of that weekday's dates
    (and on OPEN_MIN_DAYS of them) among the last `weeks` weeks (None: the whole history). Contacts,
    not rows, decide: explicit zero rows in closed hours do not open them, and intervals an export
    left out (zero-contact rows, a failed night job) do not close them.
    """
    if weeks is not None:
        recent = dates > dates[-1] - pd.Timedelta(weeks=weeks)
        dates, counts = dates[recent], counts[recent]
    busy = np.nan_to_num(counts) > 0
    weekday = dates.day_of_week
    result = np.zeros((7, counts.shape[1]), dtype=bool)
    for w in range(7):
        same = weekday == w
        if same.any():
            needed = max(min(OPEN_MIN_DAYS, int(same.sum())), OPEN_SHARE * same.sum())
            result[w] = busy[same].sum(axis=0) >= needed
    return result


def zeros_left_out(counts: np.ndarray, opening: np.ndarray, dates: pd.DatetimeIndex) -> bool:
    """Whether an export leaves out zero-contact intervals: (almost) no zero rows, yet rows missing
    inside opening hours on days that have data, in slots quiet enough for a zero to be likely (a
    failed export of busy hours is a gap, not zeros)."""
    present = np.isfinite(counts)
    zero_rows = int((present & (counts == 0)).sum())
    with_data = present.any(axis=1)
    expected = opening[dates.day_of_week] & with_data[:, None]
    missing = expected & ~present
    if zero_rows > ZERO_ROWS_LEFT_OUT_SHARE * present.sum() or missing.sum() <= MISSING_LEFT_OUT_SHARE * expected.sum():
        return False
    weekday = dates.day_of_week.to_numpy()
    slot_mean = np.full((7, counts.shape[1]), np.inf)
    for w in np.unique(weekday):
        same = counts[weekday == w]
        seen = np.isfinite(same).any(axis=0)
        slot_mean[w, seen] = np.nanmean(same[:, seen], axis=0)
    return float(np.median(slot_mean[weekday][missing])) <= ZERO_LIKELY_MEAN


def fill_left_out_zeros(table: pd.DataFrame, interval_minutes: int) -> tuple[pd.DataFrame, list[str]]:
    """Add 0-contact rows where an export left out zero-contact intervals (see `zeros_left_out`).

    Only inside opening hours and on days with data: a day without any row stays a gap.
    """
    added, warnings = [], []
    for queue, part in table.groupby("queue", sort=True):
        dates, counts = day_grid(part, interval_minutes)
        opening = open_slots(dates, counts, weeks=None)
        if not zeros_left_out(counts, opening, dates):
            continue
        fill = opening[dates.day_of_week] & np.isfinite(counts).any(axis=1)[:, None] & ~np.isfinite(counts)
        day, slot = np.nonzero(fill)
        starts = dates[day] + pd.to_timedelta(slot * interval_minutes, unit="min")
        added.append(pd.DataFrame({"queue": queue, "interval_start": starts, "contacts": 0.0, "aht_seconds": np.nan}))
        warnings.append(
            f"history: queue {queue}: the export has no zero-contact rows; {len(starts)} interval(s) without a row inside its "
            "opening hours, on days with data, are taken as 0 contacts. Whole days without rows stay gaps."
        )
    if not added:
        return table, warnings
    filled = pd.concat([table, *added], ignore_index=True).sort_values(["queue", "interval_start"]).reset_index(drop=True)
    return filled, warnings


def describe_gaps(table: pd.DataFrame, interval_minutes: int) -> list[str]:
    """Warnings for missing intervals inside opening hours (closed hours are not gaps)."""
    warnings = []
    for queue, part in table.groupby("queue", sort=True):
        dates, counts = day_grid(part, interval_minutes)
        opening = open_slots(dates, counts, weeks=None)
        present = np.isfinite(counts)
        slot = ((part.interval_start.dt.hour * 60 + part.interval_start.dt.minute) // interval_minutes).to_numpy()
        expected = opening[dates.day_of_week]
        expected[0, : slot[0]] = False
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
        warnings.append(
            message + ". Nothing is filled in: days without rows are left out of fitting; a day missing part of its intervals "
            "counts with its total scaled up from the intervals present when those usually carry most of the day."
        )
    return warnings
