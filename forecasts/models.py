"""Daily level models: small classes with one contract.

Each model sees one queue's daily totals on open days after the weekday factors and event effects
have been divided out (so what is left is the level), and forecasts the next `h` open days.

Contract: `fit(y)` returns self; `predict(h)` returns a frame of h rows with columns
`forecast, lo, hi` (an 80% band, lo <= forecast <= hi, no NaN); `alias` names the model;
fitted state lives in `results_`, which `summary()` describes. Fitting is deterministic.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

Z80 = 1.2815515655446004  # standard normal 90% quantile: a central 80% band is +-Z80 sigma
STATSMODELS_DAYS = 365  # statsmodels models see at most the last year of levels


class LevelModel:
    """Base class: subclasses implement `_fit(log_y)` and `_predict_log(h) -> (mean, sd)`."""

    alias = "level"

    def fit(self, y: pd.Series) -> LevelModel:
        """Fit to a positive daily series (index: dates of open days, oldest first)."""
        values = np.asarray(y, dtype=float)
        if len(values) == 0 or not np.isfinite(values).all():
            raise ValueError(f"{self.alias}: needs a non-empty series without NaN")
        self.dates_ = pd.DatetimeIndex(y.index)
        self.results_ = self._fit(np.log(np.maximum(values, 0) + 1.0))
        return self

    def predict(self, h: int) -> pd.DataFrame:
        """Forecast h open days ahead with an 80% band."""
        mean, sd = self._predict_log(h)
        mean = np.broadcast_to(np.asarray(mean, dtype=float), (h,))
        sd = np.broadcast_to(np.nan_to_num(np.asarray(sd, dtype=float), nan=0.0), (h,))
        forecast = np.maximum(np.exp(mean) - 1.0, 0.0)
        lo = np.maximum(np.exp(mean - Z80 * sd) - 1.0, 0.0)
        hi = np.maximum(np.exp(mean + Z80 * sd) - 1.0, forecast)
        return pd.DataFrame({"forecast": forecast, "lo": np.minimum(lo, forecast), "hi": hi})

    def summary(self) -> str:
        """One line per fitted quantity."""
        lines = [f"{self.alias}:"]
        for key, value in self.results_.items():
            lines.append(f"  {key}: {value:.4g}" if isinstance(value, float | int) else f"  {key}: {value}")
        return "\n".join(lines)

    def _fit(self, log_y: np.ndarray) -> dict:
        raise NotImplementedError

    def _predict_log(self, h: int) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError


class RecentMean(LevelModel):
    """The mean level of the last `weeks` weeks: robust and hard to beat a few weeks ahead."""

    def __init__(self, weeks: int = 4):
        self.weeks = weeks
        self.alias = f"recent_mean_{weeks}w"

    def _fit(self, log_y: np.ndarray) -> dict:
        recent = self.dates_ > self.dates_[-1] - pd.Timedelta(weeks=self.weeks)
        level = float(np.log(np.mean(np.exp(log_y[recent]))))
        spread = float(np.std(log_y[recent] - level)) if recent.sum() > 1 else 0.0
        return {"log_level": level, "days_used": int(recent.sum()), "log_sd": spread}

    def _predict_log(self, h: int) -> tuple[np.ndarray, np.ndarray]:
        spread = self.results_["log_sd"] * np.sqrt(1 + 1 / max(self.results_["days_used"], 1))
        return np.full(h, self.results_["log_level"]), np.full(h, spread)


def weekly_means(dates: pd.DatetimeIndex, log_y: np.ndarray) -> tuple[np.ndarray, int]:
    """Mean log level per calendar week (the last STATSMODELS_DAYS days) and the typical days per week."""
    frame = pd.Series(log_y, index=dates).iloc[-STATSMODELS_DAYS:]
    week = (frame.index - pd.Timestamp("2000-01-03")).days // 7
    grouped = frame.groupby(week)
    return grouped.mean().to_numpy(), int(max(1, round(grouped.size().median())))


def _per_day(weekly: np.ndarray, days_per_week: int, h: int) -> np.ndarray:
    return np.repeat(weekly, days_per_week)[:h]


class LocalLevel(LevelModel):
    """statsmodels UnobservedComponents local level (random walk plus noise, MLE) on weekly mean levels."""

    alias = "local_level"

    def _fit(self, log_y: np.ndarray) -> dict:
        from statsmodels.tsa.statespace.structural import UnobservedComponents

        log_y, self._days_per_week = weekly_means(self.dates_, log_y)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fitted = UnobservedComponents(log_y, "llevel").fit(disp=False)
        self._fitted = fitted
        return {"sigma2_level": float(fitted.params[1]), "sigma2_noise": float(fitted.params[0]), "llf": float(fitted.llf)}

    def _predict_log(self, h: int) -> tuple[np.ndarray, np.ndarray]:
        forecast = self._fitted.get_forecast(h // self._days_per_week + 1)
        mean, sd = np.asarray(forecast.predicted_mean), np.sqrt(np.asarray(forecast.var_pred_mean))
        return _per_day(mean, self._days_per_week, h), _per_day(sd, self._days_per_week, h)


class DampedTrend(LevelModel):
    """statsmodels Holt-Winters exponential smoothing with a damped additive trend, on weekly mean log levels."""

    alias = "damped_trend"

    def _fit(self, log_y: np.ndarray) -> dict:
        from statsmodels.tsa.holtwinters import ExponentialSmoothing

        weekly, self._days_per_week = weekly_means(self.dates_, log_y)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if len(weekly) < 8:
                fitted = ExponentialSmoothing(weekly).fit(smoothing_level=0.5)
            else:
                fitted = ExponentialSmoothing(weekly, trend="add", damped_trend=True).fit(use_brute=False)
        self._fitted = fitted
        params = {
            name: float(fitted.params[name])
            for name in ("smoothing_level", "smoothing_trend", "damping_trend")
            if np.isfinite(fitted.params.get(name, np.nan))
        }
        params["residual_sd"] = float(np.std(weekly - fitted.fittedvalues)) if len(weekly) > 1 else 0.0
        return params

    def _predict_log(self, h: int) -> tuple[np.ndarray, np.ndarray]:
        weeks = h // self._days_per_week + 1
        mean = np.asarray(self._fitted.forecast(weeks))
        alpha = self.results_.get("smoothing_level", 0.5)
        sd = self.results_["residual_sd"] * np.sqrt(1 + alpha**2 * np.arange(weeks))
        return _per_day(mean, self._days_per_week, h), _per_day(sd, self._days_per_week, h)


def candidate_models() -> list[LevelModel]:
    """Fresh instances of the level models the forecaster chooses from by backtest."""
    return [RecentMean(4), RecentMean(8), LocalLevel(), DampedTrend()]
