"""Net staffing requirements per queue and interval, and the service a given staffing gives.

Channels:
- voice: Erlang C (scheduler.queueing.erlang_c) without `patience_seconds`; exact Erlang A
  (scheduler.queueing.erlang_a) with it, honoring the service level and `max_abandon_rate`.
- chat with `concurrency` c: **one agent is c independent servers**, each serving one session for
  the forecast `aht_seconds` (the session's elapsed duration at the usual concurrency). Sessions
  queue for the first free slot of any agent (Erlang C, or Erlang A with patience). We find the
  fewest slots s meeting the target, then agents = ceil(s / c); the figures are reported for the
  agents * c slots actually staffed. Since SL rises with slots, agents - 1 (fewer than s slots)
  would miss the target and this count meets it. Limits: handle time is taken not to grow with the
  number of sessions an agent holds (measure AHT at the usual concurrency), the slots of one agent
  are pooled with everyone's (an agent whose slots are all busy is the same as c busy servers),
  and the occupancy cap applies to slots (load / (agents * c) <= max_occupancy).
- email: deferred work, see scheduler.queueing.deferred (valleys of the center's voice+chat requirement,
  within the queue's optional daily `work_hours`).

Requirements are NET agents on the queue at once (`agents_required`), with the occupancy cap
(`staffing.max_occupancy`) applied here. A zero-volume interval needs 0 agents; any positive volume at
least 1. `agents_required_gross` is what the roster places (on shift, on the queue, not on break):
rounded once, the fewest agents whose net share, agents x (1 - shrinkage of that hour), meets the
targets at the interpolated service of `queue_performance`, not ceil(whole net / (1 - shrinkage)),
which rounds twice (email: ceil(net / (1 - shrinkage)), a reference curve the roster replaces by
deadlines).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scheduler.contracts.schema import CenterConfig, Queue, minutes_of_day
from scheduler.queueing.deferred import deadline_intervals, deferred_agents, deferred_performance
from scheduler.queueing.erlang_a import erlang_a_agents, erlang_a_performance
from scheduler.queueing.erlang_c import TARGET_TOLERANCE, erlang_c_agents, erlang_c_performance
from staffcast.errors import DataError

PERFORMANCE_COLUMNS = ["service_level", "asa_seconds", "abandon_rate", "occupancy"]
REQUIREMENT_TABLE_COLUMNS = ["queue", "interval_start", "contacts", "aht_seconds", "agents_required", "agents_required_gross", *PERFORMANCE_COLUMNS]


def offered_load(contacts, aht_seconds, interval_minutes: int) -> np.ndarray:
    """Erlangs: contacts x AHT / interval length."""
    return np.asarray(contacts, float) * np.asarray(aht_seconds, float) / (interval_minutes * 60)


def _servers_per_agent(queue: Queue) -> int:
    return queue.concurrency if queue.channel == "chat" else 1


def _queueing_servers(queue: Queue, load: np.ndarray, aht: np.ndarray, max_occupancy: float) -> np.ndarray:
    """Fewest whole servers meeting the queue's targets (voice agents or chat slots)."""
    if queue.patience_seconds is None:
        return erlang_c_agents(load, aht, queue.answer_within_seconds, queue.service_level, max_occupancy)
    return erlang_a_agents(load, aht, queue.patience_seconds, queue.answer_within_seconds, queue.service_level, queue.max_abandon_rate, max_occupancy)


def _whole_server_figures(queue: Queue, load: np.ndarray, aht: np.ndarray, servers: np.ndarray) -> dict[str, np.ndarray]:
    if queue.patience_seconds is None:
        return erlang_c_performance(load, servers, aht, queue.answer_within_seconds)
    return erlang_a_performance(load, servers, aht, queue.patience_seconds, queue.answer_within_seconds)


def queue_performance(queue: Queue, contacts, aht_seconds, agents, interval_minutes: int, *, max_occupancy: float = 1.0) -> pd.DataFrame:
    """Expected service of one queue's consecutive intervals (sorted by time) with the given agents.

    Args:
        queue: the queue (its channel picks the model, see the module docstring).
        contacts, aht_seconds: per interval.
        agents: NET agents on the queue per interval; fractional values interpolate linearly
            between the whole counts below and above (voice and chat; for chat in slots).
        interval_minutes: interval length.
        max_occupancy: email only: share of agent time usable for deferred work (the planning
            cap); the default 1.0 measures what the agents can actually clear.

    Returns:
        A frame with service_level, asa_seconds, abandon_rate, occupancy, one row per interval.
        asa_seconds is inf where calls are never answered (unstable Erlang C, or no agents).
    """
    contacts = np.asarray(contacts, float)
    aht = np.asarray(aht_seconds, float)
    agents = np.broadcast_to(np.asarray(agents, float), contacts.shape)
    if (agents < 0).any() or not np.isfinite(agents).all():
        raise DataError(f"queue '{queue.id}': agents must be finite and >= 0")
    if queue.channel == "email":
        figures = deferred_performance(
            contacts * aht, agents, deadline_intervals(queue.respond_within_hours, interval_minutes), interval_minutes, max_occupancy
        )
        return pd.DataFrame({name: figures[name] for name in PERFORMANCE_COLUMNS})
    load = offered_load(contacts, aht, interval_minutes)
    servers = agents * _servers_per_agent(queue)
    below = np.floor(servers + 1e-9)
    weight = np.clip(servers - below, 0.0, 1.0)
    lower = _whole_server_figures(queue, load, aht, below)
    upper = _whole_server_figures(queue, load, aht, below + 1)
    with np.errstate(invalid="ignore"):
        blended = {name: np.where(weight > 0, (1 - weight) * lower[name] + weight * upper[name], lower[name]) for name in PERFORMANCE_COLUMNS}
    return pd.DataFrame(blended)


def gross_rounded_once(queue: Queue, contacts, aht_seconds, net_agents, shrinkage, interval_minutes: int, max_occupancy: float) -> np.ndarray:
    """Fewest agents on shift per interval whose net share (agents x (1 - shrinkage)) meets the queue's targets
    (service level, abandon cap, occupancy cap) at `queue_performance`'s interpolated service.

    `net_agents` is the whole net count that meets them (so net - 1 does not): the answer lies between
    floor((net - 1) / (1 - shrinkage)) + 1 and ceil(net / (1 - shrinkage)), the double-rounded figure.
    """
    contacts, aht, net = (np.asarray(v, float) for v in (contacts, aht_seconds, net_agents))
    keep = 1 - np.broadcast_to(np.asarray(shrinkage, float), net.shape)
    upper = np.maximum(0, np.ceil(net / keep - 1e-9))
    gross = upper.copy()
    load_slots = offered_load(contacts, aht, interval_minutes) / _servers_per_agent(queue)
    candidate = np.maximum(0, np.floor((net - 1) / keep + 1e-9) + 1)
    undecided = candidate < upper
    while undecided.any():
        rows = np.flatnonzero(undecided)
        net_share = candidate[rows] * keep[rows]
        figures = queue_performance(queue, contacts[rows], aht[rows], net_share, interval_minutes)
        met = figures.service_level.to_numpy() >= queue.service_level - TARGET_TOLERANCE
        if queue.max_abandon_rate is not None and queue.patience_seconds is not None:
            met &= figures.abandon_rate.to_numpy() <= queue.max_abandon_rate + TARGET_TOLERANCE
        met &= load_slots[rows] <= max_occupancy * net_share + 1e-9
        gross[rows[met]] = candidate[rows[met]]
        undecided[rows[met]] = False
        candidate = candidate + 1
        undecided &= candidate < upper
    return gross.astype(np.int64)


def _check_workload(config: CenterConfig, workload: pd.DataFrame) -> None:
    missing = [c for c in ("queue", "interval_start", "contacts", "aht_seconds") if c not in workload.columns]
    if missing:
        raise DataError(f"workload: missing column(s) {', '.join(missing)}; expected queue, interval_start, contacts, aht_seconds")
    known = {q.id for q in config.queues}
    unknown = sorted(set(workload.queue) - known)
    if unknown:
        raise DataError(f"workload: queue(s) {', '.join(map(str, unknown))} are not in the center (queues: {', '.join(sorted(known))})")
    contacts = workload.contacts.to_numpy(float)
    aht = workload.aht_seconds.to_numpy(float)
    if not np.isfinite(contacts).all() or (contacts < 0).any():
        raise DataError("workload: contacts must be finite numbers >= 0")
    if ((contacts > 0) & ~(aht > 0)).any():
        row = int(np.flatnonzero((contacts > 0) & ~(aht > 0))[0])
        raise DataError(f"workload: row {row} ({workload.queue.iloc[row]}) has contacts but aht_seconds is not > 0")


def within_work_hours(grid: pd.DatetimeIndex, work_hours: tuple[str, str]) -> np.ndarray:
    """True for interval starts inside the daily [start, end) window; an end before the start wraps past midnight."""
    minute = np.asarray(grid.hour * 60 + grid.minute)
    start, end = (minutes_of_day(t) for t in work_hours)
    return (minute >= start) & (minute < end) if start < end else (minute >= start) | (minute < end)


def compute_requirements(config: CenterConfig, workload: pd.DataFrame) -> pd.DataFrame:
    """Net agents needed per queue and interval, with the service figures they give.

    Args:
        config: the center (queues, interval_minutes, staffing.max_occupancy).
        workload: queue, interval_start, contacts, aht_seconds (one row per queue and interval).

    Returns:
        queue, interval_start, contacts, aht_seconds, agents_required (int), service_level,
        asa_seconds, abandon_rate, occupancy; sorted by queue and interval_start.
    """
    _check_workload(config, workload)
    step = config.interval_minutes
    cap = config.staffing.max_occupancy
    table = workload[["queue", "interval_start", "contacts", "aht_seconds"]].sort_values(["queue", "interval_start"]).reset_index(drop=True)
    table["aht_seconds"] = table.aht_seconds.astype(float)
    table["agents_required"] = 0
    table["agents_required_gross"] = 0
    for name in PERFORMANCE_COLUMNS:
        table[name] = 0.0
    queues = {q.id: q for q in config.queues}
    present = [queues[q] for q in table.queue.unique()]
    for queue in (q for q in present if q.channel != "email"):
        rows = np.flatnonzero(table.queue.to_numpy() == queue.id)
        contacts = table.contacts.to_numpy(float)[rows]
        aht = table.aht_seconds.to_numpy(float)[rows]
        load = offered_load(contacts, aht, step)
        per_agent = _servers_per_agent(queue)
        agents = -(-_queueing_servers(queue, load, aht, cap) // per_agent)
        table.loc[rows, "agents_required"] = agents
        shrinkage = config.staffing.shrinkage_at(pd.DatetimeIndex(table.interval_start.iloc[rows]).hour)
        table.loc[rows, "agents_required_gross"] = gross_rounded_once(queue, contacts, aht, agents, shrinkage, step, cap)
        figures = _whole_server_figures(queue, load, aht, agents * per_agent)
        for name in PERFORMANCE_COLUMNS:
            table.loc[rows, name] = figures[name]
    base = table.loc[table.queue.map(lambda q: queues[q].channel != "email")].groupby("interval_start").agents_required.sum()
    for queue in (q for q in present if q.channel == "email"):
        rows = np.flatnonzero(table.queue.to_numpy() == queue.id)
        own = table.iloc[rows]
        grid = pd.date_range(own.interval_start.iloc[0], own.interval_start.iloc[-1], freq=f"{step}min")
        positions = grid.get_indexer(own.interval_start)
        if (positions < 0).any():
            raise DataError(f"workload: queue '{queue.id}' has interval starts off the center's {step}-minute grid")
        work = np.zeros(grid.size)
        work[positions] = (own.contacts * own.aht_seconds).to_numpy(float)
        others = base.reindex(grid, fill_value=0).to_numpy(float)
        others[np.setdiff1d(np.arange(grid.size), positions)] = np.inf  # gaps take no deferred work
        if queue.work_hours:
            others[~within_work_hours(grid, queue.work_hours)] = np.inf
        deadline = deadline_intervals(queue.respond_within_hours, step)
        agents = deferred_agents(work, others, deadline, step, cap)
        figures = deferred_performance(work, agents, deadline, step, cap)
        table.loc[rows, "agents_required"] = agents[positions]
        shrinkage = config.staffing.shrinkage_at(pd.DatetimeIndex(own.interval_start).hour)
        table.loc[rows, "agents_required_gross"] = np.maximum(0, np.ceil(agents[positions] / (1 - shrinkage) - 1e-9))
        for name in PERFORMANCE_COLUMNS:
            table.loc[rows, name] = figures[name][positions]
        base = base.add(pd.Series(agents, index=grid), fill_value=0)
    table["agents_required"] = table.agents_required.astype(np.int64)
    table["agents_required_gross"] = table.agents_required_gross.astype(np.int64)
    return table[REQUIREMENT_TABLE_COLUMNS]


def required_hours_by_day(table: pd.DataFrame, interval_minutes: int) -> pd.Series:
    """Agent-hours the requirements ask for per day, all queues: agents_required_gross x the interval length."""
    hours = table.agents_required_gross * interval_minutes / 60
    return hours.groupby(pd.to_datetime(table.interval_start).dt.normalize()).sum().rename("required_hours")


def required_hours_lines(table: pd.DataFrame, interval_minutes: int, agents: list, fte_hours: float) -> list[str]:
    """The requirement as a planner compares it with the team: hours per day, per week, FTE (of `fte_hours` a week:
    the center's rules.standard_hours_per_week), and the agents' contracted weekly hours (the sum of their
    max_hours_per_week, and of min_hours_per_week)."""
    by_day = required_hours_by_day(table, interval_minutes)
    if by_day.empty:
        return []
    weekly = float(by_day.sum()) * 7 / len(by_day)
    lines = ["required paid hours per day (gross agents on the queues x interval; paid breaks come on top):"]
    lines += [f"  {day:%Y-%m-%d %a} {hours:>10,.1f} h" for day, hours in by_day.items()]
    lines.append(
        f"  total {by_day.sum():,.1f} h over {len(by_day)} day(s) = {weekly:,.1f} h a week = {weekly / fte_hours:,.1f} FTE at {fte_hours:g} h"
    )
    if agents:
        most = sum(a.max_hours_per_week for a in agents)
        least = sum(a.min_hours_per_week for a in agents)
        lines.append(
            f"team: {len(agents)} agents contracted for {least:,.0f} to {most:,.0f} h a week ({most / fte_hours:,.1f} FTE at most); "
            f"the requirement is {weekly / most:.0%} of their most hours"
            + (" — more than the team can work: hire, add temps or lower the targets." if weekly > most else ".")
        )
    else:
        lines.append("team: the center YAML names no agents file, so there is no team to compare with.")
    return lines
