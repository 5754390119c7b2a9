"""How the forecaster estimates from noisy history: intraday shapes pooled across weekdays only where they
agree, and the model choice keeping past years' change."""

import numpy as np
import pandas as pd
from synthetic import synthetic_history

from forecasts import daily as daily_module
from forecasts import forecast_contacts, validate_history
from forecasts import forecaster as forecaster_module
from forecasts.profiles import IntradayProfiles

SLOTS = 24
WEEKS = 16


def _shape(peak_hour: float) -> np.ndarray:
    hours = np.arange(SLOTS) + 0.5
    shape = 0.3 + np.exp(-((hours - peak_hour) ** 2) / 8)
    return shape / shape.sum()


def _profiles(saturday_peak: float, seed: int = 3) -> tuple[IntradayProfiles, np.ndarray, np.ndarray]:
    """16 weeks of Poisson days of 1,500 contacts: every weekday peaks at 11:00, Saturday at `saturday_peak`."""
    dates = pd.date_range("2024-01-01", periods=7 * WEEKS, freq="D")
    weekday_shape, saturday_shape = _shape(11), _shape(saturday_peak)
    shapes = np.where((dates.day_of_week == 5)[:, None], saturday_shape, weekday_shape)
    counts = np.random.default_rng(seed).poisson(1500 * shapes).astype(float)
    open_slots = np.ones((7, SLOTS), dtype=bool)
    empty_keys = pd.DataFrame(columns=["date", "name", "kind", "key", "occurrence"])
    return IntradayProfiles(counts, dates, np.ones(len(dates), dtype=bool), open_slots, empty_keys), counts, shapes


def _distance(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a - b).sum())


def test_weekdays_with_one_shape_pool_all_their_days():
    """Same shape every day: a Tuesday's profile is about as good as the mean of all days, far better than its own 16."""
    profiles, counts, shapes = _profiles(saturday_peak=11)
    tuesdays = counts[profiles.day_of_week == 1]
    own_mean = (tuesdays / tuesdays.sum(axis=1, keepdims=True)).mean(axis=0)
    all_mean = (counts / counts.sum(axis=1, keepdims=True)).mean(axis=0)
    truth = shapes[0]
    assert _distance(profiles.normal_profile(1), truth) < 0.6 * _distance(own_mean, truth)
    assert _distance(profiles.normal_profile(1), truth) < 1.3 * _distance(all_mean, truth)


def test_a_weekday_with_its_own_shape_keeps_it():
    """Saturday peaks at 19:00, the other days at 11:00: Saturday's profile follows its own days, the others are not pulled."""
    profiles, _, shapes = _profiles(saturday_peak=19)
    saturday_truth, weekday_truth = shapes[profiles.day_of_week == 5][0], shapes[0]
    assert _distance(profiles.normal_profile(5), saturday_truth) < 0.05
    assert _distance(profiles.normal_profile(1), weekday_truth) < 0.05


def test_with_past_years_only_models_carrying_their_change_compete(monkeypatch):
    """A candidate without the annual change that wins every fold (here it is fed the folds' actual days) is
    still not chosen once the history has a year: the folds cannot show it is right to ignore a known season."""
    generated = synthetic_history(days=800, seed=5)  # the fold a year back has a year before it too
    history = validate_history(generated.drop(columns="expected_contacts"))
    actual_daily = generated.groupby(generated.interval_start.dt.normalize()).contacts.sum()
    start = actual_daily.index[-1] + pd.Timedelta(days=1)
    real_candidates = forecaster_module.daily_candidates

    def oracle_in_the_folds(fit, future):
        daily, applied = real_candidates(fit, future)
        if future[0] < start:
            daily["recent_mean_8w"] = actual_daily.reindex(future).fillna(0.0).to_numpy()
        return daily, applied

    monkeypatch.setattr(forecaster_module, "daily_candidates", oracle_in_the_folds)
    result = forecast_contacts(history, [], start.date(), 28)
    chosen = result.models["chat"].model
    assert "recent_mean_8w" not in chosen.replace("recent_mean_8w+annual", "")
    assert all(part.split(" ")[0].endswith("+annual") for part in chosen.split(", "))


def _two_occurrences(differences: dict[str, float], once: tuple[str, ...] = ()) -> pd.DataFrame:
    """Net log ratios of two occurrences of an event: per key, a level of 0.3 plus and minus half its difference
    (`once`: keys seen in the first occurrence only)."""
    rows = []
    for key, difference in differences.items():
        rows.append((key, 0.3 + difference / 2))
        if key not in once:
            rows.append((key, 0.3 - difference / 2))
    return pd.DataFrame(rows, columns=["key", "net"])


def test_an_event_days_spread_is_its_sides_pooled_variance_for_a_new_occurrence():
    """Two occurrences give each key one degree of freedom: a key whose two happen to agree still gets the
    variance the other keys of its side show, times 1 + 1/2 (a new occurrence around a mean of two); the days
    after the event keep their own side's; a key seen once has none (the forecast falls back to half its effect)."""
    differences = {f"day-{i}": 0.1 for i in range(8)} | {"day-3": 0.0} | {f"post-{i}": 0.02 for i in range(1, 6)}
    effect = daily_module._effect_from(_two_occurrences(differences | {"day-8": 0.0}, once=("day-8",)), sigma=0.03)
    pooled = 7 * 0.1**2 / 2 / 8  # 7 keys with a squared deviation of 0.1^2 / 2 each, day-3 with 0, over 8 degrees of freedom
    assert np.isclose(effect.log_spread["day-3"], np.sqrt(pooled * 1.5))
    assert np.isclose(effect.log_spread["day-0"], np.sqrt(pooled * 1.5))
    assert np.isnan(effect.log_spread["day-8"])
    assert np.isclose(effect.log_spread["post-2"], np.sqrt(0.02**2 / 2 * 1.5))


def test_a_small_shift_shared_by_an_occurrences_days_is_shrunk_as_two_draws():
    """Ten days after an event, each 4% low in both occurrences (as a baseline's error makes them): the local
    mean is pulled toward no effect as two draws (weight 2 x 0.04^2 / (2 x 0.04^2 + sigma^2) = 2/3), not as
    the twenty days (0.91); a wave of +30% on the same days stays."""
    small = _two_occurrences({f"post-{i}": 0.0 for i in range(1, 11)}).assign(net=lambda frame: frame.net - 0.34)
    effect = daily_module._effect_from(pd.concat([small, pd.DataFrame({"key": ["day-0"] * 2, "net": [0.3, 0.3]})]), sigma=0.04)
    assert all(-0.03 < effect.log_effect[f"post-{i}"] < -0.02 for i in range(3, 9))
    wave = daily_module._effect_from(_two_occurrences({f"day-{i}": 0.0 for i in range(10)}), sigma=0.04)
    assert all(wave.log_effect[f"day-{i}"] > 0.29 for i in range(10))
