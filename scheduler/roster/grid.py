"""The roster's time grid and shift options, derived from the center YAML (shared by model and hint).

Time is counted in intervals from midnight of the first planned day (`t = day * per_day + slot`).
A shift option is one shift template at one allowed start time; a night shift simply runs past
`per_day` into the next day's intervals.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd

from scheduler.contracts.schema import WEEKDAYS, CenterConfig, break_layout, minutes_of_day, night_overlap_minutes
from staffcast.errors import ConfigError


@dataclass(frozen=True)
class BreakSlot:
    """One break of a shift: its length and the allowed start offsets (in intervals after the shift start)."""

    minutes: int
    paid: bool
    offsets: tuple[int, ...]
    length_intervals: int


@dataclass(frozen=True)
class ShiftOption:
    """A shift template at one start time."""

    shift_id: str
    start_minute: int
    length_minutes: int
    paid_minutes: int
    night: bool
    breaks: tuple[BreakSlot, ...]
    contracts: frozenset[str] | None = None

    @property
    def end_minute(self) -> int:
        """Minutes after midnight of the start day at which the shift ends (may exceed 1440)."""
        return self.start_minute + self.length_minutes

    @property
    def overnight(self) -> bool:
        """True when the shift has minutes after midnight of its start day (so the next date is worked too)."""
        return self.end_minute > 24 * 60

    def allows(self, contract: str) -> bool:
        """True when an agent with this contract may work the template (`contracts` absent: every contract)."""
        return self.contracts is None or contract in self.contracts

    @property
    def label(self) -> str:
        """'day@08:00'."""
        return f"{self.shift_id}@{self.start_minute // 60:02d}:{self.start_minute % 60:02d}"


def shift_options(config: CenterConfig) -> list[ShiftOption]:
    """Every (template, start time) pair, sorted by start time then template id; a shift is a night shift when
    any of its minutes lies inside `rules.night_hours`, and its breaks come in an order they can be laid out in.

    Raises:
        ConfigError: when a break window holds no start on the interval grid.
    """
    step = config.interval_minutes
    options = []
    for shift in config.shifts:
        slots = []
        order = break_layout(shift.shift_breaks, shift.length_hours, step) or []
        for number, item in enumerate(shift.shift_breaks[k] for k in order):
            first = math.ceil(round(item.earliest_after_hours * 60, 6) / step)
            last = math.floor(round(item.latest_after_hours * 60, 6) / step)
            length = math.ceil(item.minutes / step)
            offsets = tuple(o for o in range(first, last + 1) if (o + length) * step <= round(shift.length_hours * 60))
            if not offsets:
                raise ConfigError(
                    f"shift '{shift.id}': break {number + 1} ({item.minutes} min) may start only between "
                    f"{item.earliest_after_hours} h and {item.latest_after_hours} h after the shift start, which holds no "
                    f"{step}-minute grid point; widen the window."
                )
            slots.append(BreakSlot(minutes=item.minutes, paid=item.paid, offsets=offsets, length_intervals=length))
        length = round(shift.length_hours * 60)
        for start in shift.start_times:
            begin = minutes_of_day(start)
            options.append(
                ShiftOption(
                    shift_id=shift.id,
                    start_minute=begin,
                    length_minutes=length,
                    paid_minutes=round(shift.paid_hours * 60),
                    night=night_overlap_minutes(config.rules.night_hours, begin, begin + length) > 0,
                    breaks=tuple(slots),
                    contracts=None if shift.contracts is None else frozenset(shift.contracts),
                )
            )
    return sorted(options, key=lambda o: (o.start_minute, o.shift_id))


@dataclass(frozen=True)
class Horizon:
    """The planned days on the center's interval grid."""

    start: dt.date
    days: int
    interval_minutes: int

    @property
    def per_day(self) -> int:
        """Intervals per day."""
        return 24 * 60 // self.interval_minutes

    @property
    def intervals(self) -> int:
        """Intervals inside the planned days."""
        return self.days * self.per_day

    def date(self, day: int) -> dt.date:
        """The calendar date of day index `day`."""
        return self.start + dt.timedelta(days=day)

    def timestamp(self, t: int) -> pd.Timestamp:
        """The start of interval `t`."""
        return pd.Timestamp(self.start) + pd.Timedelta(minutes=t * self.interval_minutes)

    def index(self, moment: pd.Timestamp) -> int:
        """The interval index of a time on the grid (negative before the horizon)."""
        return int((moment - pd.Timestamp(self.start)) // pd.Timedelta(minutes=self.interval_minutes))

    def first_interval(self, day: int, option: ShiftOption) -> int:
        """The interval at which `option` starts on `day`."""
        return day * self.per_day + option.start_minute // self.interval_minutes

    def weeks(self, week_start: str = "monday") -> list[range]:
        """The calendar weeks (starting on `week_start`) that the horizon touches, as day-index ranges that may
        begin before day 0 or end after the last day (a week cut by the horizon keeps its 7 days here)."""
        first = -((self.start.weekday() - WEEKDAYS.index(week_start)) % 7)
        return [range(begin, begin + 7) for begin in range(first, self.days, 7)]


def spill_intervals(options: list[ShiftOption], interval_minutes: int) -> int:
    """How many intervals of a day the previous day's shifts can reach into (0 without overnight shifts)."""
    return max(0, max(math.ceil((o.end_minute - 24 * 60) / interval_minutes) for o in options))


def first_answered(config: CenterConfig, start: dt.date, has_previous: bool) -> pd.Timestamp:
    """The first interval whose real-time requirements a plan answers for: its start with a previous roster;
    without one, the first day's hours the day before's shifts reach belong to that unknown roster."""
    spill = 0 if has_previous else spill_intervals(shift_options(config), config.interval_minutes)
    return pd.Timestamp(start) + pd.Timedelta(minutes=min(spill, 24 * 60 // config.interval_minutes) * config.interval_minutes)


def answered(config: CenterConfig, frame: pd.DataFrame, start: dt.date, has_previous: bool) -> pd.Series:
    """True for the rows (queue, interval_start) a plan answers for: real-time queues from `first_answered`,
    deferred queues (work done by deadlines, later in the day) from the start."""
    return frame.queue.isin(deferred_queue_ids(config)) | (frame.interval_start >= first_answered(config, start, has_previous))


def answered_requirements(config: CenterConfig, requirements: pd.DataFrame, start: dt.date, days: int, has_previous: bool) -> pd.DataFrame:
    """The requirements rows a roster of these days answers for (`answered`), completed with zero rows for
    missing queue-intervals: the rows of its coverage table. A deferred queue's rows before the start (a backlog
    carried in: tickets that arrived before the plan and are still open) come first, from its earliest such
    row, with no agents required: the plan works them off with its own agents, by their deadlines."""
    step = pd.Timedelta(minutes=config.interval_minutes)
    first = pd.Timestamp(start)
    end = first + pd.Timedelta(days=days)
    carried = requirements.loc[requirements.queue.isin(deferred_queue_ids(config)) & (requirements.interval_start < first)]
    opening = carried.groupby("queue").interval_start.min().to_dict()
    keys = [(q.id, moment) for q in config.queues for moment in pd.date_range(min(first, opening.get(q.id, first)), end, freq=step, inclusive="left")]
    grid = pd.MultiIndex.from_tuples(keys, names=["queue", "interval_start"])
    columns = ["contacts", "aht_seconds", "agents_required"] + [c for c in ["agents_required_gross"] if c in requirements]
    table = requirements.drop_duplicates(["queue", "interval_start"]).set_index(["queue", "interval_start"])[columns]
    table = table.reindex(grid, fill_value=0).reset_index()
    table.loc[table.interval_start < first, [c for c in columns if c.startswith("agents_required")]] = 0
    return table.loc[answered(config, table, start, has_previous)].reset_index(drop=True)


def deferred_queue_ids(config: CenterConfig) -> set[str]:
    """The queues of deferred work (with `respond_within_hours`)."""
    return {q.id for q in config.queues if q.respond_within_hours is not None}
