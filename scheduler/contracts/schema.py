"""The center YAML as validated pydantic models (the center YAML section of README.md), with cross-field checks."""

from __future__ import annotations

import itertools
import math
import re
import zoneinfo
from typing import Literal

import numpy as np
from pydantic import Field, field_validator, model_validator

from forecasts.adjustments import ForecastAdjustment
from scheduler.contracts.capacity_schema import CapacityConfig
from staffcast.strict_model import StrictModel

_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def minutes_of_day(hhmm: str) -> int:
    """'07:30' -> 450."""
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def night_overlap_minutes(night_hours: tuple[str, str], start_minute: int, end_minute: int) -> int:
    """Minutes of [start_minute, end_minute) (minutes after midnight of the start day) inside the daily night window.

    >>> night_overlap_minutes(("22:00", "06:00"), 16 * 60, 24 * 60)
    120
    """
    begin, end = minutes_of_day(night_hours[0]), minutes_of_day(night_hours[1])
    if end <= begin:
        end += 24 * 60
    total = 0
    for day in range(-1, 3):
        low, high = begin + day * 24 * 60, end + day * 24 * 60
        total += max(0, min(high, end_minute) - max(low, start_minute))
    return total


def break_layout(breaks: list[Break], length_hours: float, step: int) -> list[int] | None:
    """An order of the breaks (indices) in which each fits its window on the `step`-minute grid after the one
    before it ends, placing each as early as it may; None when no order fits."""
    length = round(length_hours * 60)

    def fits(order: tuple[int, ...]) -> bool:
        free = 0
        for k in order:
            item = breaks[k]
            first = max(math.ceil(round(item.earliest_after_hours * 60, 6) / step) * step, free)
            first = math.ceil(first / step) * step
            duration = math.ceil(item.minutes / step) * step
            if first > item.latest_after_hours * 60 + 1e-6 or first + duration > length:
                return False
            free = first + duration
        return True

    by_window = sorted(range(len(breaks)), key=lambda k: (breaks[k].earliest_after_hours, breaks[k].latest_after_hours))
    order = next((order for order in itertools.permutations(by_window) if fits(order)), None)
    return None if order is None else list(order)


def _check_hhmm(value: str) -> str:
    if not _HHMM.match(value):
        raise ValueError(f"'{value}' is not a time of day; write HH:MM, e.g. 07:30")
    return value


class Queue(StrictModel):
    """One contact queue: a channel, the skill it needs and its service target."""

    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    channel: Literal["voice", "chat", "email"]
    skill: str = Field(min_length=1)
    min_skill_level: int = Field(1, ge=1, le=5)
    service_level: float = Field(0.8, gt=0, le=1)
    answer_within_seconds: float | None = Field(None, gt=0)
    concurrency: int | None = Field(None, ge=1, le=10)
    patience_seconds: float | None = Field(None, gt=0)
    max_abandon_rate: float | None = Field(None, gt=0, lt=1)
    respond_within_hours: float | None = Field(None, gt=0, le=24 * 14)
    work_hours: tuple[str, str] | None = None

    _check_work_hours = field_validator("work_hours")(lambda value: value and tuple(_check_hhmm(v) for v in value))

    @model_validator(mode="after")
    def _channel_fields(self) -> Queue:
        if self.channel in ("voice", "chat") and self.answer_within_seconds is None:
            raise ValueError(f"queue '{self.id}': a {self.channel} queue needs answer_within_seconds (e.g. 20)")
        if self.channel == "chat" and self.concurrency is None:
            raise ValueError(f"queue '{self.id}': a chat queue needs concurrency (sessions one agent handles at once, e.g. 3)")
        if self.channel != "chat" and self.concurrency not in (None, 1):
            raise ValueError(f"queue '{self.id}': concurrency applies to chat queues only")
        if self.service_level >= 1 and self.channel != "email":
            raise ValueError(
                f"queue '{self.id}': a {self.channel} queue cannot answer 100% within a time (arrivals are random); ask for at most 0.99, "
                "or 1.0 on an email queue (all work done by its deadline)"
            )
        if self.channel == "email" and self.respond_within_hours is None:
            raise ValueError(f"queue '{self.id}': an email queue needs respond_within_hours (e.g. 48)")
        if self.channel != "email" and self.respond_within_hours is not None:
            raise ValueError(f"queue '{self.id}': respond_within_hours applies to email queues only")
        if self.max_abandon_rate is not None and self.patience_seconds is None:
            raise ValueError(f"queue '{self.id}': max_abandon_rate needs patience_seconds (mean caller patience)")
        if self.work_hours is not None and (self.channel != "email" or self.work_hours[0] == self.work_hours[1]):
            raise ValueError(
                f"queue '{self.id}': work_hours (['08:00', '22:00']: when deferred work is done) applies to email queues and needs two "
                f"different times"
            )
        if self.channel == "email" and self.patience_seconds is not None:
            raise ValueError(f"queue '{self.id}': patience_seconds applies to voice and chat queues only")
        return self


class Staffing(StrictModel):
    """How net requirements become agents on shift."""

    shrinkage: float = Field(0.25, ge=0, lt=0.9)
    max_occupancy: float = Field(0.85, gt=0, le=1)
    shrinkage_by_hour: dict[int, float] = Field(default_factory=dict)

    @field_validator("shrinkage_by_hour")
    @classmethod
    def _check_hours(cls, value: dict[int, float]) -> dict[int, float]:
        for hour, share in value.items():
            if not 0 <= hour <= 23 or not 0 <= share < 0.9:
                raise ValueError(f"shrinkage_by_hour {{{hour}: {share}}}: hours are 0-23 and shrinkage is in [0, 0.9)")
        return value

    def shrinkage_at(self, hours) -> np.ndarray:
        """Shrinkage at each hour of day (`shrinkage_by_hour` where given, else `shrinkage`)."""
        table = np.array([self.shrinkage_by_hour.get(hour, self.shrinkage) for hour in range(24)])
        return table[np.asarray(hours, dtype=int)]


class Break(StrictModel):
    """A break placed by the roster inside a window measured from the shift start."""

    minutes: int = Field(gt=0, le=240)
    paid: bool = False
    earliest_after_hours: float = Field(ge=0)
    latest_after_hours: float = Field(ge=0)

    @model_validator(mode="after")
    def _window_order(self) -> Break:
        if self.latest_after_hours < self.earliest_after_hours:
            raise ValueError("latest_after_hours is before earliest_after_hours")
        return self


class Shift(StrictModel):
    """A shift template: allowed start times, length on site, paid time, breaks and the contracts that may work it
    (None: all). Night work is decided by the clock (`Rules.night_hours`); `night`, when given, must agree."""

    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    start_times: list[str] = Field(min_length=1)
    length_hours: float = Field(gt=0)
    paid_hours: float = Field(gt=0)
    breaks: list[Break] | None = None
    night: bool | None = None
    contracts: list[Literal["full_time", "part_time", "temp"]] | None = Field(None, min_length=1)

    _check_starts = field_validator("start_times")(lambda values: [_check_hhmm(v) for v in values])

    @model_validator(mode="after")
    def _consistent(self) -> Shift:
        if self.length_hours > 24:
            raise ValueError(f"shift '{self.id}': length_hours {self.length_hours} is longer than 24 h")
        if self.paid_hours > self.length_hours:
            raise ValueError(f"shift '{self.id}': paid_hours {self.paid_hours} exceed length_hours {self.length_hours}")
        if len(set(self.start_times)) != len(self.start_times):
            raise ValueError(f"shift '{self.id}': start_times lists a time twice")
        for number, item in enumerate(self.shift_breaks):
            if item.latest_after_hours + item.minutes / 60 > self.length_hours + 1e-9:
                raise ValueError(
                    f"shift '{self.id}': break {number + 1} ({item.minutes} min, latest after "
                    f"{item.latest_after_hours} h) ends outside the {self.length_hours} h shift"
                )
        unpaid_hours = sum(b.minutes for b in self.shift_breaks if not b.paid) / 60
        if abs(self.length_hours - unpaid_hours - self.paid_hours) > 1e-6:
            raise ValueError(
                f"shift '{self.id}': length_hours {self.length_hours} minus unpaid breaks "
                f"{unpaid_hours:g} h is not paid_hours {self.paid_hours}; fix the hours or the breaks"
            )
        return self

    @property
    def shift_breaks(self) -> list[Break]:
        """The breaks, with the default when `breaks` is omitted: the unpaid time as one meal break mid-shift."""
        if self.breaks is not None:
            return self.breaks
        unpaid_minutes = round((self.length_hours - self.paid_hours) * 60)
        if unpaid_minutes <= 0:
            return []
        middle = self.length_hours / 2 - unpaid_minutes / 120
        return [Break(minutes=unpaid_minutes, paid=False, earliest_after_hours=max(0.0, middle - 1), latest_after_hours=middle + 1)]


class Rules(StrictModel):
    """Labor and contract rules (hard): weeks are calendar weeks from `week_start`; a shift with any minute inside
    `night_hours` is night work. Paid hours of a week beyond `standard_hours_per_week` (statutory-holiday work
    aside) are overtime; a calendar month (the month of each week's fourth day) holds at most
    `max_overtime_hours_per_month` of overtime and holiday work (Labour Law art. 41)."""

    min_rest_hours: float = Field(11, ge=0, le=48)
    max_consecutive_workdays: int = Field(6, ge=1, le=14)
    min_days_off_per_week: int = Field(2, ge=0, le=7)
    max_nights_per_week: int = Field(4, ge=0, le=7)
    max_consecutive_nights: int | None = Field(None, ge=1, le=14)
    week_start: Literal[WEEKDAYS] = "monday"
    night_hours: tuple[str, str] = ("22:00", "06:00")
    standard_hours_per_week: float = Field(40, gt=0, le=84)
    max_overtime_hours_per_month: float = Field(36, ge=0, le=744)

    _check_night_hours = field_validator("night_hours")(lambda value: tuple(_check_hhmm(v) for v in value))

    @model_validator(mode="after")
    def _night_window(self) -> Rules:
        if self.night_hours[0] == self.night_hours[1]:
            raise ValueError(f"night_hours {list(self.night_hours)} needs two different times, e.g. ['22:00', '06:00']")
        return self


class Weights(StrictModel):
    """Soft costs in the roster objective; understaffing dominates."""

    understaffing: float = Field(1000, ge=0)
    overstaffing: float = Field(1, ge=0)
    paid_hour: float = Field(10, ge=0)
    time_off_preference: float = Field(50, ge=0)
    start_time_change: float = Field(5, ge=0)
    weekend_fairness: float = Field(20, ge=0)
    night_fairness: float = Field(20, ge=0)
    late_work: float = Field(4000, ge=0)


class Costs(StrictModel):
    """Money: the hourly cost of agents whose agents.csv row gives none, and the pay premiums (Labour Law art. 44).

    A week's overtime (paid hours beyond `rules.standard_hours_per_week`) is paid `overtime_multiplier` times the
    hourly cost; up to 8 h of it per day worked beyond the standard workdays (standard hours / 8 h) is rest-day work,
    paid `rest_day_multiplier`; hours of shifts starting on a statutory holiday are paid `holiday_multiplier` (from
    the Chinese calendar when `holiday_calendar` is china, and holidays marked `statutory: true` in the events file);
    every hour on site inside `rules.night_hours` earns `night_allowance_per_hour`."""

    hourly_cost: float = Field(30.0, ge=0)
    currency: str = "CNY"
    overtime_multiplier: float = Field(1.5, ge=1, le=10)
    rest_day_multiplier: float = Field(2.0, ge=1, le=10)
    holiday_multiplier: float = Field(3.0, ge=1, le=10)
    night_allowance_per_hour: float = Field(0.0, ge=0)
    holiday_calendar: Literal["china", "none"] = "china"


class CenterConfig(StrictModel):
    """The center YAML."""

    name: str = Field(min_length=1)
    timezone: str = "Asia/Shanghai"
    interval_minutes: Literal[5, 15, 30, 60] = 30
    history: str | None = None
    events: str | None = None
    agents: str | None = None
    time_off: str | None = None
    queues: list[Queue] = Field(min_length=1)
    staffing: Staffing = Staffing()
    shifts: list[Shift] = Field(min_length=1)
    rules: Rules = Rules()
    weights: Weights = Weights()
    costs: Costs = Costs()
    capacity: CapacityConfig | None = None
    forecast_adjustments: list[ForecastAdjustment] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone '{value}'; use an IANA name such as Asia/Shanghai") from None
        return value

    @model_validator(mode="after")
    def _consistent(self) -> CenterConfig:
        for kind, items in (("queue", self.queues), ("shift", self.shifts)):
            ids = [item.id for item in items]
            duplicated = sorted({i for i in ids if ids.count(i) > 1})
            if duplicated:
                raise ValueError(f"{kind} id(s) {', '.join(duplicated)} appear more than once; ids must be unique")
        queue_ids = [q.id for q in self.queues]
        for number, adjustment in enumerate(self.forecast_adjustments):
            unknown = [q for q in adjustment.queues or () if q not in queue_ids]
            if unknown:
                raise ValueError(
                    f"forecast_adjustments[{number}].queues: unknown queue(s) {', '.join(unknown)}; the queues are {', '.join(queue_ids)}"
                )
        step = self.interval_minutes
        for shift in self.shifts:
            off_grid = [t for t in shift.start_times if minutes_of_day(t) % step]
            if off_grid:
                raise ValueError(f"shift '{shift.id}': start time(s) {', '.join(off_grid)} are not on the {step}-minute interval grid")
            if round(shift.length_hours * 60) % step or abs(shift.length_hours * 60 - round(shift.length_hours * 60)) > 1e-6:
                raise ValueError(f"shift '{shift.id}': length_hours {shift.length_hours} is not a whole number of {step}-minute intervals")
            if break_layout(shift.shift_breaks, shift.length_hours, step) is None:
                raise ValueError(
                    f"shift '{shift.id}': its breaks cannot all be placed inside their windows without overlapping on the "
                    f"{step}-minute grid in any order; widen a window or shorten a break"
                )
            by_clock = any(
                night_overlap_minutes(self.rules.night_hours, minutes_of_day(t), minutes_of_day(t) + round(shift.length_hours * 60))
                for t in shift.start_times
            )
            if shift.night is not None and shift.night != by_clock:
                raise ValueError(
                    f"shift '{shift.id}': night: {str(shift.night).lower()} disagrees with rules.night_hours "
                    f"{list(self.rules.night_hours)} (a shift with any minute inside them is a night shift); remove the night field"
                )
        return self

    @property
    def skills(self) -> list[str]:
        """The skills the queues need, in queue order without repeats."""
        return list(dict.fromkeys(q.skill for q in self.queues))

    def queue(self, queue_id: str) -> Queue:
        """The queue with this id."""
        return next(q for q in self.queues if q.id == queue_id)
