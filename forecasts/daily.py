"""Daily totals of one queue split into weekday factors, event effects, outliers and a level.

    daily total = level x weekday factor x event effect (x annual change)

Weekday factors come from the last weeks of clean days; the baseline is a centred rolling median
of the adjusted totals on days without a sizeable learned event effect (so a returns wave after a
peak does not lift the baseline its own effect is measured against); days far from their baseline
that no event explains are outliers (an outage day) and are left out of fitting. Event effects are the mean log ratio of actual to baseline on
past occurrences of the same-named event, per day key (`pre-3`, `day-0`, `post-2`), shrunk toward
the neighbouring days' effect and toward no effect when the occurrences are few or noisy.
Inside event windows a day is an outlier when it stands alone (far above or below both calendar
neighbours) and the event's other occurrences do not show it at the same position: before or after
the event, no other occurrence or one that differs; inside it, at least two others that differ
widely. Such a day (an unrecorded typhoon 9 days before Mid-Autumn) is left out, so that one
occurrence cannot turn it into a recurring effect, and named in a warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from forecasts.calendar import in_event

WEEKDAY_WEEKS = 16  # weeks of history behind the weekday factors
BASELINE_HALF_WINDOW_DAYS = 35  # the baseline is a centred median over +-5 weeks
OUTLIER_SIGMAS = 5.0
OUTLIER_MIN_LOG_RATIO = float(np.log(1.3))
SMOOTH_DAYS = 2  # each key's effect is shrunk toward the mean of the keys this many days around it
QUIET_LOG_EFFECT = 0.05  # days whose learned event effect is larger than this do not set the baseline
LEVEL_SHIFT_MIN_DAYS = 5  # this many newest days in a row far off the same way are a new level
SPIKE_SIGMAS = 3.0  # a key further than this many noise sds from its neighbours keeps its own effect
IN_EVENT_OUTLIER_LOG_RATIO = float(np.log(2.0))  # an event day this far from its other occurrences (two or more) may be an outlier


@dataclass
class EventEffect:
    """A learned event effect: multiplicative factor per day key, and per key the sd of the next occurrence's
    log effect around it (NaN where unknown)."""

    log_effect: dict[str, float]
    log_spread: dict[str, float]


@dataclass
class DailyDecomposition:
    """One queue's daily totals taken apart (all series indexed by calendar date)."""

    totals: pd.Series  # NaN where the day has no (or incomplete) data
    open_weekdays: np.ndarray  # bool[7]
    weekday_factor: np.ndarray  # float[7], mean 1 over open weekdays
    outlier: pd.Series  # bool
    baseline: pd.Series  # centred level of the adjusted totals
    adjusted: pd.Series  # totals / (weekday factor x event effect); NaN where not clean
    effects: dict[str, EventEffect] = field(default_factory=dict)
    level_shift: pd.Timestamp | None = None  # the first day of a new level at the end of the history
    window_outliers: dict[pd.Timestamp, str] = field(default_factory=dict)  # outliers inside event windows -> their position

    def outlier_days(self, kinds_by_date: pd.DatetimeIndex) -> pd.DatetimeIndex:
        """Days left out as outliers outside event windows, except those of outage events (`kinds_by_date`: the outage days)."""
        days = self.outlier.index[self.outlier.to_numpy()]
        return days[~days.isin(kinds_by_date) & ~days.isin(list(self.window_outliers))]


def robust_sd(values: np.ndarray) -> float:
    """1.4826 x the median absolute deviation (a standard deviation that ignores outliers)."""
    values = values[np.isfinite(values)]
    if len(values) < 3:
        return 0.1
    return float(1.4826 * np.median(np.abs(values - np.median(values))))


def decompose(totals: pd.Series, open_weekdays: np.ndarray, days: pd.DataFrame, kinds: dict[str, str], passes: int = 3) -> DailyDecomposition:
    """Split one queue's daily totals (index: every calendar date, NaN = no data) into its parts.

    Args:
        totals: daily totals; NaN for missing or incomplete days, 0 for event days the queue was closed.
        open_weekdays: which weekdays the queue is open.
        days: `calendar.event_days` rows for this queue over the totals' dates.
        kinds: event name -> kind.
    """
    dates = totals.index
    weekday = dates.day_of_week.to_numpy()
    open_day = open_weekdays[weekday]
    day_keys = days[days.date.isin(dates)]
    inside = pd.Series(False, index=dates)
    inside[day_keys.date[in_event(day_keys.key)].unique()] = True
    log_y = np.log(totals + 1.0)
    factor = np.ones(7)
    event_log = pd.Series(0.0, index=dates)
    outlier = pd.Series(False, index=dates)
    effects: dict[str, EventEffect] = {}
    in_window = pd.Series(dates.isin(day_keys.date), index=dates)
    shift_start = None
    window_outliers: dict[pd.Timestamp, str] = {}
    for _ in range(passes):
        clean = open_day & totals.notna().to_numpy() & ~outlier.to_numpy()
        factor = _weekday_factors(log_y - event_log, clean & (np.abs(event_log.to_numpy()) < 0.1) & ~inside.to_numpy(), open_weekdays)
        log_factor = np.log(np.maximum(factor, 1e-9))[weekday]
        adjusted_log = log_y - log_factor - event_log
        quiet = ~inside.to_numpy() & (np.abs(event_log.to_numpy()) < QUIET_LOG_EFFECT)
        baseline_log = _centred_median(adjusted_log.where(clean & quiet))
        ratio = log_y - log_factor - baseline_log
        residual = (ratio - event_log)[clean]
        sigma = max(robust_sd(residual.to_numpy()), 0.01)
        threshold = max(OUTLIER_SIGMAS * sigma, OUTLIER_MIN_LOG_RATIO)
        outlier = open_day & totals.notna() & ((ratio - event_log).abs() > threshold) & ~in_window
        window_outliers = _window_outliers(ratio.where(open_day & totals.notna()), day_keys, threshold)
        outlier |= pd.Series(dates.isin(list(window_outliers)), index=dates)
        shift_start = shift_start or trailing_shift((ratio - event_log).where(open_day & totals.notna()), outlier)
        if shift_start is not None:
            outlier &= dates < shift_start  # the newest days all far off the same way: a new level, not outliers
        outlier |= pd.Series(dates.isin(day_keys.date[(day_keys.kind == "outage") & in_event(day_keys.key)]), index=dates)
        effects = _learn_effects(ratio.where(~outlier), day_keys, sigma, effects, kinds)
        event_log = _apply_effects(dates, day_keys, effects, kinds).log
    clean = open_day & totals.notna().to_numpy() & ~outlier.to_numpy()
    adjusted = np.exp(log_y - np.log(np.maximum(factor, 1e-9))[weekday] - event_log).where(clean & (totals > 0).to_numpy())
    quiet = ~inside & (event_log.abs() < QUIET_LOG_EFFECT)
    baseline = np.exp(_centred_median(np.log(adjusted).where(quiet)))
    return DailyDecomposition(totals, open_weekdays, factor, outlier, baseline, adjusted, effects, shift_start, window_outliers)


def _window_outliers(ratio: pd.Series, day_keys: pd.DataFrame, threshold: float) -> dict[pd.Timestamp, str]:
    """Days inside event windows that stand alone and that the event's other occurrences do not support.

    A day stands alone when its log ratio to the baseline is more than `threshold` above both calendar
    neighbours (or below both). It is supported, and kept, when some event whose window holds it shows the
    same at that position in other occurrences (within `threshold` of their median), or when it lies inside
    that event and fewer than two other occurrences can be compared (a first peak is the event itself) or
    they differ by less than IN_EVENT_OUTLIER_LOG_RATIO.

    Returns:
        date -> where it lies ("pre-9 of mid_autumn").
    """
    if day_keys.empty:
        return {}
    neighbours = pd.concat([ratio.shift(1), ratio.shift(-1)], axis=1)
    alone = ((ratio - neighbours.max(axis=1)) > threshold) | ((neighbours.min(axis=1) - ratio) > threshold)
    candidates = ratio.index[alone.to_numpy() & ratio.notna().to_numpy()]
    found = {}
    for date in candidates[candidates.isin(day_keys.date)]:
        rows = day_keys[day_keys.date == date]
        if (rows.kind == "outage").any():
            continue
        supported = False
        for row in rows.itertuples(index=False):
            same = day_keys[(day_keys.name == row.name) & (day_keys.key == row.key) & (day_keys.occurrence != row.occurrence)]
            others = ratio.reindex(same.date).dropna().to_numpy()
            distance = abs(float(ratio[date]) - float(np.median(others))) if len(others) else np.inf
            if row.key.startswith(("day-", "end-")):
                supported |= len(others) < 2 or distance <= IN_EVENT_OUTLIER_LOG_RATIO
            else:
                supported |= distance <= threshold
        if not supported:
            found[date] = ", ".join(f"{row.key} of {row.name}" for row in rows.itertuples(index=False))
    return found


def trailing_shift(residual: pd.Series, outlier: pd.Series) -> pd.Timestamp | None:
    """The first of the newest days with data when at least LEVEL_SHIFT_MIN_DAYS of them in a row are
    outliers on the same side (the volume moved to a new level), else None."""
    valid = residual.dropna()
    flagged = outlier.reindex(valid.index).to_numpy()
    side = np.sign(valid.to_numpy())
    run = 0
    while run < len(valid) and flagged[-1 - run] and side[-1 - run] == side[-1]:
        run += 1
    return valid.index[-run] if run >= LEVEL_SHIFT_MIN_DAYS else None


def _weekday_factors(log_y: pd.Series, usable: np.ndarray, open_weekdays: np.ndarray) -> np.ndarray:
    """exp(mean log ratio of each weekday to its week's mean) over the last weeks with every open day usable."""
    frame = pd.DataFrame({"log_y": log_y.to_numpy(), "usable": usable}, index=log_y.index)
    frame = frame[frame.index > frame.index[-1] - pd.Timedelta(weeks=WEEKDAY_WEEKS)]
    frame = frame[open_weekdays[frame.index.day_of_week]]
    week = (frame.index - pd.Timestamp("2000-01-03")).days // 7
    ratios = []
    for _, part in frame.groupby(week):
        if len(part) == open_weekdays.sum() and part.usable.all():
            values = np.exp(part.log_y.to_numpy())
            ratios.append(pd.Series(np.log(values / values.mean()), index=part.index.day_of_week))
    factor = np.ones(7)
    if ratios:
        mean_log = pd.concat(ratios).groupby(level=0).mean()
        factor[mean_log.index.to_numpy()] = np.exp(mean_log.to_numpy())
    elif usable.any():
        levels = frame[frame.usable].log_y
        by_day = levels.groupby(levels.index.day_of_week).mean()
        factor[by_day.index.to_numpy()] = np.exp(by_day.to_numpy() - by_day.mean())
    factor[~open_weekdays] = 0.0
    return factor / factor[open_weekdays].mean() if open_weekdays.any() else factor


def _centred_median(log_values: pd.Series) -> pd.Series:
    window = 2 * BASELINE_HALF_WINDOW_DAYS + 1
    level = log_values.rolling(window, center=True, min_periods=5).median()
    return level.ffill().bfill().fillna(0.0)


def _learn_effects(
    log_ratio: pd.Series, day_keys: pd.DataFrame, sigma: float, previous: dict[str, EventEffect], kinds: dict[str, str]
) -> dict[str, EventEffect]:
    """Per event name and key: the mean log ratio over past occurrences, net of the other events, shrunk.

    Names are updated one after the other, each net of the latest effects of the others (backfitting),
    so overlapping windows (National Day's after-days and 11.11's pre-sale) are not counted twice.
    """
    effects = dict(previous)
    if day_keys.empty:
        return effects
    ratio = log_ratio.reindex(day_keys.date).to_numpy()
    own = {name: _own_log(effects.get(name), part) for name, part in day_keys.groupby("name", sort=True)}
    total = pd.Series(0.0, index=log_ratio.index)
    for name, part in day_keys.groupby("name", sort=True):
        np.add.at(total.to_numpy(), log_ratio.index.get_indexer(part.date), own[name])
    for name, part in day_keys.groupby("name", sort=True):
        rows = day_keys.index.get_indexer(part.index)
        net = ratio[rows] - (total.reindex(part.date).to_numpy() - own[name])
        learned = _effect_from(part.assign(net=net), sigma)
        if learned is None:
            effects.pop(name, None)
            new_own = np.zeros(len(part))
        else:
            effects[name] = learned
            new_own = _own_log(learned, part)
        np.add.at(total.to_numpy(), log_ratio.index.get_indexer(part.date), new_own - own[name])
        own[name] = new_own
    return effects


def _own_log(effect: EventEffect | None, part: pd.DataFrame) -> np.ndarray:
    if effect is None:
        return np.zeros(len(part))
    return np.array([effect_for_key(effect.log_effect, key) or 0.0 for key in part.key])


def _effect_from(part: pd.DataFrame, sigma: float) -> EventEffect | None:
    """Mean net log ratio per key, shrunk in two steps (empirical Bayes).

    Each key's raw mean is pulled toward the mean of the keys within SMOOTH_DAYS of it on the same side
    (before / inside from the start / inside from the end / after), as far as the keys' spread around
    that local mean is noise, except spikes far beyond the noise (the 11.11 peak), which keep their own;
    the local mean itself is pulled toward no effect as far as it is noise, counting each occurrence as one
    draw (the days of one occurrence share its baseline's error, so ten days of two occurrences are two
    draws, not twenty).

    Each key seen more than once gets as spread the sd of the next occurrence around its effect: the
    occurrences' variance around their key's mean, pooled over the keys on its side of the event (two
    occurrences give one degree of freedom per key, too few to tell a key's own), times 1 + 1/n for the n
    occurrences behind the mean. A key seen once gets none (NaN): the forecast's band takes half its effect.
    """
    part = part[np.isfinite(part.net)]
    if not in_event(part.key).any():
        return None  # only the days before it so far: not a past occurrence, the kind fallback applies
    keys, inverse = np.unique(part.key.to_numpy().astype(str), return_inverse=True)
    net = part.net.to_numpy()
    count_array = np.bincount(inverse, minlength=len(keys)).astype(float)
    sum_array = np.bincount(inverse, weights=net, minlength=len(keys))
    deviation_array = np.maximum(np.bincount(inverse, weights=net**2, minlength=len(keys)) - sum_array**2 / count_array, 0.0)
    sums, counts, deviations = (dict(zip(keys.tolist(), array.tolist())) for array in (sum_array, count_array, deviation_array))
    smooth_sum, smooth_count, smooth_occurrences = {}, {}, {}
    for key in keys.tolist():
        side, _, number = key.partition("-")
        neighbours = [f"{side}-{int(number) + step}" for step in range(-SMOOTH_DAYS, SMOOTH_DAYS + 1)]
        smooth_sum[key] = sum(sums.get(k, 0.0) for k in neighbours)
        smooth_count[key] = sum(counts.get(k, 0.0) for k in neighbours)
        smooth_occurrences[key] = max(counts.get(k, 0.0) for k in neighbours)
    log_effect, log_spread = {}, {}
    by_side: dict[str, list[str]] = {}
    for key in keys.tolist():
        by_side.setdefault(key.partition("-")[0], []).append(key)
    for side_keys in by_side.values():
        raw = np.array([sums[k] / counts[k] for k in side_keys])
        smooth = np.array([smooth_sum[k] / smooth_count[k] for k in side_keys])
        n = np.array([counts[k] for k in side_keys])
        occurrences = np.array([smooth_occurrences[k] for k in side_keys])
        deviation2 = (raw - smooth) ** 2
        tau2 = max(0.0, float(np.mean(deviation2) - np.mean(sigma**2 / n)))
        spike = deviation2 > SPIKE_SIGMAS**2 * sigma**2 / n  # far beyond noise from its neighbours: keep it
        own_weight = np.where(spike, 1.0, tau2 / (tau2 + sigma**2 / n))
        centre = smooth * occurrences * smooth**2 / (occurrences * smooth**2 + sigma**2)
        values = centre + own_weight * (raw - smooth)
        occurrence_variance = _pooled_variance([deviations[k] for k in side_keys], n)
        for key, value, count in zip(side_keys, values, n):
            log_effect[key] = float(value)
            log_spread[key] = float(np.sqrt(occurrence_variance * (1 + 1 / count))) if count > 1 else np.nan
    return EventEffect(log_effect, log_spread)


def _pooled_variance(deviations: list[float], counts: np.ndarray) -> float:
    """The variance of one occurrence around its key's mean, pooled over keys: summed squared deviations over
    their degrees of freedom (NaN when no key was seen twice)."""
    freedom = float(np.sum(counts - 1))
    return float(np.sum(deviations)) / freedom if freedom > 0 else np.nan


@dataclass
class AppliedEffects:
    """Event effects on some dates: the log effect (events multiply) and spread per date, the names that
    used their kind's effect, the days of events beyond what was seen of them, and each event's own log
    effect per date (name -> Series)."""

    log: pd.Series
    spread: pd.Series
    fallbacks: list[str]
    beyond_seen: dict[str, list[pd.Timestamp]]
    own: dict[str, pd.Series]


def _apply_effects(dates: pd.DatetimeIndex, day_keys: pd.DataFrame, effects: dict[str, EventEffect], kinds: dict[str, str]) -> AppliedEffects:
    """Log event effect per date from the learned effects, with fallbacks for what was not seen.

    A key not seen for the event is interpolated from (or extended beyond) the keys seen on its side of
    the event; with none seen on its side, it takes its kind's typical effect at that key, else the
    last day of the event seen (the part of an occurrence already running, say).
    """
    event_log = np.zeros(len(dates))
    spread = np.zeros(len(dates))
    fallbacks, beyond_seen, own = [], {}, {}
    for (name, kind), part in day_keys.groupby(["name", "kind"], sort=True):
        typical = kind_fallback(kind, {n: e for n, e in effects.items() if n != name}, kinds)
        effect = effects.get(name)
        if effect is None:
            fallbacks.append(name)
            effect = typical
        if effect is None:
            continue
        positions = dates.get_indexer(part.date)
        values, key_spread, extrapolated = [], [], []
        for key in part.key:
            value, seen = effect_for_key(effect.log_effect, key), key in effect.log_effect or _within_seen(effect.log_effect, key)
            if not _side_seen(effect.log_effect, key) and typical is not None and typical is not effect and key in typical.log_effect:
                value, source = typical.log_effect[key], typical
            else:
                source = effect
            values.append(np.nan if value is None else value)
            key_spread.append(source.log_spread.get(key, np.nan))
            extrapolated.append(not seen and value is not None and source is effect and name in effects)
        values = np.array(values, dtype=float)
        key_spread = np.array(key_spread, dtype=float)
        key_spread = np.where(np.isfinite(key_spread), key_spread, 0.5 * np.abs(values))
        keep = (positions >= 0) & np.isfinite(values)
        np.add.at(event_log, positions[keep], values[keep])
        np.maximum.at(spread, positions[keep], key_spread[keep])
        own[name] = pd.Series(values[keep], index=part.date.to_numpy()[keep]).groupby(level=0).sum()
        if any(extrapolated):
            beyond_seen[name] = sorted(part.date[np.array(extrapolated) & in_event(part.key).to_numpy()])
    return AppliedEffects(pd.Series(event_log, index=dates), pd.Series(spread, index=dates), fallbacks, beyond_seen, own)


def _side_seen(log_effect: dict[str, float], key: str) -> bool:
    """Whether some key on the same side of the event (before, from the start, from the end, after) was seen."""
    return any(k.startswith(key[:4]) for k in log_effect)


def _within_seen(log_effect: dict[str, float], key: str) -> bool:
    """Whether an in-event key lies between two keys seen on the same side (interpolated, not extrapolated)."""
    prefix, number = key[:4], key[4:]
    if prefix not in ("day-", "end-"):
        return False
    seen = [int(k[4:]) for k in log_effect if k.startswith(prefix)]
    return bool(seen) and min(seen) < int(number) < max(seen)


def effect_for_key(log_effect: dict[str, float], key: str) -> float | None:
    """The effect for a key. An in-event key not seen is interpolated between the nearest days seen on
    its side of the event, or takes the nearest one seen (a longer occurrence than before); without any
    day seen on its side (only the start of an occurrence so far), the last day seen from the start."""
    if key in log_effect:
        return log_effect[key]
    prefix = key[:4]
    if prefix not in ("day-", "end-"):
        return None
    number = int(key[4:])
    seen = sorted(int(k[4:]) for k in log_effect if k.startswith(prefix))
    if seen:
        return float(np.interp(number, seen, [log_effect[f"{prefix}{n}"] for n in seen]))
    from_start = sorted(int(k[4:]) for k in log_effect if k.startswith("day-"))
    return log_effect[f"day-{from_start[-1]}"] if prefix == "end-" and from_start else None


def kind_fallback(kind: str, effects: dict[str, EventEffect], kinds: dict[str, str]) -> EventEffect | None:
    """The typical effect of a kind: the per-key median over learned events of that kind (None if none)."""
    same = [effects[name] for name in effects if kinds.get(name) == kind]
    if not same:
        return None
    keys = sorted({key for effect in same for key in effect.log_effect})
    log_effect = {key: float(np.median([e.log_effect[key] for e in same if key in e.log_effect])) for key in keys}
    log_spread = {key: float(np.std([e.log_effect[key] for e in same if key in e.log_effect])) for key in keys}
    return EventEffect(log_effect, log_spread)


def event_effect_on(dates: pd.DatetimeIndex, day_keys: pd.DataFrame, decomposition: DailyDecomposition, kinds: dict[str, str]) -> AppliedEffects:
    """Future log event effects for `dates` from the learned effects (with kind fallbacks)."""
    return _apply_effects(dates, day_keys[day_keys.date.isin(dates)], decomposition.effects, kinds)
