"""The generated histories have the contract's shape and the volumes, shares and peaks the examples promise (examples/README.md)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scheduler import examples, load_center
from scheduler.staffing.requirements import compute_requirements

ORDINARY = slice("2026-09-01", "2026-09-14")  # no event touches these days in either example
ORDINARY_2025 = slice("2025-09-01", "2025-09-14")


def _daily(history: pd.DataFrame) -> pd.Series:
    return history.groupby("date").contacts.sum()


def _channel_of(centers, name: str) -> dict[str, str]:
    return {q.id: q.channel for q in centers[name].config.queues}


@pytest.mark.parametrize("name", examples.CENTER_NAMES)
def test_history_has_every_queue_interval_from_2023_to_october_2026(histories, centers, name):
    history = histories[name]
    assert list(history.columns[:5]) == ["queue", "interval_start", "contacts", "aht_seconds", "expected_contacts"]
    expected_starts = pd.date_range("2023-01-01 00:00", "2026-10-31 23:30", freq="30min")
    for queue in centers[name].config.queues:
        starts = history.loc[history.queue == queue.id, "interval_start"]
        assert np.array_equal(starts.to_numpy(), expected_starts.to_numpy(dtype="datetime64[ns]"))
    assert history.contacts.dtype.kind == "i" and (history.contacts >= 0).all()
    handled = history.contacts > 0
    assert (history.aht_seconds[handled] > 0).all() and (history.aht_seconds[~handled] == 0).all()


def test_flagship_volumes(histories):
    daily = _daily(histories["flagship_store"])
    assert 4_600 <= daily[ORDINARY].median() <= 5_600
    assert 3_700 <= daily[ORDINARY_2025].median() <= 4_600
    busy = daily["2025-01-01":"2026-10-31"]
    assert (busy >= 8_000).sum() >= 3, "promotion days reach 8,000+"
    for year in (2024, 2025):
        assert daily[f"{year}-11-11"] >= 2.4 * daily[f"{year}-09-01" : f"{year}-09-20"].median()
        assert daily[f"{year}-11-01"] >= 1.6 * daily[f"{year}-09-01" : f"{year}-09-20"].median(), "payment spike"


def test_flagship_growth_is_18_percent_a_year(histories):
    daily = _daily(histories["flagship_store"])
    ratio = daily[ORDINARY].mean() / daily[ORDINARY_2025].mean()
    assert 1.10 <= ratio <= 1.26


@pytest.mark.parametrize(
    ("name", "shares"),
    [("flagship_store", {"chat": 0.65, "voice": 0.30, "email": 0.05}), ("express_service", {"chat": 0.23, "voice": 0.71, "email": 0.06})],
)
def test_channel_shares(histories, centers, name, shares):
    history = histories[name]
    by_channel = history.groupby(history.queue.map(_channel_of(centers, name))).contacts.sum()
    measured = by_channel / by_channel.sum()
    for channel, share in shares.items():
        assert measured[channel] == pytest.approx(share, abs=0.03)


@pytest.mark.parametrize("year", [2023, 2024, 2025])
def test_flagship_midnight_rush_on_double11(histories, year):
    history = histories["flagship_store"]
    hourly = history.groupby(history.interval_start.dt.floor("h")).contacts.sum()
    normal_hour = hourly[f"{year}-09-01" : f"{year}-09-20 23:00"].mean()
    first_two = hourly[pd.Timestamp(f"{year}-11-11 00:00")], hourly[pd.Timestamp(f"{year}-11-11 01:00")]
    assert first_two[0] >= 4 * normal_hour
    assert sum(first_two) / 2 >= 3 * normal_hour
    ordinary_midnight = hourly[hourly.index.hour == 0][f"{year}-09-01" : f"{year}-09-20"].mean()
    assert first_two[0] >= 6 * ordinary_midnight, "far above an ordinary midnight"


def test_flagship_returns_wave_after_double11(histories):
    history = histories["flagship_store"]
    aftersales = history[history.queue.isin(["aftersales_chat", "aftersales_voice"])]
    daily = _daily(aftersales)
    ordinary = daily["2025-09-01":"2025-09-20"].mean()
    assert daily["2025-11-12":"2025-11-18"].mean() >= 1.4 * ordinary
    assert daily["2025-11-19":"2025-11-25"].mean() >= 1.05 * ordinary
    assert daily["2025-11-28":"2025-12-05"].mean() <= 1.25 * ordinary


@pytest.mark.parametrize(
    ("name", "holiday", "after"),
    [
        ("flagship_store", slice("2025-01-28", "2025-02-04"), slice("2025-02-05", "2025-02-09")),
        ("express_service", slice("2026-02-15", "2026-02-23"), slice("2026-02-24", "2026-02-28")),
    ],
)
def test_spring_festival_dip_then_backlog(histories, name, holiday, after):
    history = histories[name]
    daily = _daily(history)
    month_before = daily[pd.Timestamp(holiday.start) - pd.Timedelta(days=40) : pd.Timestamp(holiday.start) - pd.Timedelta(days=21)].mean()
    assert daily[holiday].mean() <= 0.7 * month_before
    assert daily[after].mean() >= 1.1 * month_before


def test_express_parcel_wave_lags_the_sales_peak(histories):
    history = histories["express_service"]
    tracking = _daily(history[history.queue == "tracking_voice"])
    for year in (2023, 2024, 2025):
        peak = tracking[f"{year}-11-08" : f"{year}-11-25"].idxmax()
        assert 2 <= (peak - pd.Timestamp(f"{year}-11-11")).days <= 5
        assert tracking[peak] >= 1.8 * tracking[f"{year}-09-01" : f"{year}-09-20"].median()


def test_express_ordinary_volume(histories):
    daily = _daily(histories["express_service"])
    assert 5_800 <= daily[ORDINARY].median() <= 7_000


@pytest.mark.parametrize(
    ("name", "queue", "peak_hours"),
    [
        ("flagship_store", "presales_chat", range(20, 23)),
        ("flagship_store", "aftersales_chat", range(20, 23)),
        ("flagship_store", "aftersales_voice", range(9, 17)),
        ("express_service", "tracking_voice", range(9, 17)),
    ],
)
def test_intraday_peaks_differ_by_queue(histories, name, queue, peak_hours):
    history = histories[name]
    one = history[(history.queue == queue) & (history.interval_start >= "2026-09-01") & (history.interval_start < "2026-09-21")]
    hourly = one.groupby(one.interval_start.dt.hour).contacts.sum()
    assert hourly.idxmax() in peak_hours
    assert 0 < hourly[3] < 0.15 * hourly.max(), "open at night, but quiet"


@pytest.mark.parametrize("name", examples.CENTER_NAMES)
def test_noise_is_over_dispersed_and_unbiased(histories, name):
    history = histories[name]
    busy = history[history.expected_contacts > 20]
    ratio = ((busy.contacts - busy.expected_contacts) ** 2 / busy.expected_contacts).mean()
    assert ratio > 1.5, "variance well above Poisson's"
    assert history.contacts.sum() == pytest.approx(history.expected_contacts.sum(), rel=0.02)


def test_aht_is_longer_on_peak_days_and_moves_with_the_hour(histories):
    history = histories["flagship_store"]
    voice = history[(history.queue == "aftersales_voice") & (history.contacts > 0)]

    def mean_aht(frame):
        return (frame.contacts * frame.aht_seconds).sum() / frame.contacts.sum()

    assert mean_aht(voice[voice.date == "2025-11-11"]) >= 1.08 * mean_aht(voice[voice.date.between("2025-09-01", "2025-09-20")])
    ordinary = voice[voice.date.between("2025-09-01", "2025-09-20")]
    by_hour = ordinary.groupby(ordinary.interval_start.dt.hour)[["contacts", "aht_seconds"]].apply(mean_aht)
    assert by_hour[10] >= 1.08 * by_hour[22]


@pytest.mark.parametrize(
    ("name", "peak"), [("flagship_store", slice("2025-11-11", "2025-11-11")), ("express_service", slice("2025-11-13", "2025-11-18"))]
)
def test_headcount_covers_ordinary_weeks_and_is_strained_at_the_peak(histories, centers, name, peak):
    """Paid hours a day the staffing engine asks for (gross of shrinkage, breaks) vs the agents' contract hours."""
    center = centers[name]
    history = histories[name]
    available = sum(min(a.max_hours_per_week, 40) for a in center.agents) / 7

    def paid_hours_needed(days: slice) -> pd.Series:
        frame = history[history.date.between(days.start, days.stop)]
        typical_aht = frame[frame.contacts > 0].groupby("queue").aht_seconds.median()
        workload = pd.DataFrame(
            {
                "queue": frame.queue,
                "interval_start": frame.interval_start,
                "contacts": frame.expected_contacts,
                "aht_seconds": frame.aht_seconds.where(frame.contacts > 0, frame.queue.map(typical_aht)),
            }
        )
        required = compute_requirements(center.config, workload)
        net_hours = required.groupby(required.interval_start.dt.date).agents_required.sum() / 2
        return net_hours / (1 - center.config.staffing.shrinkage) * 8 / 7.5  # 30 min paid break per 8 h

    ordinary = paid_hours_needed(slice("2026-09-07", "2026-09-13"))
    assert ordinary.mean() <= 0.85 * available and ordinary.max() <= 0.95 * available
    assert paid_hours_needed(peak).max() >= 1.3 * available, "the 11.11 season strains the team"


@pytest.mark.parametrize("name", examples.CENTER_NAMES)
def test_same_seed_same_history_other_seed_other_noise(histories, name):
    again = examples.generate_history(name)
    assert again.drop(columns="expected_contacts").equals(histories[name].drop(columns=["expected_contacts", "date"]))
    other = examples.generate_history(name, seed=7)
    assert np.allclose(other.expected_contacts, again.expected_contacts)
    assert not other.contacts.equals(again.contacts)


def test_history_csv_is_written_next_to_the_center(centers):
    path = centers["flagship_store"].path("history")
    written = pd.read_csv(path)
    assert list(written.columns) == ["queue", "interval_start", "contacts", "aht_seconds"]
    assert written.interval_start.iloc[1] == "2023-01-01 00:30"
    assert len(written) == 5 * 48 * 1400
    assert load_center(examples.center_path("flagship_store")).path("history") == path
