"""Pay rules shared by the checker, evaluation, HR export and capacity: statutory days and a week's pay."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from scheduler.contracts.center import load_center
from scheduler.contracts.pay import china_statutory_days, pay_equivalent_hours

TINY = Path(__file__).parents[1] / "fixtures" / "tiny_center" / "center.yaml"


def test_statutory_days_leave_out_days_in_lieu_and_weekends_of_the_holiday_period():
    days = china_statutory_days()
    assert {dt.date(2026, 10, d) for d in (1, 2, 3)} <= days  # 3 Oct 2026 is a Saturday, but a fixed statutory date
    assert dt.date(2026, 10, 4) not in days  # Sunday inside the National Day period
    assert dt.date(2026, 10, 7) not in days  # a day in lieu
    assert dt.date(2026, 9, 25) in days  # Mid-Autumn, a Friday
    assert dt.date(2026, 11, 11) not in days


def test_a_week_beyond_the_standard_hours_costs_overtime_and_rest_day_rates():
    config = load_center(TINY).config
    assert pay_equivalent_hours(config, 40) == 40
    assert pay_equivalent_hours(config, 20) == 20
    assert pay_equivalent_hours(config, 48) == pytest.approx(40 + 8 * config.costs.rest_day_multiplier)
    standard_36 = config.model_copy(update={"rules": config.rules.model_copy(update={"standard_hours_per_week": 36})})
    assert pay_equivalent_hours(standard_36, 40) == pytest.approx(36 + 4 * config.costs.overtime_multiplier)
