"""A planner's forecast adjustments: multiply or set a daily total (spread by the day's own shape), in order,
with errors that name the entry and the field."""

import datetime

import pandas as pd
import pytest
import yaml

from forecasts.adjustments import ForecastAdjustment, adjustment_lines, apply_adjustments, read_adjustments
from staffcast.errors import DataError


@pytest.fixture
def forecast() -> pd.DataFrame:
    """Two queues, three days, four intervals a day with an uneven shape."""
    rows = []
    for queue, scale in (("chat", 1.0), ("voice", 2.0)):
        for day in pd.date_range("2026-11-01", periods=3, freq="D"):
            for hour, share in zip((9, 10, 11, 12), (10.0, 20.0, 30.0, 40.0)):
                contacts = scale * share
                rows.append((queue, day + pd.Timedelta(hours=hour), contacts, 0.8 * contacts, 1.3 * contacts, 300.0))
    return pd.DataFrame(rows, columns=["queue", "interval_start", "contacts", "contacts_lo", "contacts_hi", "aht_seconds"])


def _day(table: pd.DataFrame, queue: str, day: str) -> pd.DataFrame:
    return table[(table.queue == queue) & (table.interval_start.dt.normalize() == pd.Timestamp(day))]


def test_multiply_scales_only_the_queues_and_days_named(forecast):
    change = ForecastAdjustment(queues=("chat",), start=datetime.date(2026, 11, 2), end=datetime.date(2026, 11, 3), multiply=1.15, reason="campaign")
    adjusted, applied = apply_adjustments(forecast, [change], "test")
    changed = (adjusted.queue == "chat") & (adjusted.interval_start >= "2026-11-02")
    for column in ("contacts", "contacts_lo", "contacts_hi"):
        pd.testing.assert_series_equal(adjusted.loc[changed, column], forecast.loc[changed, column] * 1.15)
        pd.testing.assert_series_equal(adjusted.loc[~changed, column], forecast.loc[~changed, column])
    assert applied.iloc[0].days == 2 and applied.iloc[0].contacts_before == 200 and applied.iloc[0].contacts_after == pytest.approx(230)
    assert "campaign" in adjustment_lines(applied)[0] and "x1.15" in adjustment_lines(applied)[0]


def test_set_gives_the_daily_total_with_the_days_own_shape_and_entries_apply_in_order(forecast):
    changes = [
        ForecastAdjustment(start=datetime.date(2026, 11, 1), set=500, reason="last year's figure"),
        ForecastAdjustment(queues=("voice",), start=datetime.date(2026, 11, 1), multiply=2, reason="then doubled"),
    ]
    adjusted, applied = apply_adjustments(forecast, changes, "test")
    chat = _day(adjusted, "chat", "2026-11-01")
    assert chat.contacts.sum() == pytest.approx(500)
    assert list(chat.contacts / chat.contacts.sum()) == pytest.approx([0.1, 0.2, 0.3, 0.4])  # the forecast's own intraday shape
    assert list(chat.contacts_hi / chat.contacts) == pytest.approx([1.3] * 4)  # the band moves with it
    assert _day(adjusted, "voice", "2026-11-01").contacts.sum() == pytest.approx(1000)  # set, then multiplied
    assert _day(adjusted, "voice", "2026-11-02").contacts.sum() == pytest.approx(200)
    assert list(applied.queues) == ["all", "voice"]


def test_an_adjustment_outside_the_forecast_changes_nothing_and_says_so(forecast):
    change = ForecastAdjustment(start=datetime.date(2027, 1, 1), multiply=3, reason="next year")
    adjusted, applied = apply_adjustments(forecast, [change], "test")
    pd.testing.assert_frame_equal(adjusted, forecast)
    assert "nothing changed" in adjustment_lines(applied)[0]


def test_an_unknown_queue_is_an_error_naming_the_entry(forecast):
    change = ForecastAdjustment(queues=("chats",), start=datetime.date(2026, 11, 1), multiply=1.1, reason="typo")
    with pytest.raises(
        DataError, match=r"adjust.yaml: adjustments\[0\], field queues: unknown queue\(s\) chats; the forecast's queues are chat, voice"
    ):
        apply_adjustments(forecast, [change], "adjust.yaml")


@pytest.mark.parametrize(
    ("entry", "field", "words"),
    [
        ({"start": "2026-11-01", "multiply": 1.1}, "reason", "required"),
        ({"start": "2026-11-01", "multiply": 1.1, "reason": "  "}, "reason", "say why"),
        ({"start": "2026-11-01", "multiply": 1.1, "set": 10, "reason": "both"}, "(the entry)", "exactly one of multiply"),
        ({"start": "2026-11-01", "reason": "neither"}, "(the entry)", "exactly one of multiply"),
        ({"start": "2026-11-01", "multiply": -1, "reason": "negative"}, "multiply", "greater than 0"),
        ({"start": "1 Nov", "multiply": 1.1, "reason": "date"}, "start", "not an ISO date"),
        ({"start": "2026-11-05", "end": "2026-11-01", "multiply": 1.1, "reason": "order"}, "(the entry)", "before start"),
        ({"start": "2026-11-01", "multiply": 1.1, "reason": "spelling", "queue": ["chat"]}, "queue", "unknown field"),
    ],
)
def test_a_bad_adjustments_file_names_the_entry_and_the_field(tmp_path, entry, field, words):
    path = tmp_path / "adjust.yaml"
    good = {"start": "2026-11-01", "multiply": 1.1, "reason": "fine"}
    path.write_text(yaml.safe_dump({"adjustments": [good, entry]}), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        read_adjustments(path)
    message = str(caught.value)
    assert f"{path}: adjustments[1], field {field}:" in message and words in message, message


def test_an_adjustments_file_without_the_adjustments_list_says_what_is_expected(tmp_path):
    path = tmp_path / "adjust.yaml"
    path.write_text(yaml.safe_dump([{"start": "2026-11-01", "multiply": 1.1, "reason": "x"}]), encoding="utf-8")
    with pytest.raises(DataError, match="expected one top-level field 'adjustments:'"):
        read_adjustments(path)
