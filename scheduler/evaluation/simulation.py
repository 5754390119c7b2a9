"""Discrete-event simulation of a roster with simpy: what the queueing formulas miss.

The model, per replication:
- Arrivals: Poisson per queue and interval with the forecast mean (optionally gamma-Poisson
  over-dispersed: variance = mean + overdispersion * mean**2), uniform within the interval.
- Handle times: exponential, or lognormal with the same mean and a given coefficient of variation.
- Patience: exponential with the queue's `patience_seconds` (no abandonment when it is absent).
- Agents: present in the intervals where activities.csv puts them on a queue (not on break).
  Shrinkage keeps, in every interval, round(present * shrinkage) randomly chosen agents away
  (stochastic rounding keeps the mean exact; the same agents stay away while they are rostered),
  so the simulated net agents match the analytic net agents = scheduled * (1 - shrinkage).
  An agent going on break, off shift or away finishes the current contact first.
- Email: answered first come, first served when no voice or chat contact waits; an email still
  unanswered when the horizon ends counts as late only if its deadline has passed (else it belongs
  to the next plan, as in the analytic model).
- Counted contacts: those of the intervals the plan answers for (`first_answered`: real-time queues
  from then on; deferred queues from the start).
- Capacity: a voice or email contact takes a whole agent; chat sessions share an agent up to
  the queue's concurrency (chat never mixes with a call or an email on the same agent).
- Routing ("skills"): a contact goes to an available agent holding the skill, preferring the
  least-skilled one (fewest skills, then lowest level) so scarce skills stay free; chat packs onto
  agents already chatting. A freed agent takes the oldest waiting voice/chat contact it can
  serve, and email only when no voice or chat contact waits. Routing "assigned" keeps every agent
  on the queue the roster assigned (the analytic model's assumption).

The event loop is simpy's: one process feeds arrivals, one applies the roster at interval
boundaries, and service completions and abandonments are simpy timeouts with callbacks (a
dispatcher design: no process per agent or contact, which keeps a week of a large center fast).
"""

from __future__ import annotations

import heapq
import math
import multiprocessing
from collections import deque
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import simpy
from scipy.special import stdtrit

from scheduler.contracts.center import Agent
from scheduler.contracts.schema import CenterConfig
from staffcast.errors import ConfigError, DataError
from staffcast.interrupts import defer_interrupts_in_worker

BREAK = "break"


@dataclass(frozen=True)
class SimulationOptions:
    """How to simulate: replications, seed, distributions and routing."""

    replications: int = 5
    seed: int = 0
    handle_time_distribution: Literal["exponential", "lognormal"] = "exponential"
    handle_time_cv: float = 1.0
    overdispersion: float = 0.0
    routing: Literal["skills", "assigned"] = "skills"
    workers: int | None = None

    def __post_init__(self) -> None:
        if self.replications < 2:
            raise ConfigError(f"simulation: replications is {self.replications}; give at least 2 for a 95% interval.")
        if self.handle_time_distribution not in ("exponential", "lognormal"):
            raise ConfigError(f"simulation: handle_time_distribution '{self.handle_time_distribution}' is not exponential or lognormal.")
        if self.routing not in ("skills", "assigned"):
            raise ConfigError(f"simulation: routing '{self.routing}' is not skills or assigned.")
        if not self.handle_time_cv > 0 or self.overdispersion < 0:
            raise ConfigError("simulation: handle_time_cv must be > 0 and overdispersion >= 0.")


@dataclass(frozen=True)
class SimulationResult:
    """Means and 95% intervals over the replications.

    Attributes:
        intervals: queue, interval_start, contacts, service_level(_lo/_hi), asa_seconds(_lo/_hi),
            abandon_rate(_lo/_hi), per queue and interval (by arrival interval).
        queues: the same measures per queue over the whole horizon.
        occupancy: mean share of present agent time spent handling contacts (chat counts 1/concurrency).
        replications: number of replications.
    """

    intervals: pd.DataFrame
    queues: pd.DataFrame
    occupancy: float
    occupancy_interval: tuple[float, float]
    replications: int


@dataclass(frozen=True)
class _Model:
    """The roster and forecast compiled to plain arrays (picklable for worker processes)."""

    queue_ids: list[str]
    channels: list[str]
    concurrency: list[int]
    target_seconds: list[float]
    patience_seconds: list[float | None]
    interval_seconds: float
    interval_starts: list[pd.Timestamp]
    contacts: np.ndarray  # [queue, interval] mean arrivals
    aht_seconds: np.ndarray  # [queue, interval]
    agent_rank: list[dict[int, int]]  # per agent: queue -> preference rank (lower is preferred)
    presence: list[dict[int, int]]  # per interval: present agent -> assigned queue
    shrinkage: float
    first_counted: list[int]  # per queue: the first interval whose contacts are counted


def simulate_roster(
    config: CenterConfig,
    agents: list[Agent],
    activities: pd.DataFrame,
    workload: pd.DataFrame,
    options: SimulationOptions = SimulationOptions(),
    progress: Callable[[str], None] | None = None,
    first_answered: pd.Timestamp | None = None,
) -> SimulationResult:
    """Simulate the roster against the forecast over the forecast's horizon.

    Args:
        config: the center (queues, shrinkage, interval length).
        agents: the agents (skills and levels decide who can serve what).
        activities: agent_id, interval_start, activity (a queue id or "break").
        workload: queue, interval_start, contacts, aht_seconds (a forecast).
        options: replications, seed, distributions, routing, worker processes.
        progress: called with a short message after each replication.
        first_answered: contacts of real-time queues before it are simulated but not counted.

    Raises:
        DataError: when activities name unknown agents or queues.
    """
    model = _compile(config, agents, activities, workload, first_answered)
    seeds = [options.seed * 1000 + r for r in range(options.replications)]
    workers = options.workers if options.workers is not None else min(2, options.replications)
    runs = []
    if workers <= 1:
        for number, seed in enumerate(seeds, start=1):
            runs.append(run_replication(model, options, seed))
            if progress:
                progress(f"simulation replication {number}/{len(seeds)} done")
    else:
        # spawn, not fork: the parent may have run CP-SAT or BLAS threads, and forking a threaded process can deadlock.
        # A terminal's Ctrl-C reaches the workers too: they finish their replication (the command keeps its results).
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=defer_interrupts_in_worker) as pool:
            for number, run in enumerate(pool.map(run_replication, [model] * len(seeds), [options] * len(seeds), seeds), start=1):
                runs.append(run)
                if progress:
                    progress(f"simulation replication {number}/{len(seeds)} done")
    return _summarize(model, runs)


def _compile(
    config: CenterConfig, agents: list[Agent], activities: pd.DataFrame, workload: pd.DataFrame, first_answered: pd.Timestamp | None = None
) -> _Model:
    queue_ids = [q.id for q in config.queues]
    queue_index = {q: i for i, q in enumerate(queue_ids)}
    step = pd.Timedelta(minutes=config.interval_minutes)
    if workload.empty:
        raise DataError("the forecast to simulate has no rows.")
    starts = pd.date_range(workload.interval_start.min(), workload.interval_start.max(), freq=step)
    position = {t: i for i, t in enumerate(starts)}
    contacts = np.zeros((len(queue_ids), len(starts)))
    aht = np.zeros((len(queue_ids), len(starts)))
    rows = workload[workload.queue.isin(queue_index)]
    qi = rows.queue.map(queue_index).to_numpy()
    ti = rows.interval_start.map(position).to_numpy()
    contacts[qi, ti] = rows.contacts.to_numpy(float)
    aht[qi, ti] = rows.aht_seconds.to_numpy(float)

    agent_index = {a.agent_id: i for i, a in enumerate(agents)}
    unknown = sorted(set(activities.agent_id) - set(agent_index))
    if unknown:
        raise DataError(f"activities name agent(s) not in agents.csv: {', '.join(unknown[:5])}.")
    unknown_activity = sorted(set(activities.activity) - set(queue_ids) - {BREAK})
    if unknown_activity:
        raise DataError(f"activities name unknown queue(s) {', '.join(unknown_activity[:5])}; expected a queue id or 'break'.")
    ranks = []
    for agent in agents:
        held = [q for q in config.queues if agent.can_serve(q.skill, q.min_skill_level)]
        skill_count = len({q.skill for q in held})
        ranks.append({queue_index[q.id]: skill_count * 10 + agent.skills[q.skill] for q in held})
    presence: list[dict[int, int]] = [{} for _ in starts]
    working = activities[(activities.activity != BREAK) & activities.interval_start.isin(position)]
    for agent_id, start, activity in zip(working.agent_id, working.interval_start, working.activity):
        presence[position[start]][agent_index[agent_id]] = queue_index[activity]

    def target(queue) -> float:
        return queue.respond_within_hours * 3600 if queue.channel == "email" else queue.answer_within_seconds

    return _Model(
        queue_ids=queue_ids,
        channels=[q.channel for q in config.queues],
        concurrency=[q.concurrency or 1 for q in config.queues],
        target_seconds=[target(q) for q in config.queues],
        patience_seconds=[q.patience_seconds if q.channel != "email" else None for q in config.queues],
        interval_seconds=config.interval_minutes * 60.0,
        interval_starts=list(starts),
        contacts=contacts,
        aht_seconds=aht,
        agent_rank=ranks,
        presence=presence,
        shrinkage=config.staffing.shrinkage,
        first_counted=[
            0 if q.respond_within_hours is not None or first_answered is None else int(np.searchsorted(starts, first_answered)) for q in config.queues
        ],
    )


def _draw_contacts(model: _Model, options: SimulationOptions, rng: np.random.Generator):
    """Arrival times, queues, handle times and patience of every contact, in arrival order."""
    means = model.contacts
    if options.overdispersion > 0:
        shape = 1.0 / options.overdispersion
        means = rng.gamma(shape, np.where(means > 0, means / shape, 0.0))
    counts = rng.poisson(means)
    queue = np.repeat(np.repeat(np.arange(counts.shape[0]), counts.shape[1]), counts.ravel())
    interval = np.repeat(np.tile(np.arange(counts.shape[1]), counts.shape[0]), counts.ravel())
    arrival = (interval + rng.random(len(interval))) * model.interval_seconds
    order = np.argsort(arrival, kind="stable")
    queue, interval, arrival = queue[order], interval[order], arrival[order]
    mean_handle = model.aht_seconds[queue, interval]
    if options.handle_time_distribution == "lognormal":
        sigma2 = math.log(1 + options.handle_time_cv**2)
        handle = rng.lognormal(np.log(np.maximum(mean_handle, 1e-9)) - sigma2 / 2, math.sqrt(sigma2))
    else:
        handle = rng.exponential(np.maximum(mean_handle, 1e-9))
    patience_mean = np.array([p if p else np.inf for p in model.patience_seconds])[queue]
    patience = rng.exponential(1.0, len(queue)) * patience_mean
    return queue, interval, arrival, handle, patience


class _Center:
    """The dispatcher: agents' states, waiting lines and the routing decisions, driven by simpy."""

    IDLE, SINGLE, CHAT = 0, 1, 2

    def __init__(self, env: simpy.Environment, model: _Model, options: SimulationOptions, rng: np.random.Generator):
        self.env, self.model, self.options, self.rng = env, model, options, rng
        self.queue_count = len(model.queue_ids)
        self.is_chat = [c == "chat" for c in model.channels]
        self.is_realtime = [c != "email" for c in model.channels]
        agent_count = len(model.agent_rank)
        self.present = [False] * agent_count
        self.serves: list[tuple[int, ...]] = [()] * agent_count
        self.mode = [self.IDLE] * agent_count
        self.load = [0] * agent_count
        self.stamp = [0] * agent_count
        self.busy_seconds = 0.0
        self.absent: set[int] = set()
        self.heaps: list[list] = [[] for _ in range(self.queue_count)]
        self.waiting: list[deque] = [deque() for _ in range(self.queue_count)]

    def load_contacts(self, queue, interval, arrival, handle, patience) -> None:
        self.c_queue, self.c_interval = queue.tolist(), interval.tolist()
        self.c_arrival, self.c_handle, self.c_patience = arrival.tolist(), handle.tolist(), patience.tolist()
        n = len(self.c_queue)
        self.c_start = [math.nan] * n
        self.c_abandoned = [False] * n

    # --- agents -----------------------------------------------------------------------------
    def _available(self, agent: int, queue: int) -> bool:
        if self.mode[agent] == self.IDLE:
            return True
        return self.is_chat[queue] and self.mode[agent] == self.CHAT and self.load[agent] < self.model.concurrency[queue]

    def _publish(self, agent: int) -> None:
        """Take waiting work while the agent has room, then offer the rest of its capacity."""
        while self.present[agent]:
            contact = self._oldest_waiting(agent)
            if contact is None:
                break
            self._start(contact, agent)
        if not self.present[agent]:
            return
        stamp = self.stamp[agent]
        rank = self.model.agent_rank[agent]
        for queue in self.serves[agent]:
            if self._available(agent, queue):
                heapq.heappush(self.heaps[queue], (rank[queue], -self.load[agent], agent, stamp))

    def _oldest_waiting(self, agent: int) -> int | None:
        best, best_key = None, None
        for queue in self.serves[agent]:
            if not self._available(agent, queue):
                continue
            line = self.waiting[queue]
            while line and self.c_abandoned[line[0]]:
                line.popleft()
            if line:
                key = (not self.is_realtime[queue], self.c_arrival[line[0]])
                if best_key is None or key < best_key:
                    best, best_key = queue, key
        return None if best is None else self.waiting[best].popleft()

    def _start(self, contact: int, agent: int) -> None:
        queue = self.c_queue[contact]
        self.c_start[contact] = self.env.now
        self.stamp[agent] += 1
        if self.is_chat[queue]:
            self.mode[agent] = self.CHAT
            self.load[agent] += 1
            self.busy_seconds += self.c_handle[contact] / self.model.concurrency[queue]
        else:
            self.mode[agent] = self.SINGLE
            self.busy_seconds += self.c_handle[contact]
        self.env.timeout(self.c_handle[contact]).callbacks.append(lambda _event: self._finish(agent, queue))

    def _finish(self, agent: int, queue: int) -> None:
        self.stamp[agent] += 1
        if self.is_chat[queue]:
            self.load[agent] -= 1
            if self.load[agent] == 0:
                self.mode[agent] = self.IDLE
        else:
            self.mode[agent] = self.IDLE
        self._publish(agent)

    # --- contacts ---------------------------------------------------------------------------
    def arrive(self, contact: int) -> None:
        queue = self.c_queue[contact]
        heap = self.heaps[queue]
        while heap:
            _, _, agent, stamp = heapq.heappop(heap)
            if stamp == self.stamp[agent] and self.present[agent]:
                self._start(contact, agent)
                self._publish(agent)
                return
        self.waiting[queue].append(contact)
        patience = self.c_patience[contact]
        if patience != math.inf:
            self.env.timeout(patience).callbacks.append(lambda _event: self._abandon(contact))

    def _abandon(self, contact: int) -> None:
        if math.isnan(self.c_start[contact]):
            self.c_abandoned[contact] = True

    # --- processes --------------------------------------------------------------------------
    def arrivals(self):
        for contact, at in enumerate(self.c_arrival):
            if at > self.env.now:
                yield self.env.timeout(at - self.env.now)
            self.arrive(contact)

    def roster(self):
        assigned = self.options.routing == "assigned"
        for interval, present in enumerate(self.model.presence):
            if interval:
                yield self.env.timeout(interval * self.model.interval_seconds - self.env.now)
            absent = self._absent_agents(present)
            for agent in range(len(self.present)):
                now_present = agent in present and agent not in absent
                held = self.model.agent_rank[agent]
                if not now_present:
                    serves = ()
                elif assigned:
                    serves = (present[agent],) if present[agent] in held else ()
                else:
                    serves = tuple(held)
                if now_present == self.present[agent] and serves == self.serves[agent]:
                    continue
                self.present[agent], self.serves[agent] = now_present, serves
                self.stamp[agent] += 1
                if now_present:
                    self._publish(agent)

    def _absent_agents(self, present: dict[int, int]) -> set[int]:
        """Shrinkage: round(present * shrinkage) absent agents, kept absent across intervals where possible.

        Redrawing the absent set every interval would hand busy agents' contacts over at each
        boundary (they finish them) and so add capacity the analytic model does not have.
        """
        if self.model.shrinkage <= 0 or not present:
            self.absent = set()
            return self.absent
        expected = len(present) * self.model.shrinkage
        count = int(expected) + int(self.rng.random() < expected - int(expected))
        kept = sorted(a for a in self.absent if a in present)
        if len(kept) > count:
            kept = sorted(self.rng.choice(kept, size=count, replace=False).tolist())
        elif len(kept) < count:
            others = sorted(set(present) - set(kept))
            kept += self.rng.choice(others, size=count - len(kept), replace=False).tolist()
        self.absent = set(kept)
        return self.absent


def run_replication(model: _Model, options: SimulationOptions, seed: int) -> dict[str, np.ndarray]:
    """One seeded replication: counts per queue and interval (by arrival interval)."""
    rng = np.random.default_rng(seed)
    env = simpy.Environment()
    center = _Center(env, model, options, rng)
    center.load_contacts(*_draw_contacts(model, options, rng))
    env.process(center.arrivals())
    env.process(center.roster())
    horizon = len(model.interval_starts) * model.interval_seconds
    env.run(until=horizon)

    queue = np.asarray(center.c_queue, dtype=int)
    interval = np.asarray(center.c_interval, dtype=int)
    arrival = np.asarray(center.c_arrival)
    start = np.asarray(center.c_start)
    abandoned = np.asarray(center.c_abandoned, dtype=bool)
    target = np.asarray(model.target_seconds)[queue]
    answered = ~np.isnan(start)
    wait = np.where(answered, start - arrival, np.nan)
    met = answered & (wait <= target) & (interval >= np.asarray(model.first_counted)[queue])
    # A contact unanswered at the end but still within target (an email not yet due) has an unknown outcome
    # and is not counted; nor are contacts before the intervals the plan answers for.
    censored = ~answered & ~abandoned & (horizon - arrival <= target)
    counted = ~censored & (interval >= np.asarray(model.first_counted)[queue])
    shape = model.contacts.shape

    def tally(mask: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        flat = np.bincount(queue[mask] * shape[1] + interval[mask], weights=None if weights is None else weights[mask], minlength=shape[0] * shape[1])
        return flat.reshape(shape)

    present_seconds = sum(len(p) for p in model.presence) * (1 - model.shrinkage) * model.interval_seconds
    return {
        "offered": tally(counted),
        "met": tally(met),
        "answered": tally(answered & counted),
        "abandoned": tally(abandoned & counted),
        "wait_seconds": tally(answered & counted, np.nan_to_num(wait)),
        "occupancy": np.array(center.busy_seconds / present_seconds if present_seconds else math.nan),
    }


def _mean_interval(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean and 95% t-interval over axis 0 (replications), ignoring replications where a value is NaN."""
    valid = ~np.isnan(values)
    count = valid.sum(axis=0)
    filled = np.where(valid, values, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = filled.sum(axis=0) / count
        squares = np.where(valid, (values - mean) ** 2, 0.0).sum(axis=0)
        spread = np.sqrt(squares / (count - 1))
        half = stdtrit(np.maximum(count - 1, 1), 0.975) * spread / np.sqrt(count)
    half = np.where(count > 1, half, np.nan)
    return mean, mean - half, mean + half


def _measures(runs: list[dict[str, np.ndarray]], reduce: Callable[[np.ndarray], np.ndarray]) -> dict[str, np.ndarray]:
    """Per-replication service level, ASA and abandon rate after `reduce` sums counts, then mean and interval."""
    stacked = {key: np.stack([reduce(run[key]) for run in runs]) for key in ("offered", "met", "answered", "abandoned", "wait_seconds")}
    with np.errstate(invalid="ignore", divide="ignore"):
        per_run = {
            "service_level": stacked["met"] / stacked["offered"],
            "asa_seconds": stacked["wait_seconds"] / stacked["answered"],
            "abandon_rate": stacked["abandoned"] / stacked["offered"],
        }
    out = {"contacts": stacked["offered"].mean(axis=0)}
    for name, values in per_run.items():
        out[name], out[f"{name}_lo"], out[f"{name}_hi"] = _mean_interval(values.astype(float))
    return out


def _summarize(model: _Model, runs: list[dict[str, np.ndarray]]) -> SimulationResult:
    per_interval = _measures(runs, lambda counts: counts)
    queues, intervals = model.contacts.shape
    frame = pd.DataFrame(
        {"queue": np.repeat(model.queue_ids, intervals), "interval_start": np.tile(np.asarray(model.interval_starts, dtype="datetime64[ns]"), queues)}
    )
    for name, values in per_interval.items():
        frame[name] = values.ravel()
    per_queue = _measures(runs, lambda counts: counts.sum(axis=1))
    queue_frame = pd.DataFrame({"queue": model.queue_ids, **per_queue})
    occupancy, low, high = _mean_interval(np.array([float(run["occupancy"]) for run in runs])[:, None])
    return SimulationResult(
        intervals=frame, queues=queue_frame, occupancy=float(occupancy[0]), occupancy_interval=(float(low[0]), float(high[0])), replications=len(runs)
    )
