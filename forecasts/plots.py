"""Forecast plot: history tail, forecast with its 80% band, event days shaded, one panel per queue."""

from __future__ import annotations

import pandas as pd

from forecasts.events import Event

HISTORY_TAIL_DAYS = 14


def plot_forecast(history: pd.DataFrame, forecast: pd.DataFrame, events: list[Event], *, interval_minutes: int, tail_days: int = HISTORY_TAIL_DAYS):
    """A matplotlib Figure (the caller saves it); contacts per interval (of `interval_minutes`) against local time."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    queues = sorted(forecast.queue.unique())
    figure, axes = plt.subplots(len(queues), 1, figsize=(13, 2.8 * len(queues) + 0.6), sharex=True, squeeze=False)
    start, end = forecast.interval_start.min(), forecast.interval_start.max()
    for axis, queue in zip(axes[:, 0], queues):
        past = history[(history.queue == queue) & (history.interval_start >= start - pd.Timedelta(days=tail_days)) & (history.interval_start < start)]
        ahead = forecast[forecast.queue == queue]
        axis.plot(past.interval_start, past.contacts, color="0.35", linewidth=0.8, label="history")
        axis.fill_between(ahead.interval_start, ahead.contacts_lo, ahead.contacts_hi, color="tab:blue", alpha=0.25, linewidth=0, label="80% band")
        axis.plot(ahead.interval_start, ahead.contacts, color="tab:blue", linewidth=0.9, label="forecast")
        shaded = False
        for event in events:
            first, last = pd.Timestamp(event.start), pd.Timestamp(event.end) + pd.Timedelta(days=1)
            if not event.applies_to(queue) or last < start - pd.Timedelta(days=tail_days) or first > end:
                continue
            axis.axvspan(first, last, color="tab:orange", alpha=0.12, linewidth=0, label=None if shaded else "event days")
            axis.text(first, 1.0, f" {event.name}", transform=axis.get_xaxis_transform(), fontsize=8, va="top", color="tab:orange")
            shaded = True
        axis.set_title(f"{queue}", loc="left", fontsize=11)
        axis.set_ylabel(f"contacts per {interval_minutes} min")
        axis.grid(alpha=0.3)
        axis.set_ylim(bottom=0)
        axis.legend(loc="upper right", fontsize=8, ncol=4)
    axes[-1, 0].set_xlabel("local time")
    axes[-1, 0].xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
    figure.suptitle(f"Contact forecast {start:%Y-%m-%d} to {end:%Y-%m-%d} with 80% band", fontsize=13)
    figure.tight_layout()
    return figure
