"""Long horizons and the number of days asked for: a day's forecast is the same in a short and a long run,
growth is carried a year ahead, and a warning says when the horizon outruns the history; a one-off day
inside an event's window is not repeated at the next occurrence."""

import datetime

import numpy as np
import pandas as pd
import pytest
from synthetic import synthetic_history

from forecasts import Event, forecast_contacts, validate_history

YEARLY_GROWTH = 0.08


def _daily(table: pd.DataFrame) -> pd.Series:
    return table.groupby(table.interval_start.dt.normalize()).contacts.sum()


@pytest.fixture(scope="module")
def growing_history() -> pd.DataFrame:
    """Three years of one queue growing 8% a year (smoothly, no season)."""
    dates = pd.date_range("2023-01-02", periods=3 * 364, freq="D")
    lift = {f"{day:%Y-%m-%d}": (1 + YEARLY_GROWTH) ** (number / 364) for number, day in enumerate(dates)}
    return synthetic_history(start="2023-01-02", days=3 * 364, lift=lift, seed=1)


def test_a_day_is_forecast_the_same_in_a_14_and_a_28_day_run():
    rng = np.random.default_rng(5)
    dates = pd.date_range("2024-01-01", periods=200, freq="D")
    walk = np.exp(np.cumsum(rng.normal(0, 0.02, len(dates))))  # a wandering level, so the models disagree
    history = validate_history(synthetic_history(days=200, lift={f"{d:%Y-%m-%d}": w for d, w in zip(dates, walk)}, seed=5))
    start = datetime.date(2024, 6, 1)
    short = forecast_contacts(history.table[history.table.interval_start < "2024-06-01"], [], start, 14)
    long = forecast_contacts(history.table[history.table.interval_start < "2024-06-01"], [], start, 28)
    both = short.table.merge(long.table, on=["queue", "interval_start"], suffixes=("_14", "_28"))
    assert len(both) == len(short.table)
    for column in ("contacts", "contacts_lo", "contacts_hi", "aht_seconds"):
        np.testing.assert_array_equal(both[f"{column}_14"], both[f"{column}_28"], err_msg=column)


def test_eleven_months_ahead_carries_the_yearly_growth(growing_history):
    history = validate_history(growing_history)
    end = growing_history.interval_start.max().normalize()
    result = forecast_contacts(history, [], (end + pd.Timedelta(days=1)).date(), 336)
    daily = _daily(result.table)
    last_weeks = daily.index[-28:]
    actual = _daily(growing_history)
    same_days_last_year = actual.reindex(last_weeks - pd.Timedelta(days=364))
    ratio = daily[last_weeks].sum() / same_days_last_year.sum()
    assert abs(ratio - (1 + YEARLY_GROWTH)) < 0.03, ratio  # not last year's actuals (ratio 1.0)
    assert not [w for w in result.warnings if "more than a year" in w]


def test_a_warning_says_when_the_horizon_outruns_the_history(growing_history):
    history = validate_history(growing_history)
    end = growing_history.interval_start.max().normalize()
    beyond_a_year = forecast_contacts(history, [], (end + pd.Timedelta(days=1)).date(), 380).warnings
    assert [w for w in beyond_a_year if "more than a year after the history ends" in w and f"{end + pd.Timedelta(days=365):%Y-%m-%d}" in w]
    short = validate_history(growing_history[growing_history.interval_start >= end - pd.Timedelta(days=180)])
    no_past_year = forecast_contacts(short, [], (end + pd.Timedelta(days=1)).date(), 70).warnings
    first_unsupported = end + pd.Timedelta(days=57)
    assert [w for w in no_past_year if "no past year" in w and f"{first_unsupported:%Y-%m-%d} on" in w]
    within = forecast_contacts(short, [], (end + pd.Timedelta(days=1)).date(), 56).warnings
    assert not [w for w in within if "no past year" in w or "more than a year" in w]


@pytest.mark.parametrize("first_day", ["2023-09-04", "2024-11-04"], ids=["two past occurrences", "one past occurrence"])
def test_a_one_off_spike_before_an_event_is_not_repeated_next_year(first_day):
    """An unrecorded typhoon 9 days before Mid-Autumn 2025 (x2.3) must not return 9 days before Mid-Autumn 2026."""
    days = (pd.Timestamp("2026-08-31") - pd.Timestamp(first_day)).days + 1
    lift = {"2024-09-17": 1.5, "2025-10-06": 1.5, "2025-09-27": 2.3}
    history = validate_history(synthetic_history(start=first_day, days=days, lift=lift, seed=2))
    events = [Event(name="mid_autumn", kind="holiday", start=day, end=day) for day in ("2024-09-17", "2025-10-06", "2026-09-25")]
    result = forecast_contacts(history, events, datetime.date(2026, 9, 1), 28)
    daily = _daily(result.table)
    around = daily[[pd.Timestamp("2026-09-14"), pd.Timestamp("2026-09-15"), pd.Timestamp("2026-09-17"), pd.Timestamp("2026-09-18")]].mean()
    assert daily[pd.Timestamp("2026-09-16")] / around < 1.1
    assert daily[pd.Timestamp("2026-09-25")] / around > 1.3  # the holiday's own effect is still learned
    named = [w for w in result.warnings if "2025-09-27" in w]
    assert len(named) == 1 and "pre-9 of mid_autumn" in named[0] and "left out" in named[0]
