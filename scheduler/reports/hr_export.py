"""HR and payroll exports of a roster: per-agent daily rows and iCalendar files per agent.

roster.csv itself is the HR import (one row per shift). The daily export splits each shift into
paid and unpaid minutes and counts the paid minutes that fall in the night window and on weekends,
for allowances. The iCalendar export (RFC 5545, written by hand: a few lines of text with
CRLF endings, escaping and 75-octet folding; no dependency needed) gives staff their shifts in
their phone calendar, with times in UTC so no VTIMEZONE block is needed.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pandas as pd

from scheduler.contracts.center import Center
from scheduler.contracts.pay import weekly_pay
from scheduler.contracts.plan_tables import parse_break_ranges
from scheduler.contracts.schema import minutes_of_day
from staffcast.errors import DataError

DAILY_COLUMNS = [
    "agent_id",
    "name",
    "team",
    "date",
    "shift",
    "start",
    "end",
    "on_site_minutes",
    "paid_minutes",
    "unpaid_minutes",
    "break_minutes",
    "night_minutes",
    "weekend_minutes",
    "overtime_minutes",
    "rest_day_minutes",
    "holiday_minutes",
]
FORMATS = ("roster", "daily", "ics")


def shift_paid_ranges(center: Center, shift_row) -> tuple[list[tuple[pd.Timestamp, pd.Timestamp]], list[tuple[pd.Timestamp, pd.Timestamp]]]:
    """The paid time ranges of one roster row and its break ranges, as full date-times.

    Unpaid breaks are the template's unpaid breaks, matched to the roster's breaks by length in
    order; paid breaks stay inside the paid ranges.
    """
    start, end = pd.Timestamp(shift_row.start), pd.Timestamp(shift_row.end)
    breaks = parse_breaks(str(shift_row.breaks) if isinstance(shift_row.breaks, str) else "", start)
    unpaid_total = int(round((end - start).total_seconds() / 60 - float(shift_row.paid_minutes)))
    template = next((s for s in center.config.shifts if s.id == shift_row.shift), None)
    unpaid_lengths = [b.minutes for b in template.shift_breaks if not b.paid] if template else []
    unpaid = []
    for begin, finish in breaks:
        length = round((finish - begin).total_seconds() / 60)
        if length in unpaid_lengths:
            unpaid_lengths.remove(length)
            unpaid.append((begin, finish))
    if sum(round((f - b).total_seconds() / 60) for b, f in unpaid) != unpaid_total:
        unpaid = [(b, f) for b, f in breaks] if sum(round((f - b).total_seconds() / 60) for b, f in breaks) == unpaid_total else []
    paid, cursor = [], start
    for begin, finish in sorted(unpaid):
        if begin > cursor:
            paid.append((cursor, begin))
        cursor = max(cursor, finish)
    if cursor < end:
        paid.append((cursor, end))
    return paid, breaks


def parse_breaks(text: str, shift_start: pd.Timestamp) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """'12:00-13:00;15:00-15:15' -> date-time ranges, each placed at or after the shift start.

    Raises:
        DataError: when a range is not HH:MM-HH:MM.
    """
    try:
        return parse_break_ranges(text, shift_start)
    except ValueError as exc:
        raise DataError(f"breaks '{text}': '{exc}' is not a range HH:MM-HH:MM (ranges separated by ';').") from None


def _overlap_minutes(ranges, windows) -> int:
    total = 0.0
    for begin, finish in ranges:
        for w_begin, w_finish in windows:
            low, high = max(begin, w_begin), min(finish, w_finish)
            if high > low:
                total += (high - low).total_seconds() / 60
    return int(round(total))


def _night_windows(begin: pd.Timestamp, finish: pd.Timestamp, night_start: str, night_end: str):
    day = begin.normalize() - pd.Timedelta(days=1)
    start_offset = pd.Timedelta(minutes=minutes_of_day(night_start))
    end_offset = pd.Timedelta(minutes=minutes_of_day(night_end))
    windows = []
    while day <= finish:
        window_start = day + start_offset
        window_end = day + end_offset + (pd.Timedelta(days=1) if end_offset <= start_offset else pd.Timedelta(0))
        windows.append((window_start, window_end))
        day += pd.Timedelta(days=1)
    return windows


def _weekend_windows(begin: pd.Timestamp, finish: pd.Timestamp):
    day, windows = begin.normalize(), []
    while day <= finish:
        if day.day_of_week >= 5:
            windows.append((day, day + pd.Timedelta(days=1)))
        day += pd.Timedelta(days=1)
    return windows


def daily_hours(center: Center, shifts: pd.DataFrame) -> pd.DataFrame:
    """Per-agent daily rows: paid and unpaid minutes, and paid minutes at night and on weekends.

    One row per agent and day worked (the day the shift starts). Night and weekend minutes count
    paid time inside the center's `rules.night_hours` (default 22:00-06:00) and on Saturdays and Sundays.
    Overtime (workday, at costs.overtime_multiplier), rest-day and statutory-holiday minutes are payroll's
    (`scheduler.contracts.pay`): a week's overtime and rest-day work sit on its last shifts.
    """
    night_start, night_end = center.config.rules.night_hours
    people = {a.agent_id: a for a in center.agents}
    ordered = shifts.sort_values(["agent_id", "start"])
    pay = weekly_pay(center, ordered)[0]
    rows = []
    for row, premium in zip(ordered.itertuples(index=False), pay.itertuples(index=False)):
        start, end = pd.Timestamp(row.start), pd.Timestamp(row.end)
        paid, breaks = shift_paid_ranges(center, row)
        on_site = int(round((end - start).total_seconds() / 60))
        agent = people.get(row.agent_id)
        rows.append(
            {
                "agent_id": row.agent_id,
                "name": agent.name if agent else "",
                "team": agent.team if agent else "",
                "date": pd.Timestamp(row.date).strftime("%Y-%m-%d"),
                "shift": row.shift,
                "start": start.strftime("%Y-%m-%d %H:%M"),
                "end": end.strftime("%Y-%m-%d %H:%M"),
                "on_site_minutes": on_site,
                "paid_minutes": int(row.paid_minutes),
                "unpaid_minutes": on_site - int(row.paid_minutes),
                "break_minutes": int(round(sum((f - b).total_seconds() for b, f in breaks) / 60)),
                "night_minutes": _overlap_minutes(paid, _night_windows(start, end, night_start, night_end)),
                "weekend_minutes": _overlap_minutes(paid, _weekend_windows(start, end)),
                "overtime_minutes": int(premium.overtime_minutes),
                "rest_day_minutes": int(premium.rest_day_minutes),
                "holiday_minutes": int(premium.holiday_minutes),
            }
        )
    return pd.DataFrame(rows, columns=DAILY_COLUMNS)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 3.1), never splitting a UTF-8 character."""
    pieces, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > 75:
            pieces.append(current)
            current, size = " ", 1
        current += char
        size += width
    pieces.append(current)
    return "\r\n".join(pieces)


def _utc(moment: pd.Timestamp, zone: zoneinfo.ZoneInfo) -> str:
    local = moment.to_pydatetime().replace(tzinfo=zone)
    return local.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def agent_calendars(center: Center, shifts: pd.DataFrame, generated_at: dt.datetime) -> dict[str, str]:
    """One iCalendar (RFC 5545) text per agent with a VEVENT per shift.

    Args:
        center: the center (its timezone converts local shift times to UTC).
        shifts: roster rows (agent_id, date, shift, start, end, paid_minutes, breaks).
        generated_at: the DTSTAMP of every event (UTC); pass it in so the output is reproducible.
    """
    zone = zoneinfo.ZoneInfo(center.config.timezone)
    stamp = generated_at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    people = {a.agent_id: a for a in center.agents}
    calendars = {}
    for agent_id, rows in shifts.sort_values(["agent_id", "start"]).groupby("agent_id", sort=True):
        agent = people.get(agent_id)
        lines = [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//staffcast//roster export//EN",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            _escape_property("X-WR-CALNAME", f"Shifts {agent.name if agent else agent_id}"),
        ]
        for row in rows.itertuples(index=False):
            start, end = pd.Timestamp(row.start), pd.Timestamp(row.end)
            breaks = row.breaks if isinstance(row.breaks, str) and row.breaks else "none"
            lines += [
                "BEGIN:VEVENT",
                f"UID:{agent_id}-{start:%Y%m%dT%H%M}-{row.shift}@staffcast",
                f"DTSTAMP:{stamp}",
                f"DTSTART:{_utc(start, zone)}",
                f"DTEND:{_utc(end, zone)}",
                _escape_property("SUMMARY", f"{center.config.name}: {row.shift} shift"),
                _escape_property(
                    "DESCRIPTION",
                    f"{start:%H:%M}-{end:%H:%M} local time ({center.config.timezone}), paid {int(row.paid_minutes)} min, breaks {breaks}",
                ),
                "TRANSP:OPAQUE",
                "END:VEVENT",
            ]
        lines.append("END:VCALENDAR")
        calendars[agent_id] = "".join(_fold(line) + "\r\n" for line in lines)
    return calendars


def _escape_property(name: str, value: str) -> str:
    return f"{name}:{_escape(value)}"
