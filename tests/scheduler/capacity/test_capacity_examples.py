"""Capacity plans of the built-in examples around 11.11: the peak is covered or its gap reported.

The default run uses last year's simulated actuals (shifted 52 weeks) as a stand-in forecast for
8 weeks; the slow test runs the whole `staffcast capacity` command for 52 weeks with the real forecast.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from typer.testing import CliRunner

from scheduler import examples, load_center
from scheduler.capacity import CAPACITY_COLUMNS, check_capacity, plan_capacity
from scheduler.cli import app

START = dt.date(2026, 11, 1)
DOUBLE11_WEEK = "2026-11-08"
DOUBLE11_MONDAY_WEEK = "2026-11-09"  # the command's weeks start on the first Monday after the history


def last_year_as_forecast(name: str, weeks: int) -> pd.DataFrame:
    """The simulated actuals of the same weeks a year earlier (52 weeks back: same weekdays)."""
    history = examples.generate_history(name)
    shift = pd.Timedelta(weeks=52)
    first = pd.Timestamp(START) - shift
    rows = history[(history.interval_start >= first) & (history.interval_start < first + pd.Timedelta(weeks=weeks))]
    return rows.assign(interval_start=rows.interval_start + shift)[["queue", "interval_start", "contacts", "aht_seconds"]]


@pytest.mark.parametrize("name", examples.CENTER_NAMES)
def test_the_double11_peak_is_covered_or_its_gap_reported(name):
    center = load_center(examples.center_path(name))
    plan = plan_capacity(center, last_year_as_forecast(name, 8), START, 8, time_limit_seconds=20)
    assert check_capacity(plan) == []
    weekly = plan.table.groupby("week").agg(required=("required_fte", "sum"), available=("available_fte", "sum"), gap=("gap", "sum"))
    normal = weekly.required.loc["2026-12-13":].median()
    assert weekly.required[DOUBLE11_WEEK] > 1.2 * normal  # the promotion shows in the requirement
    peak = weekly.loc[DOUBLE11_WEEK]
    assert peak.gap == pytest.approx(max(peak.required - peak.available, 0.0), abs=0.1)
    if peak.gap == 0:
        assert peak.available >= peak.required - 0.05


@pytest.mark.slow
@pytest.mark.parametrize("name", examples.CENTER_NAMES)
def test_capacity_command_plans_a_year_from_the_real_forecast(name, tmp_path):
    result = CliRunner().invoke(app, ["capacity", str(examples.center_path(name)), "--weeks", "52", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(tmp_path / "capacity.csv")
    assert list(table.columns) == CAPACITY_COLUMNS and table.week.nunique() == 52
    assert "independent check" in result.output
    weekly = table.groupby("week").required_fte.sum()
    assert DOUBLE11_MONDAY_WEEK in weekly.nlargest(3).index  # 11.11 is among the year's three busiest weeks
    assert ((table.required_fte - table.available_fte).clip(lower=0) - table.gap).abs().max() < 0.02  # every shortfall reported
