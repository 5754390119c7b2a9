"""A seeded generator of realistic contact history: expected volume and AHT, then over-dispersed noise.

Expected contacts of queue q in the interval starting at day d, slot s:

    daily_contacts[q] * growth(d) * month(d) * weekday[q](d) * event_day[q](d)
                      * intraday[q](s) * event_hour[q](d, s)

where intraday[q] sums to 1 over a day and the event factors come from the effects in
generator.yaml applied to the dates of events.yaml. Observed contacts are gamma-Poisson:
Poisson(expected * D(d) * Q(q, d) * I(q, d, s)) with mean-one gamma factors for the day
(shared by all queues), the queue-day and the interval, so the variance exceeds the mean the
way real contact counts do. Observed AHT is the mean of that interval's handle times.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecasts.events import Event
from scheduler.examples.parameters import Effect, GeneratorParameters, QueueProfile

HISTORY_COLUMNS = ["queue", "interval_start", "contacts", "aht_seconds"]


@dataclass(frozen=True)
class _Grid:
    dates: pd.DatetimeIndex
    interval_minutes: int

    @property
    def slots_per_day(self) -> int:
        return 24 * 60 // self.interval_minutes

    def day_index(self, date: dt.date) -> int:
        return (date - self.dates[0].date()).days


def generate(params: GeneratorParameters, events: list[Event], interval_minutes: int, seed: int) -> pd.DataFrame:
    """Simulate the history of every queue in `params`.

    Returns:
        Columns queue, interval_start, contacts (int), aht_seconds (0 where no contacts) and
        expected_contacts (the noise-free mean); queue by queue, each in time order.
    """
    grid = _Grid(pd.date_range(params.history_start, params.history_end, freq="D"), interval_minutes)
    rng = np.random.default_rng(seed)
    day_factor = rng.gamma(params.day_noise_shape, 1 / params.day_noise_shape, len(grid.dates))
    offsets = np.arange(grid.slots_per_day) * np.timedelta64(interval_minutes, "m")
    starts = (grid.dates.values[:, None] + offsets).ravel().astype("datetime64[ns]")
    frames = []
    for queue_id, profile in params.queues.items():
        day_multiplier, hour_multiplier = _event_multipliers(queue_id, params.effects, events, grid)
        expected = _expected_contacts(params, profile, grid, day_multiplier, hour_multiplier)
        aht_mean = _expected_aht(params, profile, grid, day_multiplier)
        queue_day = rng.gamma(params.queue_day_noise_shape, 1 / params.queue_day_noise_shape, len(grid.dates))
        interval = rng.gamma(params.interval_noise_shape, 1 / params.interval_noise_shape, expected.shape)
        contacts = rng.poisson(expected * (day_factor * queue_day)[:, None] * interval)
        aht = _observed_aht(rng, aht_mean, contacts, profile.aht_cv)
        frames.append(
            pd.DataFrame(
                {
                    "queue": queue_id,
                    "interval_start": starts,
                    "contacts": contacts.ravel(),
                    "aht_seconds": aht.ravel().round(1),
                    "expected_contacts": expected.ravel(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _expected_contacts(
    params: GeneratorParameters, profile: QueueProfile, grid: _Grid, day_multiplier: np.ndarray, hour_multiplier: np.ndarray
) -> np.ndarray:
    """Noise-free contacts per day (rows) and interval (columns)."""
    weekday = np.asarray(profile.weekday_factors) / np.mean(profile.weekday_factors)
    month = np.asarray(params.month_factors) / np.mean(params.month_factors)
    daily = (
        profile.daily_contacts
        * _growth(grid.dates, params.level_date, params.yearly_growth)
        * month[grid.dates.month - 1]
        * weekday[grid.dates.day_of_week]
        * day_multiplier
    )
    shape = _intraday_shape(params.intraday_patterns[profile.intraday], grid.slots_per_day)
    return daily[:, None] * shape[None, :] * hour_multiplier


def _expected_aht(params: GeneratorParameters, profile: QueueProfile, grid: _Grid, day_multiplier: np.ndarray) -> np.ndarray:
    """Mean handle time per day and interval: yearly drift, a daily cycle, longer on busy days."""
    slot_hours = (np.arange(grid.slots_per_day) + 0.5) * grid.interval_minutes / 60
    cycle = 1 + profile.aht_swing * np.cos(2 * np.pi * (slot_hours - profile.aht_peak_hour) / 24)
    busy = 1 + profile.aht_busy_day_uplift * np.clip(day_multiplier - 1, 0, 2)
    drift = _growth(grid.dates, params.level_date, params.aht_yearly_change)
    return profile.aht_seconds * (drift * busy)[:, None] * cycle[None, :]


def _observed_aht(rng: np.random.Generator, aht_mean: np.ndarray, contacts: np.ndarray, cv: float) -> np.ndarray:
    """The average of `contacts` lognormal handle times (moment-matched), 0 where nothing was handled."""
    handled = np.maximum(contacts, 1)
    sigma = np.sqrt(np.log1p(cv**2 / handled))
    noise = np.exp(rng.standard_normal(contacts.shape) * sigma - sigma**2 / 2)
    return np.where(contacts > 0, aht_mean * noise, 0.0)


def _growth(dates: pd.DatetimeIndex, level_date: dt.date, yearly_rate: float) -> np.ndarray:
    years = (dates - pd.Timestamp(level_date)).days.to_numpy() / 365.25
    return (1 + yearly_rate) ** years


def _intraday_shape(hourly_weights: list[float], slots_per_day: int) -> np.ndarray:
    """Hourly weights (read at each hour's middle) interpolated to interval middles; sums to 1."""
    centers = (np.arange(slots_per_day) + 0.5) * 24 / slots_per_day
    shape = np.interp(centers, np.arange(24) + 0.5, hourly_weights, period=24)
    return shape / shape.sum()


def _event_multipliers(queue_id: str, effects: dict[str, list[Effect]], events: list[Event], grid: _Grid) -> tuple[np.ndarray, np.ndarray]:
    """Product of the effects that touch this queue: per day, and per day and interval."""
    day = np.ones(len(grid.dates))
    hour = np.ones((len(grid.dates), grid.slots_per_day))
    slots_per_hour = grid.slots_per_day // 24
    for event in events:
        for effect in effects.get(event.name, ()):
            if effect.queues is not None and queue_id not in effect.queues:
                continue
            first, last = _effect_days(effect, event)
            factors = np.linspace(*effect.multiplier, last - first + 1) if isinstance(effect.multiplier, tuple) else None
            for offset in range(last - first + 1):
                index = grid.day_index(event.start) + first + offset
                if not 0 <= index < len(grid.dates):
                    continue
                day[index] *= effect.multiplier if factors is None else factors[offset]
                for hour_of_day, factor in effect.hours.items():
                    hour[index, hour_of_day * slots_per_hour : (hour_of_day + 1) * slots_per_hour] *= factor
    return day, hour


def _effect_days(effect: Effect, event: Event) -> tuple[int, int]:
    """The effect's first and last day as offsets from the event's start."""
    length = (event.end - event.start).days
    if effect.anchor == "span":
        return 0, length
    shift = 0 if effect.anchor == "start" else length
    return effect.days[0] + shift, effect.days[1] + shift
