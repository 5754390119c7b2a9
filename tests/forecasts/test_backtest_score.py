"""Backtest scores: what the band coverage counts."""

from __future__ import annotations

import pandas as pd
import pytest

from forecasts.backtesting import score


def test_coverage_leaves_out_closed_intervals_without_contacts_but_counts_those_with():
    times = pd.date_range("2025-11-03 00:00", periods=4, freq="30min")
    actual = pd.DataFrame({"queue": "q", "interval_start": times, "contacts": [0.0, 0.0, 5.0, 9.0]})
    forecast = pd.DataFrame(  # the first two intervals are closed: no forecast rows
        {"queue": "q", "interval_start": times[2:], "contacts": [6.0, 6.0], "contacts_lo": [4.0, 4.0], "contacts_hi": [8.0, 8.0]}
    )
    assert score(actual, forecast, "model").set_index("queue").loc["q", "coverage_80"] == pytest.approx(0.5)
    actual.loc[0, "contacts"] = 2.0  # contacts in a closed interval: outside its (missing) band
    assert score(actual, forecast, "model").set_index("queue").loc["q", "coverage_80"] == pytest.approx(1 / 3)
