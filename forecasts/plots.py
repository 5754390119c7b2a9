"""Forecast plot: a short history tail for context, the forecast with its 80% band (when the forecast has
one), event days shaded, one panel per queue. The forecast takes most of the width."""

from __future__ import annotations

import pandas as pd

from forecasts.events import Event

HISTORY_TAIL_DAYS = 7  # the most history shown before the forecast
HISTORY_TAIL_SHARE = 0.25  # and at most this share of the forecast's own days


def context_days(forecast_days: int, tail_days: int = HISTORY_TAIL_DAYS) -> int:
    """Days of history shown before a forecast of `forecast_days`: a quarter of it, 1 to `tail_days`."""
    return max(1, min(tail_days, round(HISTORY_TAIL_SHARE * forecast_days)))


def plot_forecast(history: pd.DataFrame, forecast: pd.DataFrame, events: list[Event], *, interval_minutes: int, tail_days: int = HISTORY_TAIL_DAYS):
    """A matplotlib Figure (the caller saves it); contacts per interval (of `interval_minutes`) against local time,
    from `context_days` before the forecast to its end."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    queues = sorted(forecast.queue.unique())
    figure, axes = plt.subplots(len(queues), 1, figsize=(13, 2.8 * len(queues) + 0.6), sharex=True, squeeze=False)
    start, end = forecast.interval_start.min(), forecast.interval_start.max()
    first_shown = start.normalize() - pd.Timedelta(days=context_days((end.normalize() - start.normalize()).days + 1, tail_days))
    last_shown = end + pd.Timedelta(minutes=interval_minutes)
    banded = {"contacts_lo", "contacts_hi"} <= set(forecast.columns)
    for axis, queue in zip(axes[:, 0], queues):
        past = history[(history.queue == queue) & (history.interval_start >= first_shown) & (history.interval_start < start)]
        ahead = forecast[forecast.queue == queue]
        axis.plot(past.interval_start, past.contacts, color="0.35", linewidth=0.8, label="history")
        if banded:
            axis.fill_between(ahead.interval_start, ahead.contacts_lo, ahead.contacts_hi, color="tab:blue", alpha=0.25, linewidth=0, label="80% band")
        axis.plot(ahead.interval_start, ahead.contacts, color="tab:blue", linewidth=0.9, label="forecast")
        shaded = False
        for event in events:
            first, last = pd.Timestamp(event.start), pd.Timestamp(event.end) + pd.Timedelta(days=1)
            if not event.applies_to(queue) or last < first_shown or first > end:
                continue
            first, last = max(first, first_shown), min(last, last_shown)
            axis.axvspan(first, last, color="tab:orange", alpha=0.12, linewidth=0, label=None if shaded else "event days")
            axis.text(first, 1.0, f" {event.name}", transform=axis.get_xaxis_transform(), fontsize=8, va="top", color="tab:orange")
            shaded = True
        axis.set_title(f"{queue}", loc="left", fontsize=11)
        axis.set_ylabel(f"contacts per {interval_minutes} min")
        axis.grid(alpha=0.3)
        axis.set_ylim(bottom=0)
        axis.set_xlim(first_shown, last_shown)
        axis.legend(loc="upper right", fontsize=8, ncol=4)
    axes[-1, 0].set_xlabel("local time")
    axes[-1, 0].xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
    band = " with 80% band" if banded else ""
    figure.suptitle(f"Contact forecast {start:%Y-%m-%d} to {end:%Y-%m-%d}{band} (history before it for context)", fontsize=13)
    figure.tight_layout()
    return figure
