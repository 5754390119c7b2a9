"""One contract for every daily level model."""

import numpy as np
import pandas as pd
import pytest

from forecasts import candidate_models

MODELS = [model.alias for model in candidate_models()]


def level_series(days=200, seed=3):
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2025-01-01", periods=days, freq="D")
    return pd.Series(1000 * np.exp(np.cumsum(rng.normal(0, 0.01, days)) + rng.normal(0, 0.05, days)), index=dates)


def make(alias):
    return next(model for model in candidate_models() if model.alias == alias)


@pytest.mark.parametrize("alias", MODELS)
def test_model_contract(alias):
    y = level_series()
    model = make(alias)
    assert model.fit(y) is model
    prediction = model.predict(17)
    assert len(prediction) == 17
    assert list(prediction.columns) == ["forecast", "lo", "hi"]
    assert not prediction.isna().any().any()
    assert (prediction.lo <= prediction.forecast).all() and (prediction.forecast <= prediction.hi).all()
    assert (prediction.hi > prediction.lo).any()
    assert 800 < prediction.forecast.iloc[0] < 1250
    again = make(alias).fit(y).predict(17)
    pd.testing.assert_frame_equal(prediction, again)
    assert alias in model.summary()
    assert model.results_


@pytest.mark.parametrize("alias", MODELS)
def test_model_rejects_nan(alias):
    y = level_series()
    y.iloc[5] = np.nan
    with pytest.raises(ValueError):
        make(alias).fit(y)
