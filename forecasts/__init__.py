"""staffcast forecasting: contact volume and handle time per queue and interval, with events."""

from forecasts.backtest import backtest, bias, seasonal_naive, wape, weekday_mean
from forecasts.errors import DataError, StaffcastError
from forecasts.events import Event, chinese_holidays, read_events
from forecasts.forecaster import FORECAST_COLUMNS, forecast_contacts
from forecasts.history import read_history, validate_history
from forecasts.models import DampedTrend, LevelModel, LocalLevel, RecentMean, candidate_models
from forecasts.output import format_backtest, write_forecast
from forecasts.plots import plot_forecast

__all__ = [
    "FORECAST_COLUMNS", "DampedTrend", "DataError", "Event", "LevelModel", "LocalLevel", "RecentMean", "StaffcastError",
    "backtest", "bias", "candidate_models", "chinese_holidays", "forecast_contacts", "format_backtest", "plot_forecast", "read_events",
    "read_history", "seasonal_naive", "validate_history", "wape", "weekday_mean", "write_forecast",
]
