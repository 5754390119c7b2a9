"""Rules for imperfect exports and event files, on small synthetic histories."""

import datetime

import numpy as np
import pandas as pd
import pytest
from synthetic import synthetic_history

from forecasts import DataError, Event, chinese_holidays, forecast_contacts, read_history, validate_history
from forecasts.event_checks import event_warnings


def daily(table):
    return table.groupby([table.queue, table.interval_start.dt.normalize()]).contacts.sum()


def test_explicit_zero_rows_in_closed_hours_stay_closed():
    frame = synthetic_history(days=84, interval_minutes=30, open_hours=(8, 20), seed=3)
    stamps = pd.date_range("2024-01-01", periods=84 * 48, freq="30min")
    zeros = pd.DataFrame({"queue": "chat", "interval_start": stamps, "contacts": 0.0, "aht_seconds": np.nan})
    zeros = zeros[~zeros.interval_start.isin(frame.interval_start)]
    history = validate_history(pd.concat([frame.drop(columns="expected_contacts"), zeros]))
    assert not history.warnings
    forecast = forecast_contacts(history, [], datetime.date(2024, 3, 25), 7).table
    assert forecast.interval_start.dt.hour.between(8, 19).all() and len(forecast) == 7 * 24


def test_left_out_zero_rows_are_zeros_not_closed_hours():
    frame = synthetic_history(days=84, interval_minutes=60, seed=4)
    frame["contacts"] = np.where(frame.interval_start.dt.hour.between(2, 5), frame.contacts // 12, frame.contacts)
    frame = frame[frame.contacts > 0]
    history = validate_history(frame.drop(columns="expected_contacts"))
    assert any("no zero-contact rows" in w for w in history.warnings)
    forecast = forecast_contacts(history, [], datetime.date(2024, 3, 25), 7).table
    assert len(forecast) == 7 * 24  # the night stays open
    night = forecast[forecast.interval_start.dt.hour.between(2, 5)]
    assert (night.contacts_hi > 0).all()


def test_night_rows_missing_some_weeks_keep_the_nights():
    frame = synthetic_history(days=112, interval_minutes=60, seed=5)
    week = (frame.interval_start - pd.Timestamp("2024-01-01")).dt.days // 7
    frame = frame[~((frame.interval_start.dt.hour < 7) & (week % 2 == 1))]
    truth = synthetic_history(days=119, interval_minutes=60, seed=5)
    forecast = forecast_contacts(validate_history(frame.drop(columns="expected_contacts")), [], datetime.date(2024, 4, 22), 7).table
    assert len(forecast) == 7 * 24
    expected = truth[truth.interval_start >= "2024-04-22"].expected_contacts.sum()
    assert forecast.contacts.sum() == pytest.approx(expected, rel=0.05)


def test_missing_event_day_is_a_gap_not_a_closure():
    sale_days = ("2024-02-15", "2024-03-15", "2024-04-15", "2024-05-15")
    frame = synthetic_history(days=150, lift={d: 2.0 for d in sale_days}, seed=6)
    frame = frame[frame.interval_start.dt.normalize() != pd.Timestamp("2024-04-15")]
    events = [Event(name="sale", kind="promotion", start=d, end=d) for d in sale_days]
    forecast = forecast_contacts(validate_history(frame[frame.interval_start < "2024-05-10"]), events, datetime.date(2024, 5, 10), 7).table
    total = daily(forecast)[("chat", pd.Timestamp("2024-05-15"))]
    truth = frame[frame.interval_start.dt.normalize() == pd.Timestamp("2024-05-15")].expected_contacts.sum()
    assert total == pytest.approx(truth, rel=0.1)


def test_event_closing_the_queue_every_time_is_a_closure():
    holidays = ("2024-02-10", "2024-03-10", "2024-04-10", "2024-05-12")
    frame = synthetic_history(days=150, seed=6)
    frame = frame[~frame.interval_start.dt.normalize().isin(pd.to_datetime(holidays))]
    events = [Event(name="holiday", kind="holiday", start=d, end=d) for d in holidays]
    forecast = forecast_contacts(validate_history(frame[frame.interval_start < "2024-05-10"]), events, datetime.date(2024, 5, 10), 7).table
    totals = daily(forecast)
    assert totals[("chat", pd.Timestamp("2024-05-12"))] < 0.1 * totals[("chat", pd.Timestamp("2024-05-11"))]


def test_queue_with_a_few_days_does_not_stop_the_others():
    old = synthetic_history(days=120, queues=("chat",), seed=1)
    new = synthetic_history(start="2024-04-20", days=10, queues=("new",), seed=2)
    tiny = synthetic_history(start="2024-04-27", days=3, queues=("tiny",), seed=3)
    history = validate_history(pd.concat([old, new, tiny]).drop(columns="expected_contacts"))
    result = forecast_contacts(history, [], datetime.date(2024, 4, 30), 7)
    assert set(result.table.queue) == {"chat", "new"}
    assert any("queue new: only 10 days" in w for w in result.warnings)
    assert any("queue tiny: only 3 day(s)" in w and "not forecast" in w for w in result.warnings)
    from forecasts import backtest

    table = backtest(history, [], days=7, folds=2, on_warning=lambda warning: None)
    assert set(table.queue) >= {"chat", "all"}


def test_silent_queue_is_not_forecast():
    chat = synthetic_history(days=120, queues=("chat",), seed=1)
    gone = synthetic_history(days=60, queues=("gone",), seed=2)
    result = forecast_contacts(validate_history(pd.concat([chat, gone])), [], datetime.date(2024, 4, 30), 7)
    assert set(result.table.queue) == {"chat"}
    assert any("queue gone: no contacts since 2024-02-29" in w for w in result.warnings)


def test_level_shift_is_followed_and_flagged():
    frame = synthetic_history(days=120, seed=7)
    later = frame.interval_start >= "2024-04-17"
    frame.loc[later, "contacts"] = (frame.contacts[later] * 1.8).round()
    result = forecast_contacts(validate_history(frame), [], datetime.date(2024, 4, 29), 7)
    assert result.table.contacts.sum() / 7 == pytest.approx(1800, rel=0.06)
    assert any("new level" in w and "2024-04-17" in w for w in result.warnings)


def test_outlier_days_are_listed():
    frame = synthetic_history(days=84, seed=2)
    day = frame.interval_start.dt.normalize() == pd.Timestamp("2024-03-06")
    frame.loc[day, "contacts"] = (frame.contacts[day] * 0.2).round()
    result = forecast_contacts(validate_history(frame), [], datetime.date(2024, 3, 25), 7)
    assert any("outliers" in w and "2024-03-06" in w for w in result.warnings)


def test_band_never_closed_where_the_queue_is_open():
    frame = synthetic_history(days=60, interval_minutes=15, seed=8)
    frame["contacts"] = np.random.default_rng(8).poisson(frame.expected_contacts / 40).astype(float)  # mostly 0 or 1
    forecast = forecast_contacts(validate_history(frame), [], datetime.date(2024, 3, 1), 7).table
    assert (forecast.contacts_hi >= 1).all()
    assert (forecast.contacts_hi / forecast.contacts.clip(lower=0.05)).max() < 100


def test_event_order_does_not_change_the_forecast():
    """A sale with a midnight rush and a payday without one fall on the same future day: the shape is the
    sale's (the larger effect) whichever is listed first."""
    sale_days = ("2024-02-15", "2024-03-15", "2024-04-15", "2024-05-15")
    paydays = ("2024-02-01", "2024-03-01", "2024-04-01", "2024-05-01", "2024-05-15")
    frame = synthetic_history(days=150, lift={d: 2.0 for d in sale_days} | {d: 1.1 for d in paydays[:-1]}, rush_dates=sale_days, seed=9)
    events = [Event(name="sale", kind="promotion", start=d, end=d) for d in sale_days]
    events += [Event(name="payday", kind="campaign", start=d, end=d) for d in paydays]
    history = validate_history(frame[frame.interval_start < "2024-05-10"])
    one = forecast_contacts(history, events, datetime.date(2024, 5, 10), 7).table
    two = forecast_contacts(history, events[::-1], datetime.date(2024, 5, 10), 7).table
    pd.testing.assert_frame_equal(one, two)
    day = one[one.interval_start.dt.normalize() == pd.Timestamp("2024-05-15")]
    assert day.contacts.iloc[0] > 3 * day.contacts.iloc[1:4].mean()  # the midnight rush


def test_overlapping_events_do_not_add_up_their_aht():
    sale_days = ("2024-02-15", "2024-03-15", "2024-04-15", "2024-05-15")
    frame = synthetic_history(days=150, aht_lift={d: 1.15 for d in sale_days}, seed=10)
    events = [Event(name=name, kind="promotion", start=d, end=d) for d in sale_days for name in ("sale", "brand_day")]
    forecast = forecast_contacts(validate_history(frame[frame.interval_start < "2024-05-10"]), events, datetime.date(2024, 5, 10), 7).table
    aht = forecast.set_index("interval_start").aht_seconds
    assert aht[pd.Timestamp("2024-05-15 12:00")] / aht[pd.Timestamp("2024-05-14 12:00")] == pytest.approx(1.15, rel=0.04)


def test_blank_recent_aht_falls_back_with_a_warning():
    frame = synthetic_history(days=84, seed=11)
    frame.loc[frame.interval_start >= "2024-03-04", "aht_seconds"] = np.nan
    result = forecast_contacts(validate_history(frame), [], datetime.date(2024, 3, 25), 7)
    assert result.table.aht_seconds.between(250, 350).all()
    assert any("aht_seconds is empty from 2024-03-04" in w for w in result.warnings)


def test_short_forecast_uses_week_long_folds():
    messages = []
    history = validate_history(synthetic_history(days=150, seed=12))
    forecast_contacts(history, [], datetime.date(2024, 5, 30), 1, progress=messages.append)
    folds = [m for m in messages if "backtest fold" in m]
    assert 4 <= len(folds) <= 10


def test_gap_before_the_start_is_warned():
    history = validate_history(synthetic_history(days=100, seed=13))
    result = forecast_contacts(history, [], datetime.date(2024, 6, 1), 7)
    assert any("ends on 2024-04-09, 52 days before the forecast start" in w for w in result.warnings)


def test_mixed_interval_lengths_are_summed_to_the_coarsest():
    chat = synthetic_history(days=28, queues=("chat",), interval_minutes=15, seed=1)
    voice = synthetic_history(days=28, queues=("voice",), interval_minutes=30, seed=2)
    history = validate_history(pd.concat([chat, voice]).drop(columns="expected_contacts"))
    assert history.interval_minutes == 30
    assert history.table[history.table.queue == "chat"].contacts.sum() == chat.contacts.sum()
    assert not history.table.interval_start.dt.minute.isin([15, 45]).any()
    assert any("chat (15 min) summed to 30-minute" in w for w in history.warnings)


def test_mixed_utc_offsets_name_the_row(tmp_path):
    path = tmp_path / "history.csv"
    path.write_text("queue,interval_start,contacts\nq,2025-01-01 00:00+08:00,3\nq,2025-01-01 01:00+00:00,4\n")
    with pytest.raises(DataError, match="row 3, column interval_start.*another UTC offset"):
        read_history(path)


def test_event_queue_not_in_history_is_warned():
    events = [Event(name="live", kind="campaign", start="2025-03-01", end="2025-03-01", queues=("presales-chat", "vip_chat"))]
    (warning,) = event_warnings(events, ["presales_chat", "vip_chat"], datetime.date(2025, 3, 1), datetime.date(2025, 3, 7))
    assert "'presales-chat'" in warning and "Did you mean presales_chat?" in warning


def test_yearly_event_missing_for_the_forecast_year_is_warned():
    events = [Event(name="double11", kind="promotion", start=f"{y}-11-11", end=f"{y}-11-11") for y in (2023, 2024)]
    (warning,) = event_warnings(events, ["chat"], datetime.date(2025, 11, 1), datetime.date(2025, 11, 30))
    assert "'double11' is listed for 2023, 2024 but not for 2025" in warning
    assert not event_warnings(events, ["chat"], datetime.date(2025, 6, 1), datetime.date(2025, 6, 30))


def test_public_holidays_past_the_library_are_warned():
    events = chinese_holidays([2024, 2025, 2026])[0]
    warnings = event_warnings(events, ["chat"], datetime.date(2027, 1, 20), datetime.date(2027, 2, 20))
    assert any("'spring_festival'" in w and "2027" in w and "chinesecalendar" in w for w in warnings)
