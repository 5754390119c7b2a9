import datetime
import time

import numpy as np
import pandas as pd
from synthetic import synthetic_history

from forecasts import FORECAST_COLUMNS, backtest, forecast_contacts, validate_history, wape


def test_forecast_contract_and_closed_hours():
    history = validate_history(
        synthetic_history(days=84, queues=("chat", "voice"), interval_minutes=30, open_hours=(7, 21), weekdays_only=True, seed=1)
    )
    forecast = forecast_contacts(history, [], datetime.date(2024, 3, 25), 14).table
    assert list(forecast.columns) == FORECAST_COLUMNS
    assert not forecast[["contacts", "contacts_lo", "contacts_hi", "aht_seconds"]].isna().any().any()
    assert (forecast.contacts_lo <= forecast.contacts).all() and (forecast.contacts <= forecast.contacts_hi).all()
    hours = forecast.interval_start.dt.hour
    assert hours.min() == 7 and hours.max() == 20  # no invented volume at night
    assert (forecast.interval_start.dt.day_of_week < 5).all()  # nor at weekends
    assert len(forecast) == 2 * 10 * 28
    again = forecast_contacts(history, [], datetime.date(2024, 3, 25), 14).table
    pd.testing.assert_frame_equal(forecast, again)


def test_outage_day_is_not_learned():
    frame = synthetic_history(days=84, seed=2)
    outage = frame.interval_start.dt.normalize() == pd.Timestamp("2024-03-18")  # the last Monday
    frame.loc[outage, "contacts"] = (frame.loc[outage, "contacts"] * 0.2).round()
    history = validate_history(frame)
    forecast = forecast_contacts(history, [], datetime.date(2024, 3, 25), 7).table
    monday = forecast[forecast.interval_start.dt.normalize() == pd.Timestamp("2024-03-25")].contacts.sum()
    assert abs(monday / 1150 - 1) < 0.05


def test_accuracy_and_calibration_on_synthetic_series():
    generated = synthetic_history(days=150, seed=7)
    history = validate_history(generated)
    forecast = forecast_contacts(history.table[history.table.interval_start < "2024-05-01"], [], datetime.date(2024, 5, 1), 28).table
    actual = generated[generated.interval_start >= "2024-05-01"].merge(forecast, on=["queue", "interval_start"], suffixes=("", "_f"))
    assert len(actual) == 28 * 24
    noise_floor = wape(actual.contacts, actual.expected_contacts)
    assert wape(actual.contacts, actual.contacts_f) < 1.1 * noise_floor
    inside = ((actual.contacts >= actual.contacts_lo) & (actual.contacts <= actual.contacts_hi)).mean()
    assert 0.65 < inside < 0.95
    assert np.allclose(actual.aht_seconds_f, actual.aht_seconds, rtol=0.05)


def test_backtest_table():
    history = validate_history(synthetic_history(days=120, seed=8))
    table = backtest(history, [], days=7, folds=2)
    assert set(table.method) == {"model", "seasonal_naive", "weekday_mean_4w"}
    assert set(table.queue) == {"chat", "all"}
    model = table[(table.queue == "all") & (table.method == "model")].iloc[0]
    naive = table[(table.queue == "all") & (table.method == "seasonal_naive")].iloc[0]
    assert model.interval_wape < naive.interval_wape
    assert 0 < model.coverage_80 <= 1


def test_band_scales_with_over_dispersed_interval_counts():
    """Interval counts with 20% extra noise: the band holds for busy and quiet intervals alike."""
    generated = synthetic_history(days=150, seed=11)
    rng = np.random.default_rng(11)
    generated["contacts"] = rng.poisson(generated.expected_contacts * rng.gamma(25, 1 / 25, len(generated))).astype(float)
    history = validate_history(generated.drop(columns="expected_contacts"))
    forecast = forecast_contacts(history.table[history.table.interval_start < "2024-05-01"], [], datetime.date(2024, 5, 1), 28).table
    actual = generated[generated.interval_start >= "2024-05-01"].merge(forecast, on=["queue", "interval_start"], suffixes=("", "_f"))
    actual["inside"] = (actual.contacts >= actual.contacts_lo) & (actual.contacts <= actual.contacts_hi)
    busy = actual.expected_contacts > actual.expected_contacts.quantile(2 / 3)
    assert 0.7 < actual.inside.mean() < 0.9
    assert 0.68 < actual.inside[busy].mean() < 0.92 and 0.65 < actual.inside[~busy].mean() < 0.95


def test_a_spent_time_limit_skips_the_backtests_and_says_so_but_a_deterministic_one_never_cuts():
    from staffcast.deadline import Deadline

    history = validate_history(synthetic_history(days=84, queues=("chat", "voice"), seed=3))
    start = datetime.date(2024, 3, 25)
    spent = Deadline(0.001)
    time.sleep(0.01)
    cut = forecast_contacts(history, [], start, 7, deadline=spent)
    assert {choice.fold_daily_wape for choice in cut.models.values()} == {None}
    assert sum("ran out before this queue's backtest" in w for w in cut.warnings) == 2
    whole = forecast_contacts(history, [], start, 7)
    assert all(choice.fold_daily_wape is not None for choice in whole.models.values()) and not any("ran out" in w for w in whole.warnings)
    repeated = forecast_contacts(history, [], start, 7, deadline=Deadline(0.001, deterministic=True))
    pd.testing.assert_frame_equal(repeated.table, whole.table)
