"""Erlang A (M/M/n+M): closed forms against a dense birth-death chain, the Erlang C limit, minimality."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.linalg import expm

from scheduler.queueing.erlang_a import erlang_a_agents, erlang_a_performance
from scheduler.queueing.erlang_c import erlang_c_performance


def dense_chain(load, agents, aht_seconds, patience_seconds, within_seconds, waiting_states=250):
    """Independent figures from a truncated CTMC: linear solve for the stationary law, expm for the tail.

    An arrival finding j callers waiting moves up the line at rate n mu + i theta (i still ahead) and
    abandons at rate theta; answered within t is absorption in 'served' by time t.
    """
    lam, mu, theta = load / aht_seconds, 1 / aht_seconds, 1 / patience_seconds
    size = agents + waiting_states + 1
    generator = np.zeros((size, size))
    for k in range(size):
        if k + 1 < size:
            generator[k, k + 1] = lam
        if k > 0:
            generator[k, k - 1] = min(k, agents) * mu + max(k - agents, 0) * theta
        generator[k, k] = -generator[k].sum()
    system = np.vstack([generator.T, np.ones(size)])
    stationary = np.linalg.lstsq(system, np.r_[np.zeros(size), 1.0], rcond=None)[0]
    assert stationary[-1] < 1e-14
    ahead = np.arange(waiting_states)  # transient state i: i callers still ahead
    transient = np.diag(-(agents * mu + ahead * theta) - theta) + np.diag(agents * mu + ahead[1:] * theta, k=-1)
    to_served = np.zeros(waiting_states)
    to_served[0] = agents * mu
    full = np.zeros((waiting_states + 1, waiting_states + 1))
    full[:-1, :-1] = transient
    full[:-1, -1] = to_served
    served_by_t = expm(full * within_seconds)[:-1, -1]
    served = np.linalg.solve(-transient, to_served)
    served_time = np.linalg.solve(-transient, served)  # E[wait; served] = (-T)^-2 s
    queue = stationary[agents:-1]
    immediate = stationary[:agents].sum()
    answered = immediate + queue @ served
    return {"service_level": immediate + queue @ served_by_t, "abandon_rate": 1 - answered, "asa_seconds": (queue @ served_time) / answered}


CASES = [  # load, agents, aht, patience, within
    (10.0, 12, 180, 120, 20),
    (10.0, 9, 180, 120, 20),  # under-staffed: abandonment keeps it stable
    (2.5, 4, 300, 60, 30),  # patience shorter than handle time
    (40.0, 38, 200, 400, 15),
    (0.3, 1, 240, 90, 20),
    (20.0, 25, 60, 600, 10),
]


@pytest.mark.parametrize(("load", "agents", "aht_seconds", "patience_seconds", "within_seconds"), CASES)
def test_matches_dense_birth_death_chain(load, agents, aht_seconds, patience_seconds, within_seconds):
    expected = dense_chain(load, agents, aht_seconds, patience_seconds, within_seconds)
    figures = erlang_a_performance(load, agents, aht_seconds, patience_seconds, within_seconds)
    assert float(figures["service_level"]) == pytest.approx(expected["service_level"], rel=1e-8)
    assert float(figures["abandon_rate"]) == pytest.approx(expected["abandon_rate"], rel=1e-8)
    assert float(figures["asa_seconds"]) == pytest.approx(expected["asa_seconds"], rel=1e-6)
    assert float(figures["occupancy"]) == pytest.approx(load * (1 - expected["abandon_rate"]) / agents, rel=1e-8)


@pytest.mark.parametrize(("load", "agents", "aht_seconds", "within_seconds"), [(10.0, 14, 180, 20), (125.0, 134, 300, 20), (2200.0, 2240, 240, 15)])
def test_tends_to_erlang_c_as_patience_grows(load, agents, aht_seconds, within_seconds):
    erlang_c = erlang_c_performance(load, agents, aht_seconds, within_seconds)
    gaps = []
    for patience_ratio in (1e1, 1e3, 1e5, 1e7):
        figures = erlang_a_performance(load, agents, aht_seconds, aht_seconds * patience_ratio, within_seconds)
        gaps.append(abs(float(figures["service_level"] - erlang_c["service_level"])))
        assert np.isfinite([float(v) for v in figures.values()]).all()
    assert gaps == sorted(gaps, reverse=True)
    assert gaps[-1] < 1e-6
    far = erlang_a_performance(load, agents, aht_seconds, aht_seconds * 1e7, within_seconds)
    assert float(far["asa_seconds"]) == pytest.approx(float(erlang_c["asa_seconds"]), rel=1e-5)
    assert float(far["abandon_rate"]) < 1e-6


@settings(max_examples=60, deadline=None)
@given(
    st.floats(0.0, 300.0),
    st.floats(60, 900),
    st.floats(20, 900),
    st.floats(5, 60),
    st.floats(0.5, 0.95),
    st.one_of(st.none(), st.floats(0.01, 0.2)),
    st.sampled_from([1.0, 0.85]),
)
def test_returned_count_is_minimal(load, aht_seconds, patience_seconds, within_seconds, target, max_abandon_rate, max_occupancy):
    agents = int(erlang_a_agents(load, aht_seconds, patience_seconds, within_seconds, target, max_abandon_rate, max_occupancy)[()])
    if load == 0:
        assert agents == 0
        return
    assert agents >= 1 and load / agents <= max_occupancy * (1 + 1e-9)
    figures = erlang_a_performance(load, [agents - 1, agents], aht_seconds, patience_seconds, within_seconds)
    abandon_cap = math.inf if max_abandon_rate is None else max_abandon_rate
    meets = (figures["service_level"] >= target - 1e-9) & (figures["abandon_rate"] <= abandon_cap + 1e-9)
    assert meets[1]
    one_fewer_allowed = agents - 1 >= 1 and load / (agents - 1) <= max_occupancy * (1 + 1e-9)
    assert not (one_fewer_allowed and meets[0])


@settings(max_examples=40, deadline=None)
@given(st.floats(0.01, 2500.0), st.floats(60, 600), st.floats(10, 900), st.floats(5, 60))
def test_service_improves_with_agents(load, aht_seconds, patience_seconds, within_seconds):
    agents = np.arange(max(1, math.floor(load) - 20), math.floor(load) + 40)
    figures = erlang_a_performance(load, agents, aht_seconds, patience_seconds, within_seconds)
    assert np.all(np.diff(figures["service_level"]) >= -1e-10)
    assert np.all(np.diff(figures["abandon_rate"]) <= 1e-10)
    assert np.all((figures["service_level"] >= 0) & (figures["service_level"] <= 1))


def test_abandon_cap_can_bind():
    without_cap = int(erlang_a_agents(30.0, 240, 60, 20, 0.5)[()])
    with_cap = int(erlang_a_agents(30.0, 240, 60, 20, 0.5, max_abandon_rate=0.01)[()])
    assert with_cap > without_cap
    assert erlang_a_performance(30.0, with_cap, 240, 60, 20)["abandon_rate"] <= 0.01
    assert erlang_a_performance(30.0, with_cap - 1, 240, 60, 20)["abandon_rate"] > 0.01


def test_thousands_of_erlangs_and_edge_loads():
    agents = erlang_a_agents([2500.0, 0.0, 1e-9, 2500.0], 180, 120, 20, [0.999, 0.8, 0.8, 0.8])
    assert agents[1] == 0 and agents[2] == 1 and agents[3] == 2500  # the occupancy floor binds at 80%
    assert 2500 < agents[0] < 2600
    figures = erlang_a_performance(2500.0, [agents[0] - 1, agents[0]], 180, 120, 20)
    assert figures["service_level"][0] < 0.999 <= figures["service_level"][1]
    nobody = erlang_a_performance(5.0, 0, 180, 120, 20)
    assert nobody["service_level"] == 0 and nobody["abandon_rate"] == 1 and np.isinf(nobody["asa_seconds"])
