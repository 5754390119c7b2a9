"""Erlang C (M/M/n) queueing math, vectorized over arrays of intervals.

Loads are in Erlangs (arrival rate x average handle time). Erlang B is computed in log space from
the Poisson probability and scipy's regularized incomplete gamma function (never factorials), and
then stepped with the stable forward recursion B(n+1) = A B(n) / (n + 1 + A B(n)), so the math stays
accurate at 2,000+ Erlangs and the requirement search is a few cheap array steps per interval.

Definitions (per interval, load A, n agents, handle time h, answer-within time t):
    C(n, A)  = n B / (n - A (1 - B))                 probability an arrival waits (n > A)
    SL       = 1 - C exp(-(n - A) t / h)             share of arrivals answered within t
    ASA      = C h / (n - A)                         mean wait of all arrivals
    occupancy = A / n
With n <= A the queue is unstable: SL 0, ASA infinite, occupancy 1.
"""

from __future__ import annotations

import numpy as np
from scipy.special import gammaincc, gammaln

#: Relative slack when comparing a computed figure with its target, so a target met exactly
#: (e.g. load / max_occupancy an exact integer) is not lost to floating-point rounding.
TARGET_TOLERANCE = 1e-9


def erlang_b(load, agents) -> np.ndarray:
    """Blocking probability B(n, A) of n servers offered A Erlangs (log space, stable at any size).

    Args:
        load: offered load A in Erlangs (>= 0), array-like.
        agents: whole numbers of servers n (>= 0), array-like broadcastable with load.
    """
    load, agents = np.broadcast_arrays(np.asarray(load, float), np.asarray(agents, float))
    blocking = np.ones(load.shape)
    positive = (agents > 0) & (load > 0)
    n, a = agents[positive], load[positive]
    with np.errstate(divide="ignore"):
        log_pmf = n * np.log(a) - a - gammaln(n + 1)
        log_cdf = np.log(gammaincc(n + 1, a))
    blocking[positive] = np.exp(log_pmf - log_cdf)
    blocking[(agents > 0) & (load <= 0)] = 0.0
    return blocking


def erlang_c_performance(load, agents, aht_seconds, answer_within_seconds) -> dict[str, np.ndarray]:
    """Service figures of an M/M/n queue (Erlang C) for whole agent counts.

    Args:
        load: offered load in Erlangs.
        agents: whole numbers of agents (servers).
        aht_seconds: average handle time.
        answer_within_seconds: the service-level threshold t.

    Returns:
        Arrays service_level, asa_seconds (mean wait of all arrivals, inf when n <= A),
        abandon_rate (0: no abandonment in Erlang C), occupancy, wait_probability.
    """
    load, agents, aht, within = np.broadcast_arrays(*(np.asarray(v, float) for v in (load, agents, aht_seconds, answer_within_seconds)))
    return _erlang_c_from_b(load, agents, erlang_b(load, agents), aht, within)


def _erlang_c_from_b(load, agents, blocking, aht, within) -> dict[str, np.ndarray]:
    stable = agents > load
    idle = load <= 0
    with np.errstate(divide="ignore", invalid="ignore"):
        surplus = np.where(stable, agents - load, 1.0)
        wait_probability = np.where(stable, agents * blocking / (agents - load * (1 - blocking)), 1.0)
        service_level = np.where(stable, 1 - wait_probability * np.exp(-surplus * within / np.where(aht > 0, aht, 1.0)), 0.0)
        asa = np.where(stable, wait_probability * aht / surplus, np.inf)
        occupancy = np.where(agents > 0, np.minimum(load / np.where(agents > 0, agents, 1.0), 1.0), 0.0)
    wait_probability = np.where(idle, 0.0, wait_probability)
    return {
        "service_level": np.clip(np.where(idle, 1.0, service_level), 0.0, 1.0),
        "asa_seconds": np.where(idle, 0.0, asa),
        "abandon_rate": np.zeros(load.shape),
        "occupancy": np.where(idle, 0.0, occupancy),
        "wait_probability": wait_probability,
    }


def occupancy_floor(load, max_occupancy) -> np.ndarray:
    """Fewest servers keeping offered load / servers <= max_occupancy (exact boundaries kept)."""
    ratio = np.asarray(load, float) / np.asarray(max_occupancy, float)
    return np.maximum(np.ceil(ratio * (1 - TARGET_TOLERANCE)), 0.0)


def erlang_c_agents(load, aht_seconds, answer_within_seconds, target_service_level, max_occupancy=1.0) -> np.ndarray:
    """Smallest whole agent count meeting the service level and the occupancy cap (Erlang C).

    The count is the least n with n > A, A / n <= max_occupancy and SL(n) >= target. SL rises
    with n, so the search starts at the larger of the two lower bounds and steps every interval up
    in lockstep (Erlang B recursion), one array operation per step. Zero load gives 0 agents; any
    positive load at least 1.

    Args:
        load: offered load per interval in Erlangs (>= 0).
        aht_seconds, answer_within_seconds, target_service_level, max_occupancy: scalars or arrays
            broadcastable with load.

    Returns:
        Integer array of agents.
    """
    load, aht, within, target, cap = np.broadcast_arrays(
        *(np.asarray(v, float) for v in (load, aht_seconds, answer_within_seconds, target_service_level, max_occupancy))
    )
    agents = np.zeros(load.shape, dtype=np.int64)
    index = np.flatnonzero(load > 0)
    a, h, w, goal = load.flat[index], aht.flat[index], within.flat[index], target.flat[index] - TARGET_TOLERANCE
    n = np.maximum(np.floor(a) + 1, occupancy_floor(a, cap.flat[index]))
    blocking = erlang_b(a, n)
    while index.size:
        level = _erlang_c_from_b(a, n, blocking, h, w)["service_level"]
        met = level >= goal
        agents.flat[index[met]] = n[met].astype(np.int64)
        keep = ~met
        index, a, h, w, goal, n, blocking = (v[keep] for v in (index, a, h, w, goal, n, blocking))
        blocking = a * blocking / (n + 1 + a * blocking)
        n = n + 1
    return agents
