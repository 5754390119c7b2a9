"""Messy exports of the example centers' generated history, as a planner gets them from an ACD.

Each case cuts, thins or bends the noise-free-known example history the way real exports are
damaged, and names the forecast to make: origin, days and the queues to score. The truth of the
forecast window is the generator's (`contacts`, `expected_contacts`), so accuracy can be measured.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from forecasts.events import Event, read_events

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
COLUMNS = ["queue", "interval_start", "contacts", "aht_seconds"]


@dataclass(frozen=True)
class MessyCase:
    """One damaged export: the history to forecast from, the events, the forecast window and its truth."""

    name: str
    history: pd.DataFrame
    events: list[Event]
    start: datetime.date
    days: int
    truth: pd.DataFrame  # queue, interval_start, contacts, expected_contacts over the forecast window
    note: str = ""
    expected_warning: str | None = None  # a phrase the forecast's warnings must contain
    full_history: pd.DataFrame = field(default=None, repr=False)  # the undamaged history before the start


@lru_cache(maxsize=2)
def generated(center: str) -> pd.DataFrame:
    from scheduler.examples import generate_history

    return generate_history(center)


@lru_cache(maxsize=2)
def center_events(center: str) -> tuple[Event, ...]:
    return tuple(read_events(EXAMPLES / center / "events.yaml"))


def _window(frame: pd.DataFrame, first: str | pd.Timestamp, last: str | pd.Timestamp) -> pd.DataFrame:
    """Rows on the calendar days first..last (inclusive)."""
    day = frame.interval_start.dt.normalize()
    return frame[(day >= pd.Timestamp(first)) & (day <= pd.Timestamp(last))]


def _case(
    name: str,
    center: str,
    queues: tuple[str, ...] | None,
    history_first: str,
    start: str,
    days: int,
    damage: Callable[[pd.DataFrame], pd.DataFrame] = lambda frame: frame,
    events: list[Event] | None = None,
    truth_factor: Callable[[pd.DataFrame], pd.Series] | None = None,
    hourly: bool = False,
    **extra,
) -> MessyCase:
    frame = generated(center)
    if queues:
        frame = frame[frame.queue.isin(queues)]
    origin = pd.Timestamp(start)
    full = _window(frame, history_first, origin - pd.Timedelta(days=1))
    truth = _window(frame, origin, origin + pd.Timedelta(days=days - 1))[["queue", "interval_start", "contacts", "expected_contacts"]]
    if truth_factor is not None:
        factor = truth_factor(truth)
        truth = truth.assign(contacts=(truth.contacts * factor).round(), expected_contacts=truth.expected_contacts * factor)
    if hourly:
        full, truth = _hourly(full), _hourly(truth)
    history = damage(full.copy())[COLUMNS].reset_index(drop=True)
    return MessyCase(
        name,
        history,
        list(center_events(center)) if events is None else events,
        origin.date(),
        days,
        truth.reset_index(drop=True),
        full_history=full[COLUMNS].reset_index(drop=True),
        **extra,
    )


def _hourly(frame: pd.DataFrame) -> pd.DataFrame:
    """The same rows summed to 60-minute intervals (AHT weighted by contacts)."""
    aht = frame.aht_seconds.fillna(0) if "aht_seconds" in frame else 0.0
    frame = frame.assign(interval_start=frame.interval_start.dt.floor("60min"), work=frame.contacts * aht)
    summed = frame.groupby(["queue", "interval_start"], as_index=False)[["contacts", "expected_contacts", "work"]].sum()
    return summed.assign(aht_seconds=(summed.work / summed.contacts).where(summed.contacts > 0)).drop(columns="work")


def _drop_days(first: str, last: str) -> Callable[[pd.DataFrame], pd.DataFrame]:
    def damage(frame: pd.DataFrame) -> pd.DataFrame:
        day = frame.interval_start.dt.normalize()
        return frame[(day < pd.Timestamp(first)) | (day > pd.Timestamp(last))]

    return damage


def _drop_zero_rows(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame.contacts > 0]


def _drop_nights_some_weeks(frame: pd.DataFrame) -> pd.DataFrame:
    """Night rows (00:00-06:59) missing in alternate weeks, as when a night export job failed."""
    week = (frame.interval_start - pd.Timestamp("2000-01-03")).dt.days // 7
    night = frame.interval_start.dt.hour < 7
    return frame[~(night & (week % 2 == 0))]


def _level_shift(frame: pd.DataFrame, since: pd.Timestamp, factor: float) -> pd.DataFrame:
    later = frame.interval_start >= since
    frame.loc[later, "contacts"] = (frame.loc[later, "contacts"] * factor).round()
    return frame


def _before(events: tuple[Event, ...], name: str, year: int) -> list[Event]:
    """The events with `name` listed only for the years before `year`."""
    return [e for e in events if not (e.name == name and e.start.year >= year)]


def _retarget(events: tuple[Event, ...], name: str, queues: tuple[str, ...]) -> list[Event]:
    return [e.model_copy(update={"queues": queues}) if e.name == name else e for e in events]


def cases(fast: bool = False) -> list[MessyCase]:
    """The corpus. `fast` keeps the cases small enough for the default test run (fewer queues)."""
    flagship = ("presales_chat", "aftersales_voice") if fast else None
    express = ("vip_business_voice", "tracking_voice") if fast else None
    shift_since = pd.Timestamp("2025-08-15")
    return [
        _case(
            "three_months_presale_running",
            "flagship_store",
            flagship,
            "2025-07-25",
            "2025-10-25",
            21,
            note="3 months; double11's pre-sale started 5 days before the start; no complete past occurrence",
            expected_warning="cannot be known",
        ),
        _case("starts_on_national_day", "flagship_store", flagship, "2024-10-01", "2025-09-25", 21, note="history starts on a holiday"),
        _case("thirteen_months", "flagship_store", flagship, "2024-10-01", "2025-11-01", 30, note="13 months of history"),
        _case("thirteen_months_hourly", "flagship_store", flagship, "2024-10-01", "2025-11-01", 30, hourly=True, note="13 months, 60-minute rows"),
        _case(
            "missing_day_in_event",
            "flagship_store",
            flagship,
            "2024-01-01",
            "2025-11-01",
            30,
            damage=_drop_days("2024-11-05", "2024-11-05"),
            note="2024-11-05 (inside double11) absent from the export",
        ),
        _case(
            "missing_week_livestream",
            "flagship_store",
            ("presales_chat", "vip_chat") if fast else None,
            "2024-12-01",
            "2026-01-05",
            14,
            damage=_drop_days("2025-09-15", "2025-09-21"),
            note="the week of the 2025-09-18 livestream absent; forecast covers the next one",
        ),
        _case(
            "zero_rows_left_out",
            "express_service",
            express,
            "2024-11-01",
            "2025-11-01",
            30,
            damage=_drop_zero_rows,
            note="intervals without contacts not exported",
            expected_warning="no zero-contact rows",
        ),
        _case(
            "nights_missing_some_weeks",
            "flagship_store",
            flagship,
            "2024-11-01",
            "2025-11-01",
            30,
            damage=_drop_nights_some_weeks,
            note="00:00-07:00 rows missing in alternate weeks",
        ),
        _case(
            "level_shift",
            "flagship_store",
            flagship,
            "2024-08-27",
            "2025-08-27",
            14,
            damage=lambda frame: _level_shift(frame, shift_since, 1.8),
            truth_factor=lambda truth: pd.Series(1.8, index=truth.index),
            note="volume x1.8 from 12 days before the end",
            expected_warning="new level",
        ),
        _case(
            "events_past_years_only",
            "flagship_store",
            flagship,
            "2024-06-01",
            "2025-11-01",
            30,
            events=_before(center_events("flagship_store"), "double11", 2025),
            note="double11 listed for 2023 and 2024 only",
            expected_warning="'double11' is listed for 2023, 2024 but not for 2025",
        ),
        _case(
            "event_queue_typo",
            "flagship_store",
            ("presales_chat", "vip_chat") if fast else None,
            "2025-01-01",
            "2026-01-05",
            14,
            events=_retarget(center_events("flagship_store"), "livestream", ("presales-chat", "vip_chat")),
            note="livestream's queues: names presales-chat (no such queue)",
            expected_warning="Did you mean presales_chat?",
        ),
        _case(
            "gap_before_start",
            "flagship_store",
            flagship,
            "2024-06-01",
            "2025-11-01",
            30,
            damage=_drop_days("2025-09-01", "2025-10-31"),
            note="history ends two months before the start",
            expected_warning="days before the forecast start",
        ),
    ]


def evaluate(case: MessyCase, forecast: pd.DataFrame) -> dict[str, float]:
    """Accuracy of a forecast against the case's truth.

    Returns:
        daily_wape, daily_bias, interval_wape, coverage_80, the share of truth intervals with expected contacts >= 1
        that the forecast leaves out, forecasts at under a tenth of that or bands at [0, 0] (dead_share), and the
        median hi / forecast ratio.
    """
    from forecasts.backtesting import bias, wape

    joined = case.truth.merge(forecast, on=["queue", "interval_start"], how="left", suffixes=("", "_f"))
    joined[["contacts_f", "contacts_lo", "contacts_hi"]] = joined[["contacts_f", "contacts_lo", "contacts_hi"]].fillna(0.0)
    daily = joined.groupby([joined.queue, joined.interval_start.dt.normalize()])[["contacts", "contacts_f"]].sum()
    inside = (joined.contacts >= joined.contacts_lo) & (joined.contacts <= joined.contacts_hi)
    possible = joined.expected_contacts >= 1
    busy = joined.contacts_f >= 1
    return {
        "daily_wape": wape(daily.contacts, daily.contacts_f),
        "daily_bias": bias(daily.contacts, daily.contacts_f),
        "interval_wape": wape(joined.contacts, joined.contacts_f),
        "coverage_80": float(inside.mean()),
        "dead_share": float(
            (possible & ((joined.contacts_hi <= 0) | (joined.contacts_f < 0.1 * joined.expected_contacts))).sum() / max(possible.sum(), 1)
        ),
        "hi_ratio": float((joined.contacts_hi[busy] / joined.contacts_f[busy]).median()) if busy.any() else float("nan"),
    }
