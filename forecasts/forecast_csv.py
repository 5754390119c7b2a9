"""Writing forecasts and backtest tables as CSV (atomically, times as 'YYYY-MM-DD HH:MM')."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from forecasts.forecaster import FORECAST_COLUMNS
from staffcast.atomic import write_csv_atomic


def rounded_as_written(forecast: pd.DataFrame) -> pd.DataFrame:
    """The forecast with the precision of its CSV: contacts to 0.001, AHT to 0.1 s, so that what a plan
    computes from it is what a later command computes from the file."""
    out = forecast.copy()
    for column in ("contacts", "contacts_lo", "contacts_hi"):
        out[column] = out[column].round(3)
    out["aht_seconds"] = out.aht_seconds.round(1)
    return out


def write_forecast(forecast: pd.DataFrame, path: Path | str) -> None:
    """Write the forecast CSV contract (`rounded_as_written`; AHT empty when unknown)."""
    out = rounded_as_written(forecast[FORECAST_COLUMNS])
    out["interval_start"] = out.interval_start.dt.strftime("%Y-%m-%d %H:%M")
    write_csv_atomic(out, path)


def format_backtest(table: pd.DataFrame) -> str:
    """The backtest table as aligned text (WAPE, bias and coverage as percentages)."""
    shown = table.copy()
    for column in ("interval_wape", "interval_bias", "daily_wape", "daily_bias", "coverage_80"):
        shown[column] = shown[column].map(lambda v: "" if pd.isna(v) else f"{100 * v:.2f}%")
    return shown.to_string(index=False)
