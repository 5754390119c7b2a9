"""Pay as payroll computes it from roster rows (Labour Law art. 36, 41, 44), and the statutory holidays it needs.

Per agent and calendar week (`rules.week_start`), counting the previous roster's shifts of the week too:
- holiday minutes: paid minutes of shifts starting on a statutory holiday, paid `costs.holiday_multiplier`;
- overtime: the other paid minutes beyond `rules.standard_hours_per_week`, paid `costs.overtime_multiplier`;
- rest-day work: of that overtime, up to 8 h (the standard day) for each day worked beyond the standard workdays
  (standard hours / 8 h, rounded up) is work on a rest day, paid `costs.rest_day_multiplier` instead;
- night allowance: `costs.night_allowance_per_hour` per hour on site inside `rules.night_hours`.
A week counts in the calendar month of its fourth day, where `rules.max_overtime_hours_per_month` caps
overtime plus holiday work. Per shift row, a week's rest-day and overtime minutes are given to its last
non-holiday shifts (HR's daily rows); the week's totals are what the roster's cost and limit use.

Statutory holidays come from the Chinese calendar (`chinesecalendar`, unless `costs.holiday_calendar: none`) and
from holidays the events file marks `statutory: true`. The library lists whole holiday periods (statutory days,
the weekend days inside them and the swapped days in lieu); a statutory day is taken to be a listed day that is
not a day in lieu and falls on a weekday, or one of the fixed dates (1 Jan, 1-2 May, 1-3 Oct). A lunar holiday on
a weekend is then counted on its weekday make-up day; mark exact dates in the events file when payroll needs them.
"""

from __future__ import annotations

import datetime as dt
import functools
import math

import pandas as pd

from scheduler.contracts.schema import WEEKDAYS, CenterConfig, night_overlap_minutes

FIXED_STATUTORY_DAYS = {(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)}
STANDARD_DAY_MINUTES = 8 * 60
PAY_COLUMNS = ["night_minutes", "holiday_minutes", "overtime_minutes", "rest_day_minutes", "base_cost", "premium_cost"]


@functools.cache
def china_statutory_days() -> frozenset[dt.date]:
    """Statutory holidays of every year `chinesecalendar` knows (see the module docstring)."""
    import chinese_calendar

    return frozenset(
        day
        for day in chinese_calendar.holidays
        if day not in chinese_calendar.in_lieu_days and (day.weekday() < 5 or (day.month, day.day) in FIXED_STATUTORY_DAYS)
    )


def statutory_holidays(center) -> frozenset[dt.date]:
    """The center's statutory holidays: the Chinese calendar's (unless `costs.holiday_calendar: none`) and the
    events file's holidays marked `statutory: true`."""
    days = china_statutory_days() if center.config.costs.holiday_calendar == "china" else frozenset()
    return days | center.statutory_days


def standard_minutes(config: CenterConfig) -> int:
    """Standard paid minutes of a week."""
    return round(config.rules.standard_hours_per_week * 60)


def standard_workdays(config: CenterConfig) -> int:
    """Standard workdays of a week: standard hours over the 8-hour standard day, rounded up."""
    return math.ceil(config.rules.standard_hours_per_week * 60 / STANDARD_DAY_MINUTES - 1e-9)


def week_of(date: dt.date, week_start: str) -> dt.date:
    """The first date of the calendar week holding `date`."""
    return date - dt.timedelta(days=(date.weekday() - WEEKDAYS.index(week_start)) % 7)


def month_of_week(first: dt.date) -> str:
    """'YYYY-MM' of the week's fourth day: the month whose overtime limit the week counts against."""
    return f"{first + dt.timedelta(days=3):%Y-%m}"


def pay_equivalent_hours(config: CenterConfig, paid_hours: float) -> float:
    """What a week of `paid_hours` costs in hours at the base rate, worked in 8-hour days off holidays: the hours
    beyond the standard week at the overtime rate, those of days beyond the standard workdays at the rest-day rate."""
    minutes = round(paid_hours * 60)
    overtime = max(0, minutes - standard_minutes(config))
    extra_days = max(0, math.ceil(minutes / STANDARD_DAY_MINUTES - 1e-9) - standard_workdays(config))
    rest = min(overtime, STANDARD_DAY_MINUTES * extra_days)
    costs = config.costs
    return (minutes + (costs.overtime_multiplier - 1) * (overtime - rest) + (costs.rest_day_multiplier - 1) * rest) / 60


def hourly_rate(center, agent_id: str) -> float:
    """The agent's hourly cost (agents.csv), or costs.hourly_cost when the row gives none."""
    agent = next((a for a in center.agents if a.agent_id == agent_id), None)
    return agent.hourly_cost if agent is not None and agent.hourly_cost is not None else center.config.costs.hourly_cost


def weekly_pay(center, shifts: pd.DataFrame, previous: pd.DataFrame | None = None, start: dt.date | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Pay of roster rows (agent_id, date, start, end, paid_minutes) planned from `start` (default: their first
    date); the previous roster's rows before `start` count in the weeks from `start`'s week on.

    Returns:
        (per shift row of `shifts`, in its order: the PAY_COLUMNS; per agent and week with a row:
        agent_id, week, month, paid_minutes, holiday_minutes, overtime_minutes (all overtime, rest-day work
        included), extra_days, rest_day_minutes).
    """
    config = center.config
    holidays = statutory_holidays(center)
    rows = _typed(shifts).assign(new=True, order=range(len(shifts)))
    start = start or (min(rows.date) if len(rows) else None)
    if previous is not None and not previous.empty and start is not None:
        old = _typed(previous)
        kept = [week_of(start, config.rules.week_start) <= d < start for d in old.date]
        rows = pd.concat([old.loc[kept].assign(new=False, order=-1), rows], ignore_index=True)
    rows["holiday"] = [d in holidays for d in rows.date]
    rows["week"] = [week_of(d, config.rules.week_start) for d in rows.date]
    rows["night_minutes"] = [
        night_overlap_minutes(config.rules.night_hours, s.hour * 60 + s.minute, s.hour * 60 + s.minute + round((e - s) / pd.Timedelta(minutes=1)))
        for s, e in zip(rows.start, rows.end)
    ]
    rows["holiday_minutes"] = rows.paid_minutes.where(rows.holiday, 0).astype(int)
    rows["overtime_minutes"] = 0
    rows["rest_day_minutes"] = 0
    weeks = []
    standard, workdays = standard_minutes(config), standard_workdays(config)
    for (agent_id, week), part in rows.sort_values(["start"], kind="stable").groupby(["agent_id", "week"], sort=True):
        normal = part.loc[~part.holiday]
        overtime = max(0, int(normal.paid_minutes.sum()) - standard)
        extra_days = max(0, normal.date.nunique() - workdays)
        rest = min(overtime, STANDARD_DAY_MINUTES * extra_days)
        weeks.append(
            {
                "agent_id": agent_id,
                "week": week,
                "month": month_of_week(week),
                "paid_minutes": int(part.paid_minutes.sum()),
                "holiday_minutes": int(part.holiday_minutes.sum()),
                "overtime_minutes": overtime,
                "extra_days": extra_days,
                "rest_day_minutes": rest,
            }
        )
        rest_left, workday_left = rest, overtime - rest
        for index in reversed(normal.index.tolist()):
            paid = int(rows.at[index, "paid_minutes"])
            as_rest = min(rest_left, paid)
            as_workday = min(workday_left, paid - as_rest)
            rows.at[index, "rest_day_minutes"], rows.at[index, "overtime_minutes"] = as_rest, as_workday
            rest_left, workday_left = rest_left - as_rest, workday_left - as_workday
    costs = config.costs
    rate = rows.agent_id.map(lambda agent_id: hourly_rate(center, agent_id)).astype(float)
    rows["base_cost"] = rows.paid_minutes / 60 * rate
    rows["premium_cost"] = (
        rate
        * (
            (costs.overtime_multiplier - 1) * rows.overtime_minutes
            + (costs.rest_day_multiplier - 1) * rows.rest_day_minutes
            + (costs.holiday_multiplier - 1) * rows.holiday_minutes
        )
        + costs.night_allowance_per_hour * rows.night_minutes
    ) / 60
    per_row = rows.loc[rows.new].sort_values("order")[PAY_COLUMNS].reset_index(drop=True)
    columns = ["agent_id", "week", "month", "paid_minutes", "holiday_minutes", "overtime_minutes", "extra_days", "rest_day_minutes"]
    return per_row, pd.DataFrame(weeks, columns=columns)


def _typed(shifts: pd.DataFrame) -> pd.DataFrame:
    frame = shifts[["agent_id", "date", "start", "end", "paid_minutes"]].copy()
    frame["start"], frame["end"] = pd.to_datetime(frame.start), pd.to_datetime(frame.end)
    frame["date"] = [pd.Timestamp(d).date() for d in frame.date]
    frame["paid_minutes"] = frame.paid_minutes.astype(int)
    return frame
