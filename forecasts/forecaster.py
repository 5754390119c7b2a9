"""The forecaster: history + events -> interval forecast of contacts (with an 80% band) and AHT.

Per queue:
1. Daily totals are split into level x weekday factor x event effect (`daily.decompose`), outliers
   (an outage day) left out.
2. Level models (`models.candidate_models`, plus their geometric mean), each with or without the
   annual change seen in past years (growth and the season of the month), are compared on
   rolling-origin folds at the end of the history (and one a year back, the same season with its
   events); the best daily WAPE wins if it beats the 4-week mean (with the annual change when the
   history has a year) by a margin. Once the history has a year, only models with the annual change
   compete: the folds are too few to show that ignoring a known season turn is better beyond noise.
3. Days are split into intervals by the intraday profile of their day type (`profiles`), AHT by
   `aht.HandleTimes`.
4. The 80% band is conformal: weighted quantiles of the folds' standardized interval errors
   (actual - forecast) / sqrt(forecast + (phi^2 + spread^2) x forecast^2), phi being the intervals'
   relative over-dispersion measured on the folds (at least the daily log error) and spread the sd of
   an event day's next occurrence around its learned effect (`daily`). The recent folds and the
   same-season fold a year back weigh half each, so the band holds through an event season as well as
   in ordinary weeks.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecasts.aht import HandleTimes
from forecasts.calendar import event_days, in_event
from forecasts.daily import AppliedEffects, DailyDecomposition, decompose, event_effect_on
from forecasts.event_checks import event_warnings
from forecasts.events import Event
from forecasts.history import History, day_grid, open_slots, validate_history
from forecasts.models import candidate_models
from forecasts.profiles import IntradayProfiles
from forecasts.totals import day_totals
from staffcast.deadline import Deadline
from staffcast.errors import DataError

FORECAST_COLUMNS = ["queue", "interval_start", "contacts", "contacts_lo", "contacts_hi", "aht_seconds"]
MIN_TRAINING_WEEKS = 8
MIN_HISTORY_DAYS = 7  # a queue with less history before the start is left out of the forecast, with a warning
SHORT_HISTORY_DAYS = 14
FOLD_WEEKS = (1, 2, 4, 6, 8)  # recent folds start this many weeks before the history ends and run to its end
DEFAULT_MODEL = "recent_mean_4w"
SELECTION_MARGIN = 0.03  # another candidate must beat the default by this share of its error
LONGEST_FOLD_DAYS = 56
LEAD_BUCKETS = ((1, 7), (8, 14), (15, 28), (29, LONGEST_FOLD_DAYS))  # days after the history; a model and band per bucket
BEYOND_FOLDS_MODEL = f"{DEFAULT_MODEL}+annual"  # past what the folds check: today's level with past years' change
ANNUAL_YEARS = (1, 2)
ANNUAL_REFERENCE_DAYS = 28
YEAR_DAYS = 364  # a year back, on the same weekday
SAME_SEASON_SHARE = 0.5  # weight of the fold a year back (the same season, its events) in the band
UNSEEN_EVENT_LOG_SPREAD = 0.5  # extra log sd of the days inside an event never seen (the days around it keep its kind's spread)
DEFAULT_BAND_QUANTILES = (-1.2816, 1.2816)
MIN_BAND_SD = 1.0
GAP_WARNING_DAYS = 7  # a history ending more days than this before the start gets a warning
SILENT_QUEUE_DAYS = 28  # a queue without contacts this long before the history ends is taken as closed
OUTLIERS_SHOWN = 10

Progress = Callable[[str], None] | None


@dataclass
class QueueData:
    """One queue's history as days x slots matrices over consecutive calendar dates."""

    queue: str
    dates: pd.DatetimeIndex
    counts: np.ndarray
    aht_seconds: np.ndarray
    interval_minutes: int


@dataclass
class QueueFit:
    """Everything fitted for one queue at one origin."""

    data: QueueData
    origin: pd.Timestamp
    slots: np.ndarray  # bool[7, slots] opening hours
    decomposition: DailyDecomposition
    profiles: IntradayProfiles
    handle_times: HandleTimes
    day_keys: pd.DataFrame
    kinds: dict[str, str]


def queue_matrices(history: pd.DataFrame, interval_minutes: int) -> dict[str, QueueData]:
    """Split a history frame into per-queue days x slots matrices."""
    result = {}
    for queue, part in history.groupby("queue", sort=True):
        dates, counts = day_grid(part, interval_minutes)
        aht = day_grid(part, interval_minutes, "aht_seconds")[1]
        result[str(queue)] = QueueData(str(queue), dates, counts, aht, interval_minutes)
    return result


def fit_queue(data: QueueData, events: list[Event], origin: pd.Timestamp, last_day: pd.Timestamp) -> QueueFit:
    """Fit weekday factors, event effects, profiles and AHT on the days before `origin`."""
    keep = data.dates < origin
    dates = data.dates[keep]
    counts, aht = data.counts[keep], data.aht_seconds[keep]
    slots = open_slots(dates, counts)
    open_weekdays = slots.any(axis=1)
    day_keys = event_days(events, data.queue, dates[0].date(), last_day.date())
    kinds = {event.name: event.kind for event in events}
    observed = day_totals(counts, dates, slots, day_keys)
    decomposition = decompose(observed.totals, open_weekdays, day_keys[day_keys.date < origin], kinds)
    usable = observed.complete & ~decomposition.outlier.to_numpy() & open_weekdays[dates.day_of_week]
    profiles = IntradayProfiles(counts, dates, usable, slots, day_keys[day_keys.date < origin])
    handle_times = HandleTimes(counts, aht, dates, usable, day_keys[day_keys.date < origin])
    return QueueFit(data, origin, slots, decomposition, profiles, handle_times, day_keys, kinds)


def annual_log_change(decomposition: DailyDecomposition, origin: pd.Timestamp, future: pd.DatetimeIndex) -> np.ndarray | None:
    """Mean over past years of log(baseline at the same date) - log(baseline in the weeks before the data end).

    A date more than a year after the data end has only the change two years back (the growth over the same
    span then); past what any year reaches, the last change known is kept.

    The reference weeks end where the data ends (not at the origin), since that is where the level is
    measured: a history ending weeks before the forecast start gets the seasonal change over the gap too.
    """
    baseline = np.log(decomposition.baseline)
    first = baseline.index[0] + pd.Timedelta(days=21)
    seen = decomposition.adjusted.dropna()
    end = min(origin, seen.index[-1] + pd.Timedelta(days=1)) if len(seen) else origin
    changes = []
    for years in ANNUAL_YEARS:
        shift = pd.Timedelta(days=YEAR_DAYS * years)
        reference_start = end - shift - pd.Timedelta(days=ANNUAL_REFERENCE_DAYS)
        if reference_start < first:
            continue
        reference = baseline[(baseline.index >= reference_start) & (baseline.index < end - shift)].mean()
        changes.append(baseline.reindex(future - shift).to_numpy() - reference)
    if not changes:
        return None
    stacked = np.array(changes)
    known = np.isfinite(stacked)
    count = known.sum(axis=0)
    mean = pd.Series(np.where(known, stacked, 0.0).sum(axis=0) / np.maximum(count, 1)).where(count > 0)
    return mean.ffill().fillna(0.0).to_numpy()  # beyond the years seen, the last change known is kept


def daily_candidates(fit: QueueFit, future: pd.DatetimeIndex) -> tuple[dict[str, np.ndarray], AppliedEffects]:
    """Daily totals for the future dates from every candidate.

    Returns:
        (alias -> daily totals, the event effects on the future dates).
    """
    decomposition = fit.decomposition
    level_series = decomposition.adjusted.dropna()
    if decomposition.level_shift is not None:
        level_series = level_series[level_series.index >= decomposition.level_shift]
    open_future = decomposition.open_weekdays[future.day_of_week]
    steps = int(open_future.sum())
    applied = event_effect_on(future, fit.day_keys, decomposition, fit.kinds)
    shape = decomposition.weekday_factor[future.day_of_week] * np.exp(applied.log.to_numpy())
    log_levels = {}
    for model in candidate_models():
        if len(level_series) < 14 and model.alias != "recent_mean_4w":
            continue
        predicted = model.fit(level_series).predict(max(steps, 1)).forecast.to_numpy()[:steps]
        log_levels[model.alias] = np.log(predicted + 1.0)
    if len(log_levels) > 1:
        log_levels["combination"] = np.mean(list(log_levels.values()), axis=0)
    annual = annual_log_change(decomposition, fit.origin, future)
    result = {}
    for alias, log_level in log_levels.items():
        level = np.zeros(len(future))
        level[open_future] = np.exp(log_level) - 1.0
        result[alias] = level * shape
        if annual is not None:
            result[f"{alias}+annual"] = level * shape * np.exp(annual)
    return result, applied


def interval_forecast(fit: QueueFit, future: pd.DatetimeIndex, daily: np.ndarray, applied: AppliedEffects) -> pd.DataFrame:
    """Split daily totals into the open intervals of each date, with AHT."""
    minutes = fit.data.interval_minutes
    future_keys = fit.day_keys[fit.day_keys.date.isin(future)]
    by_date = {
        date: [(n, k, abs(float(applied.own[n].get(date, 0.0))) if n in applied.own else 0.0) for n, k in zip(part.name, part.key)]
        for date, part in future_keys.groupby("date")
    }
    frames = []
    for i, date in enumerate(future):
        mask = fit.slots[date.weekday()]
        if not mask.any():
            continue
        on_day = by_date.get(date, [])
        share = fit.profiles.profile_for(date, on_day)
        slots = np.flatnonzero(mask)
        frames.append(
            pd.DataFrame(
                {
                    "interval_start": date + pd.to_timedelta(slots * minutes, unit="min"),
                    "contacts": daily[i] * share[slots],
                    "aht_seconds": fit.handle_times.forecast(date, on_day)[slots] if fit.handle_times.known else np.nan,
                    "date": date,
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=["interval_start", "contacts", "aht_seconds", "date"])
    return pd.concat(frames, ignore_index=True)


def _actual_intervals(data: QueueData, future: pd.DatetimeIndex) -> pd.Series:
    keep = data.dates.isin(future)
    rows = np.argwhere(np.isfinite(data.counts[keep]))
    dates = data.dates[keep]
    index = dates[rows[:, 0]] + pd.to_timedelta(rows[:, 1] * data.interval_minutes, unit="min")
    return pd.Series(data.counts[keep][rows[:, 0], rows[:, 1]], index=index)


def fold_origins(first: pd.Timestamp, end: pd.Timestamp) -> list[tuple[pd.Timestamp, int]]:
    """The internal folds as (origin, days): FOLD_WEEKS before `end`, each running to `end`, and LONGEST_FOLD_DAYS
    from the same season a year back. They do not depend on how many days are forecast, so neither does a day's
    forecast."""
    folds = [(end - pd.Timedelta(weeks=weeks), min(7 * weeks, LONGEST_FOLD_DAYS)) for weeks in FOLD_WEEKS]
    folds.append((end - pd.Timedelta(days=YEAR_DAYS), LONGEST_FOLD_DAYS))
    earliest = first + pd.Timedelta(weeks=MIN_TRAINING_WEEKS)
    return sorted({(o, n) for o, n in folds if o >= earliest and o + pd.Timedelta(days=n) <= end})


def lead_buckets(leads: np.ndarray) -> np.ndarray:
    """The LEAD_BUCKETS index of each lead (days after the history's last day); len(LEAD_BUCKETS) beyond them."""
    bounds = np.array([last for _, last in LEAD_BUCKETS])
    return np.searchsorted(bounds, np.asarray(leads), side="left")


@dataclass(frozen=True)
class ModelChoice:
    """The daily model chosen for a queue and its daily WAPE over the internal folds (None: too few folds)."""

    model: str
    fold_daily_wape: float | None


@dataclass(frozen=True)
class Forecast:
    """A forecast: the table (FORECAST_COLUMNS), its interval length, the model chosen per queue, and warnings
    (event fallbacks, short history, missing AHT) a planner should read."""

    table: pd.DataFrame
    interval_minutes: int
    models: dict[str, ModelChoice]
    warnings: list[str]


def forecast_contacts(
    history: History | pd.DataFrame,
    events: list[Event],
    start: datetime.date,
    days: int,
    *,
    progress: Progress = None,
    deadline: Deadline | None = None,
) -> Forecast:
    """Forecast contacts and AHT per queue and interval for `days` days from `start`.

    Only history before `start` is used. Closed hours (slots without rows on most recent same weekdays)
    get no rows.

    Args:
        history: a `History` (`read_history`, `validate_history`), or a frame to validate first.
        deadline: the forecast's share of a command's time limit: a queue reached after it has passed is not
            backtested and takes the default model and band, with a warning.
    """
    if days < 1:
        raise DataError(f"days: {days} — forecast at least one day.")
    if not isinstance(history, History):
        history = validate_history(history)
    minutes = history.interval_minutes
    origin = pd.Timestamp(start)
    training = history.table[history.table.interval_start < origin]
    if training.empty:
        raise DataError(f"history: no data before the forecast start {origin:%Y-%m-%d}. Give history that ends before the start.")
    future = pd.date_range(origin, periods=days, freq="D")
    last_day = future[-1]
    matrices = queue_matrices(training, minutes)
    warnings, models, frames = event_warnings(events, list(matrices), origin.date(), last_day.date()), {}, []
    history_end = training.interval_start.max().normalize()
    gap_days = (origin - history_end).days - 1
    if gap_days > GAP_WARNING_DAYS:
        warnings.append(
            f"history: it ends on {history_end:%Y-%m-%d}, {gap_days} days before the forecast start; the level of "
            "its last weeks is carried over the gap (with the seasonal change past years showed, when the history has them)."
        )
    for number, (queue, data) in enumerate(matrices.items(), start=1):
        if progress:
            progress(f"queue {queue} ({number}/{len(matrices)}): fitting")
        busy = np.flatnonzero(np.nansum(data.counts, axis=1) > 0)
        silent_days = (history_end - data.dates[busy[-1]]).days if len(busy) else None
        if silent_days is None or silent_days > SILENT_QUEUE_DAYS:
            since = f"since {data.dates[busy[-1]]:%Y-%m-%d}, {silent_days} days before the history ends" if len(busy) else "at all"
            warnings.append(
                f"queue {queue}: no contacts {since}; it is taken as closed and not forecast. If it reopens, give a history with its recent contacts."
            )
            continue
        span = (data.dates[-1] - data.dates[0]).days + 1
        if span < MIN_HISTORY_DAYS:
            warnings.append(
                f"queue {queue}: only {span} day(s) of history before {origin:%Y-%m-%d}; it is not forecast. "
                f"Give at least {MIN_HISTORY_DAYS} days (two weeks or more for a reliable weekday pattern)."
            )
            continue
        if span < SHORT_HISTORY_DAYS:
            warnings.append(f"queue {queue}: only {span} days of history; its weekday pattern rests on one or two weeks of data.")
        choices, bands, score = _select_and_calibrate(data, events, origin, last_day, progress, deadline)
        if score is None and _out_of_time(deadline):
            warnings.append(
                f"queue {queue}: the forecast's share of the time limit ran out before this queue's backtest; it uses "
                f"{DEFAULT_MODEL} and a default 80% band. Give a longer --time-limit for the backtested choice."
            )
        fit = fit_queue(data, events, origin, last_day)
        daily, applied = daily_candidates(fit, future)
        bucket = lead_buckets((future - data.dates[-1]).days.to_numpy())
        chosen, used = np.zeros(len(future)), {}
        for number in np.unique(bucket):
            alias = pick_model(choices, number, daily)
            if gap_days > GAP_WARNING_DAYS and f"{alias}+annual" in daily:
                alias = f"{alias}+annual"  # the folds cannot see the gap; past years' change over it can
            chosen[bucket == number] = daily[alias][bucket == number]
            used[number] = alias
        frame = interval_forecast(fit, future, chosen, applied)
        fallbacks, spread = applied.fallbacks, applied.spread
        frame["queue"] = queue
        day_bucket = pd.Series(bucket, index=future).reindex(frame.date).to_numpy()
        band = {key: np.array([bands[b][key] for b in range(len(bands))])[day_bucket] for key in ("phi", "q_lo", "q_hi")}
        phi = np.sqrt(band["phi"] ** 2 + spread.reindex(frame.date).to_numpy() ** 2)
        unseen = frame.date.isin(fit.day_keys.date[fit.day_keys.name.isin(fallbacks) & in_event(fit.day_keys.key)])
        phi = np.where(unseen, np.sqrt(phi**2 + UNSEEN_EVENT_LOG_SPREAD**2), phi)
        sd = band_sd(frame.contacts.to_numpy(), phi**2)
        frame["contacts_lo"] = np.maximum(frame.contacts + band["q_lo"] * sd, 0.0)
        frame["contacts_hi"] = frame.contacts + band["q_hi"] * sd
        frames.append(frame)
        models[queue] = ModelChoice(_models_text(used, future, bucket), score)
        warnings.extend(_queue_warnings(fit, applied))
        warnings.extend(_horizon_warnings(fit, future, bucket, used))
        if fit.handle_times.stale_since is not None:
            warnings.append(
                f"queue {queue}: aht_seconds is empty from {fit.handle_times.stale_since:%Y-%m-%d} on; the forecast's AHT comes from "
                "the last weeks that have it. Check the export's handle-time column."
            )
        if not fit.handle_times.known:
            warnings.append(f"queue {queue}: the history has no aht_seconds; the forecast's aht_seconds is empty. Fill it in before staffing.")
        if score is None and not _out_of_time(deadline):
            warnings.append(f"queue {queue}: history too short for backtest folds; using {alias} and a default 80% band.")
    if not frames:
        reasons = " ".join(warnings)
        raise DataError(f"history: no queue has {MIN_HISTORY_DAYS} days of data before {origin:%Y-%m-%d}; give a longer history. {reasons}")
    table = pd.concat(frames, ignore_index=True)[FORECAST_COLUMNS].sort_values(["queue", "interval_start"]).reset_index(drop=True)
    return Forecast(table, minutes, models, warnings)


def _queue_warnings(fit: QueueFit, applied: AppliedEffects) -> list[str]:
    """What a planner should know about one queue's forecast: events without a past, a new level, outliers."""
    queue, decomposition, warnings = fit.data.queue, fit.decomposition, []
    for name in applied.fallbacks:
        kind = fit.kinds.get(name, "?")
        learned = sorted(n for n in decomposition.effects if fit.kinds.get(n) == kind)
        source = f"the typical {kind} effect learned from {', '.join(learned)}" if learned else "no effect (no event of its kind in the history)"
        warnings.append(f"queue {queue}: event '{name}' has no past occurrence in the history; using {source}.")
    for name, days in applied.beyond_seen.items():
        warnings.append(
            f"queue {queue}: event '{name}' on {_days_text(days)}: no past occurrence shows these days of it; they repeat the effect "
            "of the nearest day of it that was seen, so a peak on them (and its intraday shape) cannot be known from this history."
        )
    if decomposition.level_shift is not None:
        adjusted = decomposition.adjusted.dropna()
        after = adjusted[adjusted.index >= decomposition.level_shift]
        before = adjusted[(adjusted.index < decomposition.level_shift) & (adjusted.index >= decomposition.level_shift - pd.Timedelta(days=28))]
        ratio = f" at x{after.mean() / before.median():.2f} the level before" if len(before) else ""
        warnings.append(
            f"queue {queue}: volume moved to a new level{ratio} on {decomposition.level_shift:%Y-%m-%d} ({len(after)} days with data since); "
            "the forecast follows the new level. If those days were a one-off, list them as an outage event."
        )
    for day, where in sorted(decomposition.window_outliers.items()):
        warnings.append(
            f"queue {queue}: {day:%Y-%m-%d} ({where}) stands far from the days around it and from the event's other occurrences, so it "
            "was left out of the event's effect rather than repeated next time. If it was a one-off (a typhoon, an outage), list it as "
            "an outage event; if it recurs with the event, it will be learned once another occurrence shows it."
        )
    outage_days = fit.day_keys.date[(fit.day_keys.kind == "outage")]
    outliers = decomposition.outlier_days(pd.DatetimeIndex(outage_days))
    if len(outliers):
        shown = ", ".join(f"{d:%Y-%m-%d}" for d in outliers[-OUTLIERS_SHOWN:])
        more = f"{len(outliers) - OUTLIERS_SHOWN} earlier ones and " if len(outliers) > OUTLIERS_SHOWN else ""
        warnings.append(
            f"queue {queue}: {len(outliers)} day(s) far from their expected volume and in no event were left out of fitting as outliers: "
            f"{more}{shown}. List a real event on them in the events file to have it learned."
        )
    return warnings


def _models_text(used: dict[int, str], future: pd.DatetimeIndex, bucket: np.ndarray) -> str:
    """The model per stretch of forecast days, e.g. 'recent_mean_4w (days 1-14), damped_trend+annual (days 15-28)'."""
    if len(set(used.values())) == 1:
        return next(iter(used.values()))
    stretches: list[list] = []
    for day, number in enumerate(bucket, start=1):
        if stretches and stretches[-1][0] == used[number]:
            stretches[-1][2] = day
        else:
            stretches.append([used[number], day, day])
    return ", ".join(f"{alias} (days {first}-{last})" for alias, first, last in stretches)


def _horizon_warnings(fit: QueueFit, future: pd.DatetimeIndex, bucket: np.ndarray, used: dict[int, str]) -> list[str]:
    """A warning when forecast days lie further after the history than it can support: past the backtested
    LONGEST_FOLD_DAYS without past years to carry season and growth, or more than a year after it."""
    queue, last = fit.data.queue, fit.data.dates[-1]
    beyond = bucket == len(LEAD_BUCKETS)
    if not beyond.any():
        return []
    first = future[beyond][0]
    if "+annual" not in used[len(LEAD_BUCKETS)]:
        return [
            f"queue {queue}: the days from {first:%Y-%m-%d} on are more than {LONGEST_FOLD_DAYS} days after the history ends "
            f"({last:%Y-%m-%d}), and the history has no past year to carry the season and the yearly growth over that span; they "
            f"continue the level (and trend) of its last weeks with {used[len(LEAD_BUCKETS)]}. Give a history of more than a year, "
            "or check these days against last year's figures."
        ]
    far = future[(future - last).days > YEAR_DAYS]
    if len(far):
        return [
            f"queue {queue}: the days from {far[0]:%Y-%m-%d} on are more than a year after the history ends ({last:%Y-%m-%d}); they "
            "take the change over the same span two years back, and past that the last change known: a rough guide only."
        ]
    return []


def _days_text(days: list[pd.Timestamp]) -> str:
    return f"{days[0]:%Y-%m-%d}" if len(days) == 1 else f"{days[0]:%Y-%m-%d}..{days[-1]:%Y-%m-%d} ({len(days)} days)"


def _out_of_time(deadline: Deadline | None) -> bool:
    """True once the deadline has passed (a deterministic one counts solver time only, so it repeats run to run)."""
    return deadline is not None and deadline.expired()


def _select_and_calibrate(
    data: QueueData, events: list[Event], origin: pd.Timestamp, last_day: pd.Timestamp, progress: Progress, deadline: Deadline | None = None
) -> tuple[list[str], list[dict], float | None]:
    """Per lead bucket (LEAD_BUCKETS, then the days beyond them): the daily candidate with the lowest fold WAPE
    over the leads from the first day to the bucket's last (as a forecast of that many days would be judged),
    and the band calibrated on its interval errors in the bucket.

    Returns:
        (model per bucket, band per bucket (phi, q_lo, q_hi), the chosen models' daily WAPE over the folds or None).
        Beyond the folds the model is BEYOND_FOLDS_MODEL (`pick_model` falls back when it cannot be made).
        Without folds (too short a history, or `deadline` passed before the last fold) the default model and band.
    """
    end = data.dates[-1] + pd.Timedelta(days=1)
    folds = fold_origins(data.dates[0], end)
    buckets = len(LEAD_BUCKETS)
    errors: dict[str, np.ndarray] = {}
    seen: dict[str, int] = {}
    actual_total = np.zeros(buckets)
    fold_outputs = []
    for number, (fold_origin, horizon) in enumerate(folds, start=1):
        if _out_of_time(deadline):
            return _default_choices(buckets)
        if progress:
            progress(f"queue {data.queue}: backtest fold {number}/{len(folds)} from {fold_origin:%Y-%m-%d}")
        future = pd.date_range(fold_origin, periods=horizon, freq="D")
        fit = fit_queue(data, events, fold_origin, last_day)
        daily, applied = daily_candidates(fit, future)
        keep = data.dates.isin(future)
        actual_daily = pd.Series(np.nansum(data.counts[keep], axis=1), index=data.dates[keep]).reindex(future)
        has_data = actual_daily.notna().to_numpy() & (actual_daily.to_numpy() > 0)
        bucket = lead_buckets(np.arange(1, horizon + 1))
        actual = actual_daily.to_numpy()
        actual_total += np.bincount(bucket[has_data], weights=actual[has_data], minlength=buckets)
        for alias, values in daily.items():
            seen[alias] = seen.get(alias, 0) + 1
            error = np.bincount(bucket[has_data], weights=np.abs(values[has_data] - actual[has_data]), minlength=buckets)
            errors[alias] = errors.get(alias, np.zeros(buckets)) + error
        fold_outputs.append((fit, future, daily, applied, actual_daily, has_data, bucket))
    complete = {alias: np.cumsum(error) for alias, error in errors.items() if seen[alias] == len(folds)}  # leads 1 to the bucket's last
    actual_total = np.cumsum(actual_total)
    if not complete or actual_total[-1] <= 0:
        return _default_choices(buckets)
    default = f"{DEFAULT_MODEL}+annual" if f"{DEFAULT_MODEL}+annual" in complete else DEFAULT_MODEL
    if default.endswith("+annual"):  # past years' season and growth are known: no candidate may ignore them
        complete = {alias: error for alias, error in complete.items() if alias.endswith("+annual")}
    choices: list[str] = []
    for number in range(buckets):
        if actual_total[number] <= 0:
            choices.append(choices[-1] if choices else default)
            continue
        best = min(complete, key=lambda alias: (complete[alias][number], list(complete).index(alias)))
        choices.append(best if complete[best][number] < (1 - SELECTION_MARGIN) * complete[default][number] else default)
    joined_folds = []
    for fit, future, daily, applied, actual_daily, has_data, bucket in fold_outputs:
        chosen = np.choose(bucket, [daily[alias] for alias in choices])
        frame = interval_forecast(fit, future, chosen, applied)
        joined = frame.set_index("interval_start").join(_actual_intervals(data, future).rename("actual"), how="inner")
        joined["spread"] = applied.spread.reindex(joined.date).to_numpy()
        joined["bucket"] = pd.Series(bucket, index=future).reindex(joined.date).to_numpy()
        log_errors = pd.Series(np.log((actual_daily.to_numpy() + 1) / (chosen + 1)), index=future)[has_data]
        joined_folds.append((joined, log_errors, pd.Series(bucket, index=future)[has_data], fit.origin <= end - pd.Timedelta(days=YEAR_DAYS)))
    bands = [_bucket_band(joined_folds, number) for number in range(buckets)]
    for number in range(1, buckets):
        bands[number] = bands[number] or bands[number - 1]
    bands = [band or _fallback_band(bands) for band in bands]
    chosen_error = sum(np.diff(complete[alias], prepend=0.0)[number] for number, alias in enumerate(choices))
    return choices + [BEYOND_FOLDS_MODEL], bands + [bands[-1]], chosen_error / actual_total[-1]


def _default_choices(buckets: int) -> tuple[list[str], list[dict], None]:
    """The default model per lead bucket and a default 80% band, where no backtest chose them."""
    return [DEFAULT_MODEL] * buckets + [BEYOND_FOLDS_MODEL], [_default_band()] * (buckets + 1), None


def _default_band() -> dict:
    return {"phi": 0.1, "q_lo": DEFAULT_BAND_QUANTILES[0], "q_hi": DEFAULT_BAND_QUANTILES[1]}


def _fallback_band(bands: list[dict | None]) -> dict:
    known = [band for band in bands if band]
    return known[0] if known else _default_band()


def _bucket_band(joined_folds: list[tuple[pd.DataFrame, pd.Series, pd.Series, bool]], number: int) -> dict | None:
    """The band of one lead bucket: interval dispersion and weighted quantiles of standardized errors over
    its days in every fold (the same-season fold weighing SAME_SEASON_SHARE); None without data there."""
    parts = [(joined[joined.bucket == number], log_errors[buckets == number], same) for joined, log_errors, buckets, same in joined_folds]
    parts = [(joined, log_errors, same) for joined, log_errors, same in parts if len(joined)]
    if not parts:
        return None
    all_log_errors = np.concatenate([log_errors.to_numpy() for _, log_errors, _ in parts])
    daily_phi = float(np.sqrt(np.mean(np.square(all_log_errors)))) if len(all_log_errors) else 0.1
    phi = _interval_dispersion([joined for joined, _, _ in parts], daily_phi)
    group_sizes = {flag: sum(len(j) for j, _, same in parts if same == flag) for flag in (False, True)}
    shares = {flag: (SAME_SEASON_SHARE if flag else 1.0 - SAME_SEASON_SHARE) if group_sizes[not flag] else 1.0 for flag in (False, True)}
    standardized, weights = [], []
    for joined, _, same in parts:
        sd = band_sd(joined.contacts.to_numpy(), phi**2 + joined.spread.to_numpy() ** 2)
        standardized.append(((joined.actual - joined.contacts) / sd).to_numpy())
        weights.append(np.full(len(joined), shares[same] / group_sizes[same]))
    q_lo, q_hi = _weighted_quantiles(np.concatenate(standardized), np.concatenate(weights))
    return {"phi": phi, "q_lo": min(q_lo, 0.0), "q_hi": max(q_hi, 0.0)}


def pick_model(choices: list[str], number: int, daily: dict[str, np.ndarray]) -> str:
    """The model of lead bucket `number` that can be made at this origin: the bucket's choice, else (beyond the
    folds) the last bucket's, else DEFAULT_MODEL."""
    for alias in (choices[number], choices[min(number, len(LEAD_BUCKETS) - 1)]):
        if alias in daily:
            return alias
    return DEFAULT_MODEL


def band_sd(contacts: np.ndarray, relative_variance: np.ndarray | float) -> np.ndarray:
    """The scale of an interval's error: Poisson plus relative over-dispersion, and at least MIN_BAND_SD
    contacts, so an open interval forecast near 0 keeps a band and its calibration errors stay finite."""
    return np.sqrt(contacts + relative_variance * contacts**2 + MIN_BAND_SD**2)


def _interval_dispersion(joined_folds: list[pd.DataFrame], daily_phi: float) -> float:
    """Relative sd of interval counts beyond Poisson, (sum (actual - forecast)^2 - forecast) / sum forecast^2.

    It holds the day-level error and the intervals' own over-dispersion, so the band scales with the
    size of an interval the way the errors do; never below the daily log error.
    """
    residual2 = sum(float(((j.actual - j.contacts) ** 2 - j.contacts).sum()) for j in joined_folds)
    scale = sum(float((j.contacts**2).sum()) for j in joined_folds)
    return float(np.sqrt(max(residual2 / scale, daily_phi**2))) if scale > 0 else daily_phi


def _weighted_quantiles(values: np.ndarray, weights: np.ndarray) -> tuple[float, float]:
    """The 10% and 90% quantiles of the values under the given weights."""
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order]) / weights.sum()
    return float(np.interp(0.1, cumulative, values[order])), float(np.interp(0.9, cumulative, values[order]))
