import datetime

import pandas as pd
import pytest
from synthetic import synthetic_history

from forecasts import DataError, chinese_holidays, forecast_contacts, read_events, validate_history
from forecasts.calendar import event_days


def write(tmp_path, text):
    path = tmp_path / "events.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_read_events_ok(tmp_path):
    path = write(tmp_path, "events:\n  - {name: double11, kind: promotion, start: 2025-11-11, end: 2025-11-11, queues: [chat]}\n")
    (event,) = read_events(path)
    assert event.name == "double11" and event.start == datetime.date(2025, 11, 11) and event.queues == ("chat",)


def test_names_written_as_numbers_are_names(tmp_path):
    path = write(tmp_path, "events:\n  - {name: 618, kind: promotion, start: 2025-06-18, end: 2025-06-18, queues: [2024]}\n")
    (event,) = read_events(path)
    assert event.name == "618" and event.queues == ("2024",)


def test_names_written_as_numbers_work_in_centers_and_scenarios(tmp_path):
    from scheduler.workflows.whatif import Scenario

    assert Scenario.model_validate({"name": 2027, "volume": [{"uplift": 0.1, "event": 618}]}).name == "2027"


@pytest.mark.parametrize(
    "body, expected",
    [
        ("  - {name: x, kind: sale, start: 2025-01-01, end: 2025-01-01}", "events[0] (x), field 'kind'"),
        ("  - {name: x, kind: promotion, start: 2025-13-01, end: 2025-01-01}", "field 'start'"),
        ("  - {name: x, kind: promotion, start: 2025-01-05, end: 2025-01-01}", "end 2025-01-01 is before start"),
        ("  - {name: x, kind: promotion, start: 2025-01-01, end: 2025-01-01, colour: red}", "field 'colour'"),
        (
            "  - {name: a, kind: promotion, start: 2025-01-01, end: 2025-01-01}\n  - {name: b, kind: holiday, start: 01/02/2025, end: 2025-01-02}",
            "events[1] (b), field 'start'",
        ),
    ],
)
def test_read_events_errors_name_event_and_field(tmp_path, body, expected):
    with pytest.raises(DataError) as error:
        read_events(write(tmp_path, "events:\n" + body + "\n"))
    assert expected in str(error.value)


def test_chinese_holidays_and_years_outside_library():
    events, warnings = chinese_holidays([2025, 2031])
    names = {event.name for event in events}
    assert {"spring_festival", "national_day"} <= names
    assert all(event.start.year == 2025 for event in events)
    assert warnings and "2031" in warnings[0]


def test_event_keys_align_both_ends():
    from forecasts import Event

    event = Event(name="sale", kind="promotion", start="2025-10-20", end="2025-11-11")
    days = event_days([event], "chat", datetime.date(2025, 10, 1), datetime.date(2025, 11, 30)).set_index("date").key
    assert days[pd.Timestamp("2025-10-19")] == "pre-1"
    assert days[pd.Timestamp("2025-10-20")] == "day-0"
    assert days[pd.Timestamp("2025-11-11")] == "end-0"
    assert days[pd.Timestamp("2025-11-12")] == "post-1"


def test_event_effect_recovered_from_synthetic_lift():
    """A recurring one-day sale with a known 2.5x lift (1.3x the day after), a midnight rush and 15% longer
    handle times is learned from three past occurrences and applied to the next one."""
    sale_days = ("2024-03-15", "2024-05-15", "2024-07-15", "2024-08-15")
    lift = {d: 2.5 for d in sale_days} | {d[:-2] + "16": 1.3 for d in sale_days}
    history = synthetic_history(start="2024-01-01", days=240, lift=lift, seed=4, rush_dates=sale_days, aht_lift={d: 1.15 for d in sale_days})
    from forecasts import Event

    events = [Event(name="sale", kind="promotion", start=d, end=d) for d in sale_days]
    train = validate_history(history[history.interval_start < "2024-08-10"])
    forecast = forecast_contacts(train, events, datetime.date(2024, 8, 10), 14).table
    daily = forecast.groupby(forecast.interval_start.dt.normalize()).contacts.sum()
    truth = history.groupby(history.interval_start.dt.normalize()).expected_contacts.sum()
    ratio = daily / truth.reindex(daily.index)
    assert ratio[pd.Timestamp("2024-08-15")] == pytest.approx(1.0, rel=0.08)  # the 2.5x lift (with its rush)
    assert ratio[pd.Timestamp("2024-08-16")] == pytest.approx(1.0, rel=0.08)  # the day after, 1.3x
    assert ratio[pd.Timestamp("2024-08-20")] == pytest.approx(1.0, rel=0.06)
    assert truth[pd.Timestamp("2024-08-15")] > 2.5 * truth[pd.Timestamp("2024-08-14")]
    first_hour = forecast[forecast.interval_start.dt.hour == 0]
    first_hour_share = first_hour.set_index(first_hour.interval_start.dt.normalize()).contacts / daily
    assert first_hour_share[pd.Timestamp("2024-08-15")] > 3 * first_hour_share[pd.Timestamp("2024-08-14")]
    aht = forecast.set_index("interval_start").aht_seconds
    assert aht[pd.Timestamp("2024-08-15 12:00")] / aht[pd.Timestamp("2024-08-14 12:00")] == pytest.approx(1.15, rel=0.04)


def test_unseen_event_uses_kind_fallback_and_says_so():
    lift = {"2024-03-15": 2.0, "2024-05-15": 2.0}
    history = validate_history(synthetic_history(start="2024-01-01", days=180, lift=lift, seed=5))
    from forecasts import Event

    events = [Event(name="sale", kind="promotion", start=d, end=d) for d in ("2024-03-15", "2024-05-15")]
    events.append(Event(name="brand_day", kind="promotion", start="2024-07-03", end="2024-07-03"))
    result = forecast_contacts(history, events, datetime.date(2024, 6, 29), 7)
    assert any("brand_day" in w and "typical promotion effect" in w for w in result.warnings)
    forecast = result.table
    daily = forecast.groupby(forecast.interval_start.dt.normalize()).contacts.sum()
    assert daily[pd.Timestamp("2024-07-03")] > 1.5 * daily[pd.Timestamp("2024-07-02")]


def test_an_unseen_events_wider_band_covers_its_own_days_only():
    """An event without a past occurrence may move its own days by anything (a wider band there), but the days
    around it only as its kind's effect there says: listing it leaves the band of the days before it as it was."""
    lift = {"2024-03-15": 2.0, "2024-05-15": 2.0}
    history = validate_history(synthetic_history(start="2024-01-01", days=180, lift=lift, seed=5))
    from forecasts import Event

    seen = [Event(name="sale", kind="promotion", start=d, end=d) for d in ("2024-03-15", "2024-05-15")]
    unseen = Event(name="brand_day", kind="promotion", start="2024-07-03", end="2024-07-03")

    def relative_width(events) -> pd.Series:
        table = forecast_contacts(history, events, datetime.date(2024, 6, 29), 7).table
        by_day = table.groupby(table.interval_start.dt.normalize())
        return (by_day.contacts_hi.sum() - by_day.contacts_lo.sum()) / by_day.contacts.sum()

    without, listed = relative_width(seen), relative_width(seen + [unseen])
    assert listed[pd.Timestamp("2024-07-03")] > 1.5 * without[pd.Timestamp("2024-07-03")]
    for day in ("2024-06-30", "2024-07-01", "2024-07-02"):
        assert listed[pd.Timestamp(day)] == pytest.approx(without[pd.Timestamp(day)], rel=0.1)
