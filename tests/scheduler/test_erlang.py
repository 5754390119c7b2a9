"""Erlang C: published cases, an exact rational brute force, minimality and stability."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.queueing.erlang_c import erlang_b, erlang_c_agents, erlang_c_performance


def brute_force_erlang_c(load: Fraction, agents: int) -> Fraction:
    """P(wait) from the textbook sums, exactly in rationals."""
    terms = sum(load**k / math.factorial(k) for k in range(agents))
    top = load**agents / math.factorial(agents) * Fraction(agents) / (agents - load)
    return top / (terms + top)


def brute_force_service(load: Fraction, agents: int, aht_seconds: float, within_seconds: float) -> tuple[float, float]:
    wait = brute_force_erlang_c(load, agents)
    surplus = float(agents - load)
    return 1 - float(wait) * math.exp(-surplus * within_seconds / aht_seconds), float(wait) * aht_seconds / surplus


# Published: 80% in 20 s, 30-minute intervals. 10 Erl = 100 calls x 180 s; 53.33 Erl = 400 calls x 240 s;
# 125 Erl = 750 calls x 300 s.
PUBLISHED = [(100, 180, 14, 0.8884, 7.84), (400, 240, 60, 0.8401, 10.03), (750, 300, 134, 0.8220, 10.81)]


@pytest.mark.parametrize(("calls", "aht_seconds", "agents", "service_level", "asa_seconds"), PUBLISHED)
def test_published_cases(calls, aht_seconds, agents, service_level, asa_seconds):
    load = calls * aht_seconds / 1800
    assert erlang_c_agents(load, aht_seconds, 20, 0.8)[()] == agents
    figures = erlang_c_performance(load, [agents - 1, agents], aht_seconds, 20)
    assert round(float(figures["service_level"][1]), 4) == service_level
    assert round(float(figures["asa_seconds"][1]), 2) == asa_seconds
    assert figures["service_level"][0] < 0.8
    exact_level, exact_asa = brute_force_service(Fraction(calls * aht_seconds, 1800), agents, aht_seconds, 20)
    assert figures["service_level"][1] == pytest.approx(exact_level, rel=1e-12)
    assert figures["asa_seconds"][1] == pytest.approx(exact_asa, rel=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.fractions(min_value=Fraction(1, 50), max_value=40, max_denominator=50), st.integers(0, 12))
def test_matches_rational_brute_force(load, extra):
    agents = math.floor(load) + 1 + extra
    level, asa = brute_force_service(load, agents, 240, 20)
    figures = erlang_c_performance(float(load), agents, 240, 20)
    assert float(figures["wait_probability"]) == pytest.approx(float(brute_force_erlang_c(load, agents)), rel=1e-11, abs=1e-300)
    assert float(figures["service_level"]) == pytest.approx(level, rel=1e-11, abs=1e-13)
    assert float(figures["asa_seconds"]) == pytest.approx(asa, rel=1e-11, abs=1e-13)


@settings(max_examples=80, deadline=None)
@given(st.floats(0.0, 400.0), st.floats(30, 900), st.floats(5, 120), st.floats(0.5, 0.99), st.sampled_from([1.0, 0.9, 0.85, 0.7]))
def test_returned_count_is_minimal(load, aht_seconds, within_seconds, target, max_occupancy):
    agents = int(erlang_c_agents(load, aht_seconds, within_seconds, target, max_occupancy)[()])
    if load == 0:
        assert agents == 0
        return
    assert agents >= 1 and agents > load and load / agents <= max_occupancy + 1e-9
    levels = erlang_c_performance(load, [agents - 1, agents], aht_seconds, within_seconds)["service_level"]
    assert levels[1] >= target - 1e-9
    one_fewer_allowed = agents - 1 > load and load / (agents - 1) <= max_occupancy * (1 + 1e-9)
    assert not (one_fewer_allowed and levels[0] >= target - 1e-9)


@settings(max_examples=50, deadline=None)
@given(st.floats(0.01, 3000.0), st.floats(30, 900), st.floats(1, 120))
def test_service_level_rises_with_agents(load, aht_seconds, within_seconds):
    agents = np.arange(math.floor(load) + 1, math.floor(load) + 60)
    levels = erlang_c_performance(load, agents, aht_seconds, within_seconds)["service_level"]
    assert np.all(np.diff(levels) >= -1e-12)
    asa = erlang_c_performance(load, agents, aht_seconds, within_seconds)["asa_seconds"]
    assert np.all(np.diff(asa) <= 1e-9)


def test_stable_at_thousands_of_erlangs():
    load = 2500.0
    agents = int(erlang_c_agents(load, 180, 20, 0.8)[()])
    assert 2500 < agents < 2600
    figures = erlang_c_performance(load, [agents - 1, agents], 180, 20)
    assert figures["service_level"][0] < 0.8 <= figures["service_level"][1]
    inverse = 1.0  # 1 / B(0); the forward recursion is stable in floats
    for n in range(1, 2561):
        inverse = 1 + inverse * n / load
    assert erlang_b(load, 2560) == pytest.approx(1 / inverse, rel=1e-10)
    assert np.isfinite(erlang_c_performance([5000.0, 20000.0], [5100, 20200], 300, 20)["service_level"]).all()


def test_zero_tiny_and_fractional_loads():
    loads = [0.0, 1e-9, 0.02, 0.5, 1.0]
    assert erlang_c_agents(loads, 180, 20, 0.8).tolist() == [0, 1, 1, 2, 3]
    figures = erlang_c_performance(0.0, 0, 180, 20)
    assert figures["service_level"] == 1 and figures["asa_seconds"] == 0 and figures["occupancy"] == 0


def test_occupancy_cap_at_an_exact_boundary():
    # 8.5 / 0.85 is 10.000000000000002 in floating point; 10 agents are exactly at the cap.
    assert erlang_c_agents([8.5, 17.0, 8.6], 180, 20, 0.01, 0.85).tolist() == [10, 20, 11]
    assert erlang_c_agents(9.0, 180, 20, 0.01, 1.0)[()] == 10  # load 9 needs n > 9 to be stable


def test_unstable_queue_reports_no_service():
    figures = erlang_c_performance(10.0, [0, 5, 10], 180, 20)
    assert figures["service_level"].tolist() == [0.0, 0.0, 0.0]
    assert np.isinf(figures["asa_seconds"]).all()
