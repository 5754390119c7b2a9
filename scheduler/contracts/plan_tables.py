"""Reading and writing the scheduler's CSV contracts (README.md, "Files"), with row-level errors."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import pandas as pd

from scheduler.contracts.schema import CenterConfig
from staffcast.atomic import write_csv_atomic
from staffcast.errors import DataError
from staffcast.tables import parse_column, parse_timestamps, read_csv_table

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
    return _workload_table(frame, path, config).sort_values(["queue", "interval_start"]).reset_index(drop=True)


def read_approved_forecast(path: Path | str, config: CenterConfig, start, days: int) -> pd.DataFrame:
    """Read a forecast a planner approved (`read_workload`) and keep the days of the plan.

    Every queue of the center must have rows on every day of the plan, except weekdays on which it has no
    row in a file that holds at least a week of it (a queue closed on Sundays).

    Raises:
        DataError: naming the first queue and interval the file does not cover.
    """
    path = Path(path)
    table = read_workload(path, config)
    first = pd.Timestamp(start)
    horizon = pd.date_range(first, periods=days, freq="D")
    missing = []
    for queue in (q.id for q in config.queues):
        part = table[table.queue == queue]
        days_held = part.interval_start.dt.normalize()
        covered = set(days_held)
        week_seen = len(part) > 0 and (days_held.max() - days_held.min()).days >= 6
        weekday = part.interval_start.dt.day_of_week
        closed_weekdays = set(range(7)) - set(weekday) if week_seen else set()
        time_of_day = part.interval_start - days_held
        opening = time_of_day.groupby(weekday).min()  # the first interval it has on each weekday (else on any day)
        for day in horizon:
            if day in covered or day.weekday() in closed_weekdays:
                continue
            missing.append((day + opening.get(day.weekday(), time_of_day.min() if len(part) else pd.Timedelta(0)), queue))
            break
    if missing:
        when, queue = min(missing, key=lambda item: item[0])
        raise DataError(
            f"{path}: queue {queue} has no forecast rows on {when:%Y-%m-%d} (first missing interval {when:%Y-%m-%d %H:%M}); "
            f"the plan runs {horizon[0]:%Y-%m-%d} to "
            f"{horizon[-1]:%Y-%m-%d}. Give a forecast that covers every day of the plan for every queue of the center."
        )
    in_horizon = (table.interval_start >= first) & (table.interval_start < first + pd.Timedelta(days=days))
    return table[in_horizon].reset_index(drop=True)


def _workload_table(frame: pd.DataFrame, path: Path, config: CenterConfig) -> pd.DataFrame:
    """The checks of `read_workload` on a frame read by `read_csv_table` (index = file row numbers)."""
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
        number = off_grid.index[0] if not off_grid.empty else starts[starts.dt.second != 0].index[0]
        raise DataError(
            f"{path}: row {number}, column interval_start: {starts[number]:%Y-%m-%d %H:%M:%S} is not on the center's "
            f"{config.interval_minutes}-minute grid. Aggregate the data to {config.interval_minutes}-minute intervals."
        )
    no_aht = (contacts > 0) & (aht <= 0)
    if no_aht.any():
        number = no_aht.idxmax()
        raise DataError(
            f"{path}: row {number}, column aht_seconds: handle time is 0 or empty but there are {contacts[number]:g} contacts. Give the "
            f"average handle time in seconds."
        )
    table = pd.DataFrame(
        {"queue": frame.queue.astype(str), "interval_start": starts, "contacts": contacts.astype(float), "aht_seconds": aht.astype(float)}
    )
    for column in FORECAST_OPTIONAL:
        if column in frame.columns and (frame[column] != "").all():
            table[column] = parse_column(frame, column, _finite_non_negative, path, "a number >= 0").astype(float)
    duplicated = table.duplicated(["queue", "interval_start"], keep="first")
    if duplicated.any():
        number = duplicated.idxmax()
        first = table.index[(table.queue == table.queue[number]) & (table.interval_start == table.interval_start[number])][0]
        raise DataError(
            f"{path}: row {number} repeats queue {table.queue[number]} at {table.interval_start[number]:%Y-%m-%d %H:%M} (first at row "
            f"{first}). Keep one row per queue and interval."
        )
    return table


def write_requirements(table: pd.DataFrame, path: Path | str) -> None:
    """Write the requirements CSV contract, times as 'YYYY-MM-DD HH:MM'."""
    gross = ["agents_required_gross"] if "agents_required_gross" in table else []
    out = table[REQUIREMENT_COLUMNS[:5] + gross + REQUIREMENT_COLUMNS[5:]].copy()
    out["interval_start"] = out.interval_start.dt.strftime("%Y-%m-%d %H:%M")
    out["contacts"] = out.contacts.round(3)
    out["aht_seconds"] = out.aht_seconds.round(1)
    out["service_level"] = out.service_level.round(4)
    out["asa_seconds"] = out.asa_seconds.round(2)
    write_csv_atomic(out, path)


def read_backlog(path: Path | str, config: CenterConfig, start: dt.date | dt.datetime) -> pd.DataFrame:
    """Read a backlog CSV (a plan's backlog.csv: `queue, interval_start, contacts, aht_seconds`): tickets of
    deferred queues that arrived before `start` and are still open.

    Raises:
        DataError: naming the row of a queue without `respond_within_hours` or a ticket not before the start.
    """
    path, start = Path(path), pd.Timestamp(start)
    table = read_workload(path, config)
    deferred = {q.id for q in config.queues if q.respond_within_hours is not None}
    wrong = table.loc[~table.queue.isin(deferred) | (table.interval_start >= start)]
    if not wrong.empty:
        row = wrong.iloc[0]
        raise DataError(
            f"{path}: the row of queue '{row.queue}' at {row.interval_start:%Y-%m-%d %H:%M} is not an open ticket carried into a plan "
            f"starting {start:%Y-%m-%d}: a backlog holds tickets of deferred queues ({', '.join(sorted(deferred)) or 'none'}) that "
            "arrived before the start. Pass the backlog.csv of the plan that ends where this one starts."
        )
    return table


def write_backlog(table: pd.DataFrame, path: Path | str) -> None:
    """Write the backlog CSV: the tickets open at a plan's end, by queue and arrival interval."""
    out = table[WORKLOAD_COLUMNS].copy()
    out["interval_start"] = pd.to_datetime(out.interval_start).dt.strftime("%Y-%m-%d %H:%M")
    write_csv_atomic(out, path)


ROSTER_COLUMNS = ["agent_id", "date", "shift", "start", "end", "paid_minutes", "breaks"]
ACTIVITY_COLUMNS = ["agent_id", "interval_start", "activity"]
COVERAGE_COLUMNS = [
    "queue",
    "interval_start",
    "agents_required",
    "agents_required_gross",
    "agents_scheduled",
    "service_level",
    "asa_seconds",
    "abandon_rate",
    "occupancy",
]


def parse_break_ranges(text: str, shift_start: pd.Timestamp) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """'12:00-13:00;15:00-15:15' -> (start, end) date-times, each placed at or after `shift_start`.

    Raises:
        ValueError: when a range is not 'HH:MM-HH:MM'.
    """
    ranges = []
    for part in filter(None, (p.strip() for p in str(text).split(";"))):
        first, sep, last = part.partition("-")
        if not sep:
            raise ValueError(part)
        begin = _time_after(first.strip(), shift_start)
        end = _time_after(last.strip(), begin)
        ranges.append((begin, end))
    return ranges


def _time_after(hhmm: str, moment: pd.Timestamp) -> pd.Timestamp:
    hours, sep, minutes = hhmm.partition(":")
    if not sep or len(hhmm) != 5 or not (hours.isdigit() and minutes.isdigit()) or int(hours) > 23 or int(minutes) > 59:
        raise ValueError(hhmm)
    candidate = moment.normalize() + pd.Timedelta(hours=int(hours), minutes=int(minutes))
    return candidate if candidate >= moment else candidate + pd.Timedelta(days=1)


def read_roster(path: Path | str, known_agents=None) -> pd.DataFrame:
    """Read a roster CSV (`agent_id, date, shift, start, end, paid_minutes, breaks`), checking every row, and with
    `known_agents` (a Center) that every agent is one of the center's.

    Returns:
        A frame with date as datetime.date, start/end as Timestamps, paid_minutes as int, breaks as text.
    """
    path = Path(path)
    frame = read_csv_table(path, ROSTER_COLUMNS)
    dates = parse_column(frame, "date", lambda s: pd.Timestamp(s).date() if len(s) == 10 else _bad(s), path, "a date YYYY-MM-DD")
    starts = parse_timestamps(frame, "start", path)
    ends = parse_timestamps(frame, "end", path)
    paid = parse_column(frame, "paid_minutes", lambda s: int(_finite_non_negative(s)), path, "whole minutes >= 0")
    if known_agents is not None:
        ids = {agent.agent_id for agent in known_agents.agents}
        unknown = frame.loc[~frame.agent_id.astype(str).isin(ids)]
        if not unknown.empty:
            raise DataError(
                f"{path}: row {unknown.index[0]}, column agent_id: '{unknown.agent_id.iloc[0]}' is not an agent of {known_agents.source} "
                f"({len(unknown)} row(s) of unknown agents). Give the roster of this center, or add the agent to its agents file."
            )
    for number in frame.index:
        if ends[number] <= starts[number]:
            raise DataError(f"{path}: row {number}: end {ends[number]:%Y-%m-%d %H:%M} is not after start {starts[number]:%Y-%m-%d %H:%M}.")
        if starts[number].date() != dates[number]:
            raise DataError(f"{path}: row {number}: date {dates[number]} is not the day the shift starts ({starts[number]:%Y-%m-%d}).")
        try:
            parse_break_ranges(frame.at[number, "breaks"], starts[number])
        except ValueError as exc:
            raise DataError(f"{path}: row {number}, column breaks: '{exc}' is not a range HH:MM-HH:MM (ranges separated by ';').") from None
    return pd.DataFrame(
        {
            "agent_id": frame.agent_id.astype(str),
            "date": dates.values,
            "shift": frame["shift"].astype(str),
            "start": starts.values,
            "end": ends.values,
            "paid_minutes": paid.astype(int).values,
            "breaks": frame.breaks.astype(str).values,
        }
    ).reset_index(drop=True)


def _bad(text: str):
    raise ValueError(text)


def write_roster_outputs(shifts: pd.DataFrame, activities: pd.DataFrame, coverage: pd.DataFrame, directory: Path | str) -> list[Path]:
    """Write roster.csv, activities.csv and coverage.csv (the file contracts) atomically into `directory`."""
    directory = Path(directory)
    roster = shifts[ROSTER_COLUMNS].copy()
    roster["date"] = roster.date.map(lambda d: d.isoformat())
    for column in ("start", "end"):
        roster[column] = pd.to_datetime(roster[column]).dt.strftime("%Y-%m-%d %H:%M")
    acts = activities[ACTIVITY_COLUMNS].copy()
    acts["interval_start"] = pd.to_datetime(acts.interval_start).dt.strftime("%Y-%m-%d %H:%M")
    cover = coverage[COVERAGE_COLUMNS].copy()
    cover["interval_start"] = pd.to_datetime(cover.interval_start).dt.strftime("%Y-%m-%d %H:%M")
    for column, digits in (("service_level", 4), ("asa_seconds", 2), ("abandon_rate", 4), ("occupancy", 4)):
        cover[column] = cover[column].astype(float).round(digits)
    paths = [directory / "roster.csv", directory / "activities.csv", directory / "coverage.csv"]
    for frame, path in zip((roster, acts, cover), paths):
        write_csv_atomic(frame, path)
    return paths


def read_requirements(path: Path | str, config: CenterConfig) -> pd.DataFrame:
    """Read a requirements CSV (`queue, interval_start, contacts, aht_seconds, agents_required, ...`).

    Checks the workload columns like `read_workload` and that agents_required is a number >= 0. The optional
    `agents_required_gross` (agents to place, written by `staffcast requirements`) is kept when every row has one;
    without it the roster places ceil(agents_required / (1 - shrinkage of the hour)).
    """
    path = Path(path)
    frame = read_csv_table(path, REQUIREMENT_COLUMNS, ["agents_required_gross", "abandon_rate", "occupancy"])
    workload = _workload_table(frame, path, config)
    workload["agents_required"] = parse_column(frame, "agents_required", _finite_non_negative, path, "a number of agents >= 0").astype(float)
    if "agents_required_gross" in frame.columns and (frame.agents_required_gross != "").all():
        gross = parse_column(frame, "agents_required_gross", _finite_non_negative, path, "a whole number of agents >= 0")
        workload["agents_required_gross"] = np.ceil(gross.astype(float) - 1e-9).astype(np.int64)
        _check_gross(workload, config, path)
    return workload.sort_values(["queue", "interval_start"]).reset_index(drop=True)


def require_horizon(table: pd.DataFrame, config: CenterConfig, start: dt.date, days: int, path: Path | str) -> None:
    """The requirements reach over the whole roster: rows on every day of the `days` days from `start`, and every
    queue with rows has one on the last day (a file that stops early would read as no demand at all; intervals
    without contacts may be left out, as forecasts do).

    Raises:
        DataError: naming the first queue and interval without a requirement.
    """
    dates = set(table.interval_start.dt.date)
    last = start + dt.timedelta(days=days - 1)
    empty = next((start + dt.timedelta(days=d) for d in range(days) if start + dt.timedelta(days=d) not in dates), None)
    if empty is not None:
        queue = config.queues[0].id
        raise DataError(
            f"{path}: queue {queue} (and every other queue) has no requirement from {empty} 00:00, inside the roster's days {start} to "
            f"{last}; compute requirements for every day of the roster, or shorten --days."
        )
    for queue in config.queues:
        moments = table.loc[table.queue == queue.id, "interval_start"]
        if len(moments) and moments.max().date() < last:
            after = moments.max() + pd.Timedelta(minutes=config.interval_minutes)
            raise DataError(
                f"{path}: queue {queue.id} has no requirement from {after:%Y-%m-%d %H:%M} to the roster's last day {last}; compute "
                "requirements for every day of the roster, or shorten --days."
            )


def _check_gross(table: pd.DataFrame, config: CenterConfig, path: Path) -> None:
    """Gross agents must be the net figure rounded once at the hour's shrinkage: between
    floor((net - 1) / (1 - s)) + 1 and ceil(net / (1 - s)) (a net figure edited by hand leaves it outside)."""
    keep = 1 - config.staffing.shrinkage_at(table.interval_start.dt.hour)
    net = table.agents_required.to_numpy(float)
    low = np.maximum(0, np.floor((net - 1) / keep + 1e-9) + 1)
    high = np.maximum(0, np.ceil(net / keep - 1e-9))
    gross = table.agents_required_gross.to_numpy()
    wrong = np.flatnonzero((gross < low) | (gross > high))
    if wrong.size:
        number = table.index[wrong[0]]
        raise DataError(
            f"{path}: row {number}, column agents_required_gross: {gross[wrong[0]]} agents do not fit agents_required {net[wrong[0]]:g} "
            f"at this center's shrinkage (expected {low[wrong[0]]:.0f} to {high[wrong[0]]:.0f}). After editing agents_required by hand, "
            f"delete the agents_required_gross column: it is then recomputed."
        )


def read_activities(path: Path | str, config: CenterConfig) -> pd.DataFrame:
    """Read activities.csv (`agent_id, interval_start, activity`): activity a queue id or `break`.

    Raises:
        DataError: naming the row for an unknown activity, a bad date-time or a repeated agent-interval.
    """
    path = Path(path)
    frame = read_csv_table(path, ["agent_id", "interval_start", "activity"])
    starts = parse_timestamps(frame, "interval_start", path)
    allowed = {q.id for q in config.queues} | {"break"}
    unknown = frame.loc[~frame.activity.isin(allowed)]
    if not unknown.empty:
        raise DataError(
            f"{path}: row {unknown.index[0]}, column activity: '{unknown.activity.iloc[0]}' is neither a queue of the center nor 'break'."
        )
    table = pd.DataFrame({"agent_id": frame.agent_id.astype(str), "interval_start": starts, "activity": frame.activity.astype(str)})
    repeated = table.duplicated(["agent_id", "interval_start"])
    if repeated.any():
        number = repeated.idxmax()
        raise DataError(
            f"{path}: row {number}: agent {table.agent_id[number]} appears twice at {table.interval_start[number]:%Y-%m-%d %H:%M}. Keep one "
            f"activity per agent and interval."
        )
    return table.reset_index(drop=True)
