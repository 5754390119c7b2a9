"""Rolling-origin backtest of the forecaster against two baselines, and accuracy metrics.

Baselines: seasonal naive (the same interval a week earlier, repeated for longer horizons) and
the mean of the last 4 same weekdays. Metrics per queue: WAPE and bias at interval and daily level,
and the share of actuals inside the 80% band.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

import numpy as np
import pandas as pd

from forecasts.events import Event
from forecasts.forecaster import forecast_contacts
from forecasts.history import History, validate_history
from staffcast.errors import DataError

BASELINE_WEEKS = 4


def wape(actual, forecast) -> float:
    """Weighted absolute percentage error: sum |actual - forecast| / sum actual."""
    actual, forecast = np.asarray(actual, float), np.asarray(forecast, float)
    total = actual.sum()
    return float(np.abs(actual - forecast).sum() / total) if total > 0 else float("nan")


def bias(actual, forecast) -> float:
    """Relative bias: sum (forecast - actual) / sum actual (positive = over-forecast)."""
    actual, forecast = np.asarray(actual, float), np.asarray(forecast, float)
    total = actual.sum()
    return float((forecast - actual).sum() / total) if total > 0 else float("nan")


def seasonal_naive(history: pd.DataFrame, start: datetime.date, days: int) -> pd.DataFrame:
    """Same interval one week earlier (two, three... weeks for longer horizons) from history before `start`."""
    origin = pd.Timestamp(start)
    past = history[history.interval_start < origin].set_index(["queue", "interval_start"]).contacts
    frames = []
    for queue in past.index.get_level_values("queue").unique():
        series = past.loc[queue]
        future = _future_slots(series.index, origin, days)
        values = pd.Series(np.nan, index=future)
        for weeks in range(1, BASELINE_WEEKS + days // 7 + 2):
            shifted = future - pd.Timedelta(weeks=weeks)
            ok = shifted < origin
            fill = series.reindex(shifted).to_numpy()
            values = values.where(values.notna() | ~ok | np.isnan(fill), fill)
        frames.append(pd.DataFrame({"queue": queue, "interval_start": future, "contacts": values.fillna(0).to_numpy()}))
    return pd.concat(frames, ignore_index=True)


def weekday_mean(history: pd.DataFrame, start: datetime.date, days: int, weeks: int = BASELINE_WEEKS) -> pd.DataFrame:
    """Mean of the last `weeks` same weekdays before `start`, per interval of the day."""
    origin = pd.Timestamp(start)
    past = history[history.interval_start < origin]
    frames = []
    for queue, part in past.groupby("queue", sort=True):
        part = part.assign(date=part.interval_start.dt.normalize(), time=part.interval_start - part.interval_start.dt.normalize())
        dates = np.sort(part.date.unique())
        rows = []
        for date in pd.date_range(origin, periods=days, freq="D"):
            same = [d for d in dates if pd.Timestamp(d).weekday() == date.weekday()][-weeks:]
            recent = part[part.date.isin(same)]
            if recent.empty:
                continue
            mean = recent.groupby("time").contacts.sum() / len(same)
            rows.append(pd.DataFrame({"interval_start": date + mean.index, "contacts": mean.to_numpy()}))
        frame = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["interval_start", "contacts"])
        frames.append(frame.assign(queue=queue))
    return pd.concat(frames, ignore_index=True)[["queue", "interval_start", "contacts"]]


def _future_slots(index: pd.Index, origin: pd.Timestamp, days: int) -> pd.DatetimeIndex:
    """The future interval starts whose time of day occurs in the history."""
    stamps = pd.DatetimeIndex(index)
    times = np.unique((stamps - stamps.normalize()).to_numpy())
    dates = pd.date_range(origin, periods=days, freq="D")
    return pd.DatetimeIndex(np.add.outer(dates.to_numpy(), times).ravel()).sort_values()


def score(actual: pd.DataFrame, forecast: pd.DataFrame, method: str) -> pd.DataFrame:
    """Per queue (and 'all'): interval and daily WAPE and bias, and 80% band coverage when present. Coverage
    counts the intervals the forecast has a band for or where contacts arrived: an interval the forecast
    leaves out (closed) with no contact, such as an export's zero rows for the night, says nothing of the band."""
    joined = actual.merge(forecast, on=["queue", "interval_start"], how="left", suffixes=("", "_forecast"))
    joined["contacts_forecast"] = joined.contacts_forecast.fillna(0.0)
    rows = []
    for queue, part in [*joined.groupby("queue", sort=True), ("all", joined)]:
        daily = part.groupby([part.queue, part.interval_start.dt.normalize()])[["contacts", "contacts_forecast"]].sum()
        row = {
            "queue": queue,
            "method": method,
            "interval_wape": wape(part.contacts, part.contacts_forecast),
            "interval_bias": bias(part.contacts, part.contacts_forecast),
            "daily_wape": wape(daily.contacts, daily.contacts_forecast),
            "daily_bias": bias(daily.contacts, daily.contacts_forecast),
            "coverage_80": np.nan,
        }
        if "contacts_lo" in part:
            inside = (part.contacts >= part.contacts_lo.fillna(0)) & (part.contacts <= part.contacts_hi.fillna(0))
            scored = part.contacts_lo.notna() | (part.contacts > 0)
            row["coverage_80"] = float(inside[scored].mean()) if scored.any() else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def backtest(
    history: History | pd.DataFrame,
    events: list[Event],
    days: int,
    folds: int,
    *,
    progress: Callable[[str], None] | None = None,
    on_warning: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """Rolling-origin evaluation: `folds` consecutive windows of `days` days at the end of the history.

    A queue a fold cannot forecast (too little history before its origin) is left out of that fold's
    scores for every method; the forecaster's warnings go to `on_warning`, each once.

    Returns:
        One row per queue (and 'all') and method (model, seasonal_naive, weekday_mean_4w): interval_wape,
        interval_bias, daily_wape, daily_bias, coverage_80 (model only); pooled over the folds.
    """
    if days < 1 or folds < 1:
        raise DataError(f"backtest: days ({days}) and folds ({folds}) must be at least 1.")
    if not isinstance(history, History):
        history = validate_history(history)
    frame = history.table
    end = frame.interval_start.max().normalize() + pd.Timedelta(days=1)
    origins = [end - pd.Timedelta(days=days * (folds - j)) for j in range(folds)]
    if origins[0] - frame.interval_start.min() < pd.Timedelta(weeks=4):
        raise DataError(f"backtest: {folds} folds of {days} days leave less than 4 weeks of history to train on. Use fewer or shorter folds.")
    actuals, forecasts, said = [], {"model": [], "seasonal_naive": [], "weekday_mean_4w": []}, set()
    for number, origin in enumerate(origins, start=1):
        if progress:
            progress(f"fold {number}/{folds}: {origin:%Y-%m-%d} + {days} days")
        result = forecast_contacts(history, events, origin.date(), days)
        for warning in result.warnings:
            if on_warning and warning not in said:
                said.add(warning)
                on_warning(warning)
        forecast = set(result.table.queue)
        window = frame[(frame.interval_start >= origin) & (frame.interval_start < origin + pd.Timedelta(days=days)) & frame.queue.isin(forecast)]
        actuals.append(window[["queue", "interval_start", "contacts"]])
        forecasts["model"].append(result.table)
        for method, baseline in (("seasonal_naive", seasonal_naive), ("weekday_mean_4w", weekday_mean)):
            values = baseline(frame, origin.date(), days)
            forecasts[method].append(values[values.queue.isin(forecast)])
    actual = pd.concat(actuals, ignore_index=True)
    table = pd.concat([score(actual, pd.concat(frames, ignore_index=True), method) for method, frames in forecasts.items()])
    return table.sort_values(["queue", "method"], key=lambda s: s.map({"all": "~"}).fillna(s) if s.name == "queue" else s).reset_index(drop=True)
