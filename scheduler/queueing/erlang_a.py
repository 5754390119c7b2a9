"""Erlang A (M/M/n+M: Poisson arrivals, exponential handle times, exponential patience), exact.

Closed forms of Garnett, Mandelbaum and Reiman (2002) / Mandelbaum and Zeltyn, written with the
regularized incomplete gamma function so they vectorize over intervals. With arrival rate lam,
service rate mu = 1 / aht, abandonment rate theta = 1 / patience, n agents, A = lam / mu,
a = lam / theta, b = n mu / theta, and the ratio R(c, x) = P(c, x) / g(c, x) of the regularized
lower incomplete gamma P to the gamma density g(c, x) = exp(-x) x^(c-1) / Gamma(c):

    E = sum_{j<n} A^j / j! / (A^(n-1) / (n-1)!) = Q(n, A) / poisson_pmf(n - 1; A)
    D = E + R(b, a)                                       (normalizer; R(b, a) = lam J)
    P(wait > 0)          = R(b, a) / D
    P(abandon)           = (R(b, a) - R(b + 1, a)) / D
    P(answered within t) = (E + R(b + 1, a) - exp(lam H(t) - n mu t) R(b + 1, a e^(-theta t))) / D
    with lam H(t) = a (1 - e^(-theta t)), and the mean wait of answered calls
    ASA = -dR(c, a)/dc at c = b + 1, divided by theta (E + R(b + 1, a)).

**Service level is the share of ALL arrivals answered within t**: callers who abandon (before or
after t) count against it. The abandon rate is the share of arrivals who hang up before an answer;
ASA is the mean wait of answered calls. The dR/dc term is a central difference of log R (relative
error below 1e-7). R is computed as gammainc / density where both are representable, else from its
convergent series R(c, x) = sum_k prod_{i<=k} x / (c + i) (the far tail, where both underflow).
The tests check all of this against a dense birth-death chain solved with numpy.
"""

from __future__ import annotations

import numpy as np
from scipy.special import gammainc, gammaincc, gammaln

from scheduler.queueing.erlang_c import TARGET_TOLERANCE, occupancy_floor

_UNDERFLOW = 1e-280


def log_gamma_ratio(shape, x) -> np.ndarray:
    """log R(c, x) = log(P(c, x) / g(c, x)), robust where P and g underflow."""
    shape, x = (np.array(v, dtype=float, ndmin=1) for v in np.broadcast_arrays(shape, x))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        log_density = (shape - 1) * np.log(x) - x - gammaln(shape)
        lower = gammainc(shape, x)
        result = np.log(lower) - log_density
        tail = (lower < _UNDERFLOW) & (x > 0)
        if tail.any():
            result[tail] = np.log(_ratio_series(shape[tail], x[tail]))
    return np.where(x > 0, result, -np.inf)


def _ratio_series(shape: np.ndarray, x: np.ndarray) -> np.ndarray:
    """sum_k prod_{i<=k} x / (c + i) for x well below c (terms shrink geometrically)."""
    term = x / shape
    total = term.copy()
    k = 1
    active = np.arange(x.size)
    while active.size:
        term[active] *= x[active] / (shape[active] + k)
        total[active] += term[active]
        active = active[term[active] > 1e-17 * total[active]]
        k += 1
    return total


def erlang_a_performance(load, agents, aht_seconds, patience_seconds, answer_within_seconds) -> dict[str, np.ndarray]:
    """Exact service figures of an M/M/n+M queue for whole agent counts.

    Args:
        load: offered load in Erlangs (arrival rate x AHT).
        agents: whole numbers of agents.
        aht_seconds: average handle time.
        patience_seconds: mean caller patience (exponential).
        answer_within_seconds: the service-level threshold t.

    Returns:
        Arrays service_level (share of all arrivals answered within t), asa_seconds (mean wait of
        answered calls; inf when no call is answered), abandon_rate, occupancy (carried load / n),
        wait_probability.
    """
    load, agents, aht, patience, within = np.broadcast_arrays(
        *(np.asarray(v, float) for v in (load, agents, aht_seconds, patience_seconds, answer_within_seconds))
    )
    out = {
        "service_level": np.where(load > 0, 0.0, 1.0),
        "asa_seconds": np.where(load > 0, np.inf, 0.0),
        "abandon_rate": np.where(load > 0, 1.0, 0.0),
        "occupancy": np.zeros(load.shape),
        "wait_probability": np.where(load > 0, 1.0, 0.0),
    }
    staffed = (load > 0) & (agents > 0)
    if staffed.any():
        figures = _staffed_figures(load[staffed], agents[staffed], aht[staffed], patience[staffed], within[staffed], with_asa=True)
        for name, values in figures.items():
            out[name][staffed] = values
    return out


def _staffed_figures(load, agents, aht, patience, within, *, with_asa: bool) -> dict[str, np.ndarray]:
    """The closed forms for load > 0 and agents >= 1 (1-D arrays)."""
    theta_t = within / patience
    a = load * patience / aht  # lam / theta
    b = agents * patience / aht  # n mu / theta
    x_t = a * np.exp(-theta_t)
    with np.errstate(divide="ignore", under="ignore"):
        log_e = np.log(gammaincc(agents, load)) - ((agents - 1) * np.log(load) - load - gammaln(agents))
    log_r0 = log_gamma_ratio(b, a)
    log_r1 = log_gamma_ratio(b + 1, a)
    log_late = a - x_t - agents * within / aht + log_gamma_ratio(b + 1, x_t)
    log_d = np.logaddexp(log_e, log_r0)
    immediate = np.exp(log_e - log_d)
    served_from_queue = np.exp(log_r1 - log_d)
    abandon = np.clip(np.exp(log_r0 - log_d) - served_from_queue, 0.0, 1.0)
    figures = {
        "service_level": np.clip(immediate + served_from_queue - np.exp(log_late - log_d), 0.0, 1.0),
        "abandon_rate": abandon,
        "occupancy": np.minimum(load * (1 - abandon) / agents, 1.0),
        "wait_probability": np.exp(log_r0 - log_d),
    }
    if with_asa:
        # log R(c, a) bends on the scale of max(|c - a|, sqrt(a)); step well inside it.
        scale = np.minimum(b + 1, np.maximum(np.maximum(np.abs(b + 1 - a), np.sqrt(a)), 1.0))
        step = 1e-4 * scale
        with np.errstate(invalid="ignore"):
            slope = (log_gamma_ratio(b + 1 + step, a) - log_gamma_ratio(b + 1 - step, a)) / (2 * step)
            wait_weight = np.where(np.isfinite(log_r1), -slope * np.exp(log_r1 - np.logaddexp(log_e, log_r1)), 0.0)
        figures["asa_seconds"] = np.maximum(wait_weight * patience, 0.0)
    return figures


def erlang_a_agents(
    load, aht_seconds, patience_seconds, answer_within_seconds, target_service_level, max_abandon_rate=None, max_occupancy=1.0
) -> np.ndarray:
    """Smallest whole agent count meeting the SL target, the abandon cap and the occupancy cap.

    The count is the least n >= max(1, load / max_occupancy) with SL(n) >= target (SL over all
    arrivals, abandoned calls counted against) and P(abandon) <= max_abandon_rate when given. Both
    figures improve with n, so all intervals step up from that lower bound in lockstep.

    Returns:
        Integer array of agents (0 where the load is 0).
    """
    load, aht, patience, within, target, cap = np.broadcast_arrays(
        *(np.asarray(v, float) for v in (load, aht_seconds, patience_seconds, answer_within_seconds, target_service_level, max_occupancy))
    )
    abandon_cap = np.broadcast_to(np.asarray(np.inf if max_abandon_rate is None else max_abandon_rate, float), load.shape)
    agents = np.zeros(load.shape, dtype=np.int64)
    index = np.flatnonzero(load > 0)
    a, h, p, w = load.flat[index], aht.flat[index], patience.flat[index], within.flat[index]
    goal, limit = target.flat[index] - TARGET_TOLERANCE, abandon_cap.flat[index] + TARGET_TOLERANCE
    n = np.maximum(occupancy_floor(a, cap.flat[index]), 1.0)
    while index.size:
        figures = _staffed_figures(a, n, h, p, w, with_asa=False)
        met = (figures["service_level"] >= goal) & (figures["abandon_rate"] <= limit)
        agents.flat[index[met]] = n[met].astype(np.int64)
        keep = ~met
        index, a, h, p, w, goal, limit, n = (v[keep] for v in (index, a, h, p, w, goal, limit, n))
        n = n + 1
    return agents
