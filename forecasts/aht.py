"""Average handle time per queue and interval: time-of-day shape by weekday, and peak-day effects.

The normal AHT of a slot is the contact-weighted mean over the same weekdays of the last weeks that
have AHT, shrunk toward the weekday class (Monday-Friday or weekend). On event days AHT moves by a factor
learned from past occurrences (ratio of the day's AHT to that of the normal days around it), shrunk
by noise; of several events on one day, the largest factor applies.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecasts.profiles import weekday_class

POOL_WEIGHT_DAYS = 2.0
AHT_WEEKS = 8  # handle times drift: the normal AHT comes from the last weeks only
AROUND_DAYS = 28  # an event day's AHT is compared with the normal days this many days around it
STALE_AHT_DAYS = 7  # AHT missing on more of the newest days than this: the forecast uses older weeks, with a warning


class HandleTimes:
    """AHT model of one queue from days x slots matrices of contacts and AHT (NaN where unknown)."""

    def __init__(self, counts: np.ndarray, aht_seconds: np.ndarray, dates: pd.DatetimeIndex, usable: np.ndarray, day_keys: pd.DataFrame):
        self.known = bool(np.isfinite(aht_seconds).any())
        self.day_of_week = dates.day_of_week.to_numpy()
        weights = np.where(np.isfinite(aht_seconds) & np.isfinite(counts), np.nan_to_num(counts), 0.0)
        work = np.where(weights > 0, np.nan_to_num(aht_seconds) * weights, 0.0)
        event_dates = set(day_keys.date[day_keys.key.str.startswith(("day-", "end-"))])
        normal = usable & ~dates.isin(list(event_dates))
        with_aht = np.flatnonzero(weights.sum(axis=1) > 0)
        last = with_aht[-1] + 1 if len(with_aht) else len(dates)
        self.stale_since = dates[last] if last < len(dates) and len(dates) - last > STALE_AHT_DAYS else None
        window = np.arange(max(0, last - 7 * AHT_WEEKS), last)  # the last weeks that have AHT
        window = window[normal[window]]
        overall = work[window].sum() / max(weights[window].sum(), 1e-9) if self.known else np.nan
        self.by_weekday = np.full((7, counts.shape[1]), overall)
        for w in range(7):
            same = window[self.day_of_week[window] == w]
            pooled = window[[weekday_class(d) == weekday_class(w) for d in self.day_of_week[window]]]
            pooled_mean = _ratio(work[pooled].sum(axis=0), weights[pooled].sum(axis=0), overall)
            own_days = (weights[same] > 0).sum(axis=0)
            own_mean = _ratio(work[same].sum(axis=0), weights[same].sum(axis=0), pooled_mean)
            self.by_weekday[w] = (own_days * own_mean + POOL_WEIGHT_DAYS * pooled_mean) / (own_days + POOL_WEIGHT_DAYS)
        self.event_log_factor = self._learn_events(work, weights, dates, normal, day_keys) if self.known else {}

    def _learn_events(self, work, weights, dates, normal, day_keys) -> dict[tuple[str, str], float]:
        """Per (event, key): the shrunk mean log ratio of the day's AHT to that of the normal days around it
        (not to today's normal, so that the slow drift of handle times over the years is not read as an effect)."""
        expected = np.einsum("ij,ij->i", self.by_weekday[self.day_of_week], weights)
        done = work.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            day_log_ratio = np.where((expected > 0) & (done > 0), np.log(done / expected), np.nan)
        around = pd.Series(np.where(normal, day_log_ratio, np.nan)).rolling(2 * AROUND_DAYS + 1, center=True, min_periods=5).median()
        day_log_ratio = day_log_ratio - around.ffill().bfill().fillna(0.0).to_numpy()
        recent = np.flatnonzero(normal)[-7 * AHT_WEEKS :]
        sigma = float(np.nanstd(day_log_ratio[recent])) if len(recent) > 2 else 0.05
        keys = day_keys[day_keys.date.isin(dates)]
        keys = keys.assign(value=day_log_ratio[dates.get_indexer(keys.date)]).dropna(subset=["value"])
        stats = keys.groupby(["name", "key"]).value.agg(["mean", "count"])
        mean, n = stats["mean"].to_numpy(), stats["count"].to_numpy()
        shrunk = mean * n * mean**2 / (n * mean**2 + sigma**2 + 1e-12)
        return dict(zip(stats.index, shrunk.tolist()))

    def forecast(self, date: pd.Timestamp, events_on_day: list[tuple[str, str, float]]) -> np.ndarray:
        """AHT seconds per slot for a future date (NaN when the history has no AHT).

        On a day with several events the largest factor of theirs applies: each was learned on its own
        days, which overlap the others', so multiplying them would count the same lift twice."""
        base = self.by_weekday[date.weekday()]
        factors = sorted((self.event_log_factor.get((name, key), 0.0) for name, key, _ in events_on_day), key=lambda f: (-abs(f), f))
        return base * np.exp(factors[0] if factors else 0.0)


def _ratio(numerator: np.ndarray, denominator: np.ndarray, fallback) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        value = numerator / denominator
    return np.where(denominator > 0, value, fallback)
