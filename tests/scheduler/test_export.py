"""HR exports: paid/unpaid/night/weekend minutes per agent and day, and iCalendar text per RFC 5545."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from scheduler.contracts.center import load_center
from scheduler.reports.hr_export import DAILY_COLUMNS, agent_calendars, daily_hours
from staffcast.errors import DataError

TINY = Path(__file__).parents[1] / "fixtures" / "tiny_center" / "center.yaml"


@pytest.fixture(scope="module")
def center():
    return load_center(TINY)


def _shifts(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["agent_id", "date", "shift", "start", "end", "paid_minutes", "breaks"])
    frame["start"], frame["end"] = pd.to_datetime(frame.start), pd.to_datetime(frame.end)
    frame["date"] = pd.to_datetime(frame.date).dt.date
    return frame


def test_day_shift_splits_paid_and_unpaid_minutes(center):
    # Wednesday 2025-11-12, day shift 08:00-17:00 with its unpaid 60-minute lunch.
    table = daily_hours(center, _shifts([("A01", "2025-11-12", "day", "2025-11-12 08:00", "2025-11-12 17:00", 480, "12:00-13:00")]))
    row = table.iloc[0]
    assert list(table.columns) == DAILY_COLUMNS
    assert (row.on_site_minutes, row.paid_minutes, row.unpaid_minutes, row.break_minutes) == (540, 480, 60, 60)
    assert (row.night_minutes, row.weekend_minutes) == (0, 0)
    assert row["name"] == "Li Na" and row.team == "day"


def test_night_shift_from_saturday_counts_night_and_weekend_minutes(center):
    # Saturday 2025-11-15 22:00 to Sunday 06:00: all 480 minutes are night and weekend.
    table = daily_hours(center, _shifts([("A04", "2025-11-15", "night", "2025-11-15 22:00", "2025-11-16 06:00", 480, "")]))
    row = table.iloc[0]
    assert (row.night_minutes, row.weekend_minutes, row.unpaid_minutes) == (480, 480, 0)


def test_night_shift_into_monday_counts_only_sunday_as_weekend(center):
    table = daily_hours(center, _shifts([("A04", "2025-11-16", "night", "2025-11-16 22:00", "2025-11-17 06:00", 480, "")]))
    assert table.iloc[0].weekend_minutes == 120
    assert table.iloc[0].night_minutes == 480


def test_unpaid_break_inside_the_night_window_is_not_night_pay(center):
    # A day shift moved late: 15:00-24:00 with the unpaid hour 22:00-23:00; paid night time is 23:00-24:00 only.
    table = daily_hours(center, _shifts([("A01", "2025-11-12", "day", "2025-11-12 15:00", "2025-11-13 00:00", 480, "22:00-23:00")]))
    assert table.iloc[0].night_minutes == 60


def test_night_minutes_follow_the_centers_night_hours(center):
    rules = center.config.rules.model_copy(update={"night_hours": ("00:00", "05:00")})
    custom = dataclasses.replace(center, config=center.config.model_copy(update={"rules": rules}))
    table = daily_hours(custom, _shifts([("A04", "2025-11-12", "night", "2025-11-12 22:00", "2025-11-13 06:00", 480, "")]))
    assert table.iloc[0].night_minutes == 300


def test_bad_break_text_names_the_break(center):
    with pytest.raises(DataError, match="12-13"):
        daily_hours(center, _shifts([("A01", "2025-11-12", "day", "2025-11-12 08:00", "2025-11-12 17:00", 480, "12-13")]))


def test_icalendar_per_agent_follows_rfc5545(center):
    shifts = _shifts(
        [
            ("A01", "2025-11-12", "day", "2025-11-12 08:00", "2025-11-12 17:00", 480, "12:00-13:00"),
            ("A01", "2025-11-13", "day", "2025-11-13 09:00", "2025-11-13 18:00", 480, "13:00-14:00"),
            ("A04", "2025-11-12", "night", "2025-11-12 22:00", "2025-11-13 06:00", 480, ""),
        ]
    )
    calendars = agent_calendars(center, shifts, dt.datetime(2025, 11, 1, 12, 0, tzinfo=dt.UTC))
    assert sorted(calendars) == ["A01", "A04"]
    text = calendars["A01"]
    lines = text.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and lines[-1] == ""
    assert "\n" not in text.replace("\r\n", "")
    assert text.count("BEGIN:VEVENT") == 2
    assert "DTSTART:20251112T000000Z" in lines  # 08:00 in Asia/Shanghai is 00:00 UTC
    assert "DTEND:20251112T090000Z" in lines
    assert "DTSTAMP:20251101T120000Z" in lines
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    unfolded = text.replace("\r\n ", "")
    assert "paid 480 min\\, breaks 12:00-13:00" in unfolded  # commas escaped in TEXT values
    assert len({line for line in lines if line.startswith("UID:")}) == 2


def test_long_lines_are_folded_without_splitting_characters(center):
    shifts = _shifts([("A01", "2025-11-12", "day", "2025-11-12 08:00", "2025-11-12 17:00", 480, "12:00-13:00")])
    long_name = center.config.model_copy(update={"name": "旗舰店客服中心 " * 8})
    wide = type(center)(config=long_name, source=center.source, agents=center.agents, time_off=center.time_off)
    text = agent_calendars(wide, shifts, dt.datetime(2025, 11, 1, tzinfo=dt.UTC))["A01"]
    for line in text.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75
        line.encode("utf-8").decode("utf-8")
    assert "旗舰店客服中心 " * 8 in text.replace("\r\n ", "")


def test_daily_rows_carry_overtime_rest_day_and_holiday_minutes(center):
    # Monday 2025-09-29 to Saturday 2025-10-04: six 8 h days, 1-3 Oct statutory holidays (24 h at the holiday rate);
    # the other three days are 24 h, under the 40 h standard week: no overtime.
    days = pd.date_range("2025-09-29", periods=6)
    rows = [("A01", f"{d:%Y-%m-%d}", "day", f"{d:%Y-%m-%d} 08:00", f"{d:%Y-%m-%d} 17:00", 480, "12:00-13:00") for d in days]
    table = daily_hours(center, _shifts(rows))
    assert table.holiday_minutes.tolist() == [0, 0, 480, 480, 480, 0]
    assert table.overtime_minutes.sum() == 0 and table.rest_day_minutes.sum() == 0
    # The week after: six 8 h days, 8 h over the 40 h week on a sixth day: a rest day worked, on the last shift.
    later = pd.date_range("2025-11-10", periods=6)
    rows = [("A01", f"{d:%Y-%m-%d}", "day", f"{d:%Y-%m-%d} 08:00", f"{d:%Y-%m-%d} 17:00", 480, "12:00-13:00") for d in later]
    table = daily_hours(center, _shifts(rows))
    assert table.rest_day_minutes.tolist() == [0, 0, 0, 0, 0, 480]
    assert table.overtime_minutes.sum() == 0 and table.holiday_minutes.sum() == 0
