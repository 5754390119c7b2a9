"""Weekly required FTE per skill from per-interval net requirements.

The chain, per queue and interval: `agents_required` (NET agents on the queue; occupancy is already
capped inside it by the Erlang staffing) x interval length = net agent-hours; / (1 - shrinkage) =
gross hours on the queue; / on-queue share of paid shift time (paid breaks) = paid hours;
/ schedule_efficiency (shifts cannot follow the intraday curve exactly) = paid hours to roster.
Queues map to skills one to one (each queue names the skill it needs); a skill's hours are the sum
over its queues. Required FTE of a week is the larger of
  - the week's paid hours / fte_hours_per_week, and
  - the busiest day's paid hours / the longest shift's paid hours (an agent works at most one
    shift a day, so a peak day such as 11.11 needs that many people at work that day).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from scheduler.contracts.capacity_schema import CapacityConfig
from staffcast.errors import DataError

WEEKLY_COLUMNS = ["week", "skill", "required_fte", "week_hours_fte", "peak_day_fte", "peak_day"]


def on_queue_share(shifts) -> float:
    """Mean share of a shift's paid time spent on queues (not on a paid break), over the templates."""
    shares = [(s.paid_hours - sum(b.minutes for b in s.shift_breaks if b.paid) / 60) / s.paid_hours for s in shifts]
    return float(np.mean(shares))


def weekly_required_fte(config, settings: CapacityConfig, requirements: pd.DataFrame, start: dt.date, weeks: int) -> pd.DataFrame:
    """Required FTE per week and skill.

    Args:
        config: the CenterConfig (queues, interval_minutes, staffing.shrinkage, shifts).
        settings: the capacity settings (fte_hours_per_week, schedule_efficiency).
        requirements: queue, interval_start, agents_required (net), covering the horizon.
        start: first day of week 0.
        weeks: number of weeks.

    Returns:
        Columns week (index 0..weeks-1), skill, required_fte, week_hours_fte, peak_day_fte,
        peak_day (the busiest date of the week for that skill).

    Raises:
        DataError: the requirements do not cover every day of the horizon.
    """
    first, last = pd.Timestamp(start), pd.Timestamp(start) + pd.Timedelta(days=7 * weeks)
    inside = requirements.loc[(requirements.interval_start >= first) & (requirements.interval_start < last)]
    covered_weeks = set(((inside.interval_start - first).dt.days // 7).unique())
    if len(covered_weeks) < weeks:
        missing = min(set(range(weeks)) - covered_weeks)
        raise DataError(
            f"the requirements (forecast) have no rows in week {missing + 1} of the {weeks} weeks from {start} "
            f"(the week of {(first + pd.Timedelta(days=7 * missing)).date()}); forecast the whole horizon or plan fewer weeks."
        )
    skill_of = {q.id: q.skill for q in config.queues}
    hours_factor = (config.interval_minutes / 60) / ((1 - config.staffing.shrinkage) * on_queue_share(config.shifts) * settings.schedule_efficiency)
    frame = pd.DataFrame(
        {
            "skill": inside.queue.map(skill_of),
            "day": inside.interval_start.dt.normalize(),
            "paid_hours": inside.agents_required.astype(float) * hours_factor,
        }
    )
    daily = frame.groupby(["skill", "day"], as_index=False).paid_hours.sum()
    daily["week"] = (daily.day - first).dt.days // 7
    longest_shift_hours = max(s.paid_hours for s in config.shifts)
    rows = []
    for skill in config.skills:
        of_skill = daily.loc[daily.skill == skill]
        for week in range(weeks):
            days = of_skill.loc[of_skill.week == week]
            week_fte = days.paid_hours.sum() / settings.fte_hours_per_week
            if days.empty:
                peak_fte, peak_day = 0.0, (first + pd.Timedelta(days=7 * week)).date()
            else:
                busiest = days.paid_hours.idxmax()
                peak_fte, peak_day = days.paid_hours[busiest] / longest_shift_hours, days.day[busiest].date()
            rows.append((week, skill, max(week_fte, peak_fte), week_fte, peak_fte, peak_day))
    return pd.DataFrame(rows, columns=WEEKLY_COLUMNS)
