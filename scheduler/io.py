"""Reading and writing the scheduler's CSV contracts (DESIGN.md), with row-level errors."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from forecasts.tables import parse_column, parse_timestamps, read_csv_table, write_csv_atomic
from scheduler.config import CenterConfig
from scheduler.errors import DataError

WORKLOAD_COLUMNS = ["queue", "interval_start", "contacts", "aht_seconds"]
FORECAST_OPTIONAL = ["contacts_lo", "contacts_hi"]
REQUIREMENT_COLUMNS = ["queue", "interval_start", "contacts", "aht_seconds", "agents_required", "service_level", "asa_seconds"]


def _finite_non_negative(text: str) -> float:
    value = float(text)
    if not math.isfinite(value) or value < 0:
        raise ValueError(text)
    return value


def read_workload(path: Path | str, config: CenterConfig) -> pd.DataFrame:
    """Read a forecast (or past actuals) CSV: `queue, interval_start, contacts, aht_seconds`.

    Checks every row: known queue, date-time on the center's interval grid, contacts >= 0,
    AHT > 0 where there are contacts, no duplicate queue-interval.

    Returns:
        A frame with the four columns (plus contacts_lo/hi when present), sorted by queue and time.
    """
    path = Path(path)
    frame = read_csv_table(path, WORKLOAD_COLUMNS, FORECAST_OPTIONAL)
    if frame.empty:
        raise DataError(f"{path}: no data rows. Expected one row per queue and interval.")
    known = {q.id for q in config.queues}
    unknown = frame.loc[~frame.queue.isin(known)]
    if not unknown.empty:
        number = unknown.index[0]
        raise DataError(
            f"{path}: row {number}, column queue: '{unknown.queue.iloc[0]}' is not a queue of the center "
            f"(queues: {', '.join(sorted(known))}). Fix the id or add the queue to the center YAML."
        )
    starts = parse_timestamps(frame, "interval_start", path)
    contacts = parse_column(frame, "contacts", _finite_non_negative, path, "a number of contacts >= 0")
    aht = parse_column(frame, "aht_seconds", lambda s: 0.0 if s == "" else _finite_non_negative(s), path, "a handle time in seconds >= 0")
    off_grid = starts[(starts.dt.hour * 60 + starts.dt.minute) % config.interval_minutes != 0]
    if not off_grid.empty or (starts.dt.second != 0).any():
        number = (off_grid.index[0] if not off_grid.empty else starts[starts.dt.second != 0].index[0])
        raise DataError(
            f"{path}: row {number}, column interval_start: {starts[number]:%Y-%m-%d %H:%M:%S} is not on the center's "
            f"{config.interval_minutes}-minute grid. Aggregate the data to {config.interval_minutes}-minute intervals."
        )
    no_aht = (contacts > 0) & (aht <= 0)
    if no_aht.any():
        number = no_aht.idxmax()
        raise DataError(f"{path}: row {number}, column aht_seconds: handle time is 0 or empty but there are {contacts[number]:g} contacts. Give the average handle time in seconds.")
    table = pd.DataFrame({"queue": frame.queue.astype(str), "interval_start": starts, "contacts": contacts.astype(float), "aht_seconds": aht.astype(float)})
    for column in FORECAST_OPTIONAL:
        if (frame[column] != "").all():
            table[column] = parse_column(frame, column, _finite_non_negative, path, "a number >= 0").astype(float)
    duplicated = table.duplicated(["queue", "interval_start"], keep="first")
    if duplicated.any():
        number = duplicated.idxmax()
        first = table.index[(table.queue == table.queue[number]) & (table.interval_start == table.interval_start[number])][0]
        raise DataError(f"{path}: row {number} repeats queue {table.queue[number]} at {table.interval_start[number]:%Y-%m-%d %H:%M} (first at row {first}). Keep one row per queue and interval.")
    return table.sort_values(["queue", "interval_start"]).reset_index(drop=True)


def write_requirements(table: pd.DataFrame, path: Path | str) -> None:
    """Write the requirements CSV contract, times as 'YYYY-MM-DD HH:MM'."""
    out = table[REQUIREMENT_COLUMNS].copy()
    out["interval_start"] = out.interval_start.dt.strftime("%Y-%m-%d %H:%M")
    out["contacts"] = out.contacts.round(3)
    out["aht_seconds"] = out.aht_seconds.round(1)
    out["service_level"] = out.service_level.round(4)
    out["asa_seconds"] = out.asa_seconds.round(2)
    write_csv_atomic(out, path)
