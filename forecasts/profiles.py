"""Intraday profiles: how a day's contacts spread over its intervals, by day type.

A normal day's profile is the mean share per slot over the last weeks' same weekdays, shrunk toward
the profile of its class (Monday-Friday or weekend), itself shrunk toward the profile of all days, each
step only as far as the difference stands out of what the number of days behind each mean leaves as
noise (empirical Bayes): weekdays that share a shape pool all their days, while a short Friday or a
closed Saturday morning keeps its own.
An event day (e.g. 11.11 with its midnight rush, a Spring Festival day) adds the mean deviation its
past occurrences showed from their own normal profile, kept only as far as it stands out of the
day-to-day noise (a James-Stein style shrinkage).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

PROFILE_WEEKS = 16  # a season of normal days; the weekday shrinkage keeps a weekday's own shape where it has one
MIN_POOLED_DAYS = 4  # fewer normal days of the class before a day: its normal shape also looks at the weeks after
EVENT_PROFILE_KEYS_AROUND = ("pre-1", "post-1")  # besides the days inside the event


def weekday_class(weekday: int) -> int:
    """0 for Monday-Friday, 1 for the weekend."""
    return int(weekday >= 5)


class IntradayProfiles:
    """Profiles for one queue, learned from a days x slots matrix of contacts.

    Args:
        counts: contacts per (day, slot), NaN where no row (closed or missing).
        dates: the calendar dates of the rows of `counts`.
        usable: days clean and complete enough to learn shapes from.
        open_slots: bool[7, slots], the queue's opening hours per weekday.
        day_keys: `calendar.event_days` rows for the queue (learning and future days).
    """

    def __init__(self, counts: np.ndarray, dates: pd.DatetimeIndex, usable: np.ndarray, open_slots: np.ndarray, day_keys: pd.DataFrame):
        totals = np.nansum(counts, axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            self.shares = np.nan_to_num(counts) / totals[:, None]
        self.dates = dates
        self.day_of_week = dates.day_of_week.to_numpy()
        self.open_slots = open_slots
        event_dates = set(day_keys.date[day_keys.key.str.startswith(("day-", "end-")) | day_keys.key.isin(EVENT_PROFILE_KEYS_AROUND)])
        self.normal = usable & (totals > 0) & ~dates.isin(list(event_dates))
        self.usable = usable & (totals > 0)
        self.totals = totals
        self.day_keys = day_keys
        self._normal_cache: dict[tuple[int, int], np.ndarray] = {}
        self._variance_cache: dict[tuple[int, bool], np.ndarray] = {}
        self.event_deltas = self._learn_event_deltas()

    def normal_profile(self, weekday: int, end: int | None = None) -> np.ndarray:
        """Share per slot on a normal day of `weekday`, from the weeks before day index `end`."""
        end = len(self.dates) if end is None else end
        cached = self._normal_cache.get((weekday, end))
        if cached is not None:
            return cached
        window = self._normal_days_around(end)
        same = window[self.day_of_week[window] == weekday]
        pooled = window[[weekday_class(w) == weekday_class(weekday) for w in self.day_of_week[window]]]
        after = len(pooled) < MIN_POOLED_DAYS  # a history starting on a holiday: the weeks after it tell the normal shape
        if after:
            window = self._normal_days_around(end, after=True)
            same = window[self.day_of_week[window] == weekday]
            pooled = window[[weekday_class(w) == weekday_class(weekday) for w in self.day_of_week[window]]]
        mask = self.open_slots[weekday]
        if len(window) == 0:
            profile = mask / max(mask.sum(), 1)
        else:
            if (end, after) not in self._variance_cache:  # the same window serves every weekday
                self._variance_cache[(end, after)] = _day_variance(self.shares[window], self.day_of_week[window])
            noise = self._variance_cache[(end, after)]
            profile = self.shares[window].mean(axis=0)
            for days, wider in ((pooled, len(window)), (same, len(pooled))):
                profile = _shrunk_toward(self.shares[days], profile, wider, noise)
        profile = _normalized(profile * mask, mask)
        self._normal_cache[(weekday, end)] = profile
        return profile

    def _normal_days_around(self, end: int, after: bool = False) -> np.ndarray:
        """Normal days in the PROFILE_WEEKS weeks before day index `end` (and after it too, if `after`)."""
        stop = min(len(self.dates), end + 7 * PROFILE_WEEKS) if after else end
        window = np.arange(max(0, end - 7 * PROFILE_WEEKS), stop)
        return window[self.normal[window]]

    def day_noise(self, end: int | None = None) -> np.ndarray:
        """Mean squared deviation per slot of normal days' shares from their profile (day-to-day noise)."""
        end = len(self.dates) if end is None else end
        window = np.arange(max(0, end - 7 * PROFILE_WEEKS), end)
        window = window[self.normal[window]]
        if len(window) == 0:
            return np.zeros(self.shares.shape[1])
        deviations = [self.shares[i] - self.normal_profile(int(self.day_of_week[i]), end) for i in window]
        return np.mean(np.square(deviations), axis=0)

    def _learn_event_deltas(self) -> dict[tuple[str, str], np.ndarray]:
        deltas: dict[tuple[str, str], np.ndarray] = {}
        position = dict(zip(self.dates, range(len(self.dates))))
        keys = self.day_keys[self.day_keys.date.isin(self.dates)]
        keys = keys[keys.key.str.startswith(("day-", "end-")) | keys.key.isin(EVENT_PROFILE_KEYS_AROUND)]
        noise = self.day_noise()
        for (name, key), part in keys.groupby(["name", "key"], sort=True):
            rows = [position[d] for d in part.date if self.usable[position[d]]]
            if not rows:
                continue
            observed = np.array([self.shares[i] - self.normal_profile(int(self.day_of_week[i]), i) for i in rows])
            mean = observed.mean(axis=0)
            signal = float(np.sum(mean**2))
            expected_noise = float(np.sum(noise)) / len(rows)
            weight = max(0.0, 1.0 - expected_noise / signal) if signal > 0 else 0.0
            deltas[(name, key)] = weight * mean
        return deltas

    def profile_for(self, date: pd.Timestamp, events_on_day: list[tuple[str, str, float]]) -> np.ndarray:
        """The share per slot for a future date; `events_on_day` lists (name, key, |its own log effect|).

        Of the events on the day with a learned shape, the one whose shape stands out most from a normal
        day wins (ties: the larger effect, then the name), whatever the order the events were listed in."""
        weekday = date.weekday()
        profile = self.normal_profile(weekday)
        mask = self.open_slots[weekday]
        shaped = [
            (float(np.sum(self.event_deltas[(name, key)] ** 2)), effect, name, key)
            for name, key, effect in events_on_day
            if (name, key) in self.event_deltas
        ]
        if not shaped:
            return profile
        _, _, name, key = max(shaped, key=lambda item: (item[0], item[1], item[2], item[3]))
        return _normalized(np.clip(profile + self.event_deltas[(name, key)], 0, None) * mask, mask)


def _day_variance(shares: np.ndarray, day_of_week: np.ndarray) -> np.ndarray:
    """Per slot, the variance of one day's share around the mean of its weekday (pooled over weekdays)."""
    groups = np.unique(day_of_week)
    freedom = len(shares) - len(groups)
    if freedom < 1:
        return np.zeros(shares.shape[1])
    means = np.zeros((7, shares.shape[1]))
    for w in groups:
        means[w] = shares[day_of_week == w].mean(axis=0)
    return np.square(shares - means[day_of_week]).sum(axis=0) / freedom


def _shrunk_toward(shares: np.ndarray, target: np.ndarray, wider_days: int, noise: np.ndarray) -> np.ndarray:
    """The mean of `shares` (some of the `wider_days` days behind `target`) moved toward `target` as far as
    their difference is what noise would make of it (positive-part James-Stein); `target` without days."""
    if len(shares) == 0:
        return target
    difference = shares.mean(axis=0) - target
    signal = float(np.sum(difference**2))
    expected = float(np.sum(noise)) * max(1.0 / len(shares) - 1.0 / max(wider_days, 1), 0.0)
    weight = max(0.0, 1.0 - expected / signal) if signal > 0 else 0.0
    return target + weight * difference


def _normalized(profile: np.ndarray, mask: np.ndarray) -> np.ndarray:
    total = profile.sum()
    if total > 0:
        return profile / total
    return mask / max(mask.sum(), 1)
