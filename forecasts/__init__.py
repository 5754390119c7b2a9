"""staffcast forecasting: contact volume and handle time per queue and interval, with events."""

from staffcast.lazy_exports import lazy_exports

_EXPORTS = {
    "backtest": "forecasts.backtesting",
    "bias": "forecasts.backtesting",
    "seasonal_naive": "forecasts.backtesting",
    "wape": "forecasts.backtesting",
    "weekday_mean": "forecasts.backtesting",
    "DataError": "staffcast.errors",
    "StaffcastError": "staffcast.errors",
    "Event": "forecasts.events",
    "chinese_holidays": "forecasts.events",
    "read_events": "forecasts.events",
    "FORECAST_COLUMNS": "forecasts.forecaster",
    "Forecast": "forecasts.forecaster",
    "ModelChoice": "forecasts.forecaster",
    "forecast_contacts": "forecasts.forecaster",
    "History": "forecasts.history",
    "read_history": "forecasts.history",
    "validate_history": "forecasts.history",
    "DampedTrend": "forecasts.models",
    "LevelModel": "forecasts.models",
    "LocalLevel": "forecasts.models",
    "RecentMean": "forecasts.models",
    "candidate_models": "forecasts.models",
    "format_backtest": "forecasts.forecast_csv",
    "write_forecast": "forecasts.forecast_csv",
    "plot_forecast": "forecasts.plots",
}

__all__ = list(_EXPORTS)
__getattr__ = lazy_exports("forecasts", _EXPORTS, globals())
