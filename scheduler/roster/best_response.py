"""Agent-by-agent best response: re-plan one agent at a time against the coverage the others leave.

The whole-roster CP-SAT model is too large for CP-SAT's own neighbourhood search to move far in a few
minutes on 2 cores, while one agent's month is tiny. Each step takes one agent out of the coverage
ledger and gives the agent the shifts that minimise the roster's objective with everyone else kept: the
agent's own hard rules and own soft costs (paid hours, start-time changes, day-off wishes) come from the
engine's rule functions on a one-agent `RosterModel`; the coverage part is exact for one agent because
the coverage cost is convex and separable per queue and interval: an agent on queue q in interval t
changes it by cost(c + 1) - cost(c). The agent takes each shift's breaks where the agent is least
needed and serves, in each interval, the queue where one more agent does most good, directly or by
freeing a placed agent who moves on along a chain of skills to a queue that needs one more. The ledger
re-routes agents along such chains wherever that lowers the cost (flagship store, 28 days, converged:
551k with chain moves, 678k without).

Passes over all agents (in a seeded order) repeat until one improves the objective by less than
CONVERGED_GAIN or the time is up. Each one-agent solve is bounded by CP-SAT deterministic time, so the
result depends only on the seed and the number of passes (in deterministic mode the deadline counts the
solves' deterministic time, which fixes the number of passes too). The fairness spreads are left to the
whole-model stage that follows.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import random
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from ortools.sat.python import cp_model

from scheduler.roster.deferred_work import deadline_hint, deferred_cost, marginal_values
from scheduler.roster.hint import hint_values
from scheduler.roster.model import RosterModel, agent_queues, points
from scheduler.roster.progress import RosterProgress
from scheduler.roster.proto_edits import fixed_domains, set_hint
from scheduler.roster.rules import RuleVariables, apply_rules, shortfall_breakpoints
from staffcast.deadline import Deadline
from staffcast.interrupts import deferred_interrupt

Plan = dict[tuple[int, int], int]

CONVERGED_GAIN = 1e-3
"""Passes stop when one lowers the objective by less than this share (later passes gain little: flagship, 28 days,
pass 3 gained 0.001%)."""


@dataclasses.dataclass
class BestResponseResult:
    """The improved plan ((agent, day) -> option), its objective without the fairness spreads (weight units),
    the passes and moves made, and a complete hint of the whole model that realises it."""

    plan: Plan
    objective: float
    passes: int
    moves: int
    interrupted: bool
    hint: list[tuple[object, int]]


class CoverageLedger:
    """Agents placed per queue and interval, the cost of that coverage, and each agent's own contribution."""

    def __init__(self, m: RosterModel) -> None:
        self.m = m
        self.queues = [q.id for q in m.config.queues]
        step = m.horizon.interval_minutes
        self.span = m.horizon.intervals + max(o.end_minute for o in m.options) // step + 1
        self.target = np.zeros((len(self.queues), self.span), dtype=np.int64)
        self.planned = np.zeros(self.span, dtype=bool)
        self.planned[list(m.planned_intervals())] = True
        for (queue, t), target in m.targets.items():
            self.target[self.queues.index(queue), t] = target
        weights = m.config.weights
        self.under = points(weights.understaffing * m.scale)
        self.deep = [points(weights.understaffing * m.scale * extra) for extra in (1, 2)]
        self.over = points(weights.overstaffing * m.scale)
        breakpoints = np.array([shortfall_breakpoints(int(v)) for v in self.target.ravel()], dtype=np.int64)
        self.breakpoints = breakpoints.reshape(*self.target.shape, 2)
        self.cover = np.zeros_like(self.target)
        self.deferred = {self.queues.index(name): queue for name, queue in m.deferred.items()}
        self.idle = np.zeros(self.target.shape, dtype=bool)  # deferred queue-intervals without capacity (cost overstaffing)
        for q, queue in self.deferred.items():
            self.idle[q, : queue.capacity.size] = queue.capacity == 0
        self._prices = np.zeros(self.target.shape, dtype=np.int64)
        self._stale = True
        self.previous_flows: dict[tuple[int, int, int], int] = {}
        for (g, t), count in sorted(m.previous_on_queue.items()):
            serves = [self.queues.index(q) for q in m.groups[g].queues]
            for _ in range(count if 0 <= t < self.span else 0):  # the previous roster's agents go where most needed
                q = max(serves, key=lambda q: self.target[q, t] - self.cover[q, t])
                self.cover[q, t] += 1
                self.previous_flows[g, q, t] = self.previous_flows.get((g, q, t), 0) + 1
        self.placed: dict[int, list[tuple[int, int]]] = {}
        self.breaks: dict[int, dict[int, tuple[int, ...]]] = {}
        self.serves_of: dict[int, list[int]] = {}
        self.counts: dict[tuple[int, ...], np.ndarray] = {}  # per skill set: agents placed per queue and interval
        self.at: dict[int, dict[int, int]] = defaultdict(dict)  # interval -> agent -> index in placed[agent]
        self.layouts = _layouts(m)

    def cost(self, cover: np.ndarray) -> np.ndarray:
        """The model's per-interval coverage cost in objective points per queue and interval (0 outside the planned
        ones; for deferred queues only the cost of agents placed where the queue has no capacity)."""
        short = np.maximum(0, self.target - cover)
        value = self.under * short + self.over * np.maximum(0, cover - self.target)
        for k, weight in enumerate(self.deep):
            breakpoint = self.breakpoints[..., k]
            value += np.where(breakpoint < self.target, weight * np.maximum(0, short - breakpoint), 0)
        value = np.where(self.planned, value, 0)
        for q in self.deferred:
            value[q] = np.where(self.idle[q], self.over * cover[q], 0)
        return value

    def total(self) -> int:
        """The coverage cost of the whole ledger in objective points (deferred queues: their deadline cost)."""
        late = sum(deferred_cost(queue, self.cover[q, : queue.work.size], self.m.late_points) for q, queue in self.deferred.items())
        return int(self.cost(self.cover).sum()) + late

    def prices(self) -> np.ndarray:
        """Per deferred queue and interval, what one more agent saves there (`marginal_values`), recomputed when
        the cover of a deferred queue changed."""
        if self._stale:
            for q, queue in self.deferred.items():
                size = queue.work.size
                self._prices[q, :size] = marginal_values(queue, self.cover[q, :size], self.m.late_points)
            self._stale = False
        return self._prices

    def understaffed_agent_hours(self) -> float:
        """Missing agents summed over the planned queue-intervals, in agent-hours."""
        short = np.where(self.planned, np.maximum(0, self.target - self.cover), 0).sum()
        return float(short * self.m.horizon.interval_minutes / 60)

    def gains(self, serves: list[int]) -> np.ndarray:
        """Per queue of `serves` and interval, what one more agent saves (negative: only adds overstaffing)."""
        cover = self.cover[serves]
        target = self.target[serves]
        short = np.maximum(0, target - cover)
        saved = np.where(short > 0, self.under, -self.over)
        for k, weight in enumerate(self.deep):
            breakpoint = self.breakpoints[serves, :, k]
            saved = saved + np.where((breakpoint < target) & (short > breakpoint), weight, 0)
        saved = np.where(self.planned, saved, 0)
        deferred = [i for i, q in enumerate(serves) if q in self.deferred]
        if deferred:
            rows = [serves[i] for i in deferred]
            saved[deferred] = np.where(self.idle[rows], -self.over, self.prices()[rows])
        return saved

    def layout(self, d: int, o: int, best: np.ndarray) -> tuple[np.ndarray, int, tuple[int, ...]]:
        """The working intervals of option `o` on day `d` with its breaks where `best` gains least, their gain,
        and the break offsets."""
        first = self.m.horizon.first_interval(d, self.m.options[o])
        sums = [int(best[first + working].sum()) for _, working in self.layouts[o]]
        k = int(np.argmax(sums))
        offsets, working = self.layouts[o][k]
        return first + working, sums[k], offsets

    def values(self, serves: list[int]) -> dict[tuple[int, int], int]:
        """(day, option) -> the coverage cost one more agent serving `serves` saves by working it: in each
        interval the best gain on a queue the agent serves or can free someone for (`reachable`)."""
        _, best = self.best_gains(serves)
        days = np.arange(self.m.horizon.days)
        found = {}
        for o, option in enumerate(self.m.options):
            firsts = days * self.m.horizon.per_day + option.start_minute // self.m.horizon.interval_minutes
            sums = np.max([best[firsts[:, None] + working[None, :]].sum(axis=1) for _, working in self.layouts[o]], axis=0)
            found.update({(int(d), o): int(v) for d, v in zip(days, sums)})
        return found

    def best_gains(self, serves: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """Every queue's gains (`gains`) and, per interval, the best one an agent serving `serves` can reach."""
        gains = self.gains(list(range(len(self.queues))))
        return gains, np.where(self.reachable(serves), gains, np.iinfo(np.int64).min).max(axis=0)

    def reachable(self, serves: list[int]) -> np.ndarray:
        """Per queue and interval, True when an agent serving `serves` can end up adding one there: directly,
        or by taking the place of a placed agent who moves on (along a chain) to that queue."""
        size = len(self.queues)
        skills = np.zeros((len(self.counts), size), dtype=np.int64)
        for g, group in enumerate(self.counts):
            skills[g, list(group)] = 1
        placed = (
            np.stack([counts > 0 for counts in self.counts.values()]).astype(np.int64)
            if self.counts
            else np.zeros((0, size, self.span), dtype=np.int64)
        )
        steps = np.einsum("gqt,gr->tqr", placed, skills) > 0  # someone on q at t may move to r
        closure = steps | np.eye(size, dtype=bool)
        for _ in range(size):
            closure = closure | (np.matmul(closure.astype(np.int64), closure.astype(np.int64)) > 0)
        start = np.zeros(size, dtype=np.int64)
        start[serves] = 1
        return np.einsum("q,tqr->rt", start, closure.astype(np.int64)) > 0

    def rebalance(self) -> None:
        """Re-route placed agents in every interval while a chain of moves lowers the cost (`_reroute`); the
        cost is convex per queue, so each interval's allocation ends optimal for the agents on it."""
        for t in sorted(self.at):
            if self.planned[t]:
                while self._reroute(t):
                    pass

    def _change(self, q: int, t: int, step: int) -> int:
        """The exact change of the coverage cost when queue q gets `step` (+1 or -1) agents in interval t."""
        if q not in self.deferred:
            return self._point_cost(q, t, self.cover[q, t] + step) - self._point_cost(q, t, self.cover[q, t])
        if self.idle[q, t]:
            return self.over * step
        queue = self.deferred[q]
        if t >= queue.work.size:
            return 0
        cover = self.cover[q, : queue.work.size].copy()
        before = deferred_cost(queue, cover, self.m.late_points)
        cover[t] += step
        return deferred_cost(queue, cover, self.m.late_points) - before

    def _point_cost(self, q: int, t: int, cover: int) -> int:
        """The coverage cost of one real-time queue-interval at a given cover (objective points)."""
        target = int(self.target[q, t])
        short = max(0, target - cover)
        value = self.under * short + self.over * max(0, cover - target)
        for k, weight in enumerate(self.deep):
            breakpoint = int(self.breakpoints[q, t, k])
            if breakpoint < target:
                value += weight * max(0, short - breakpoint)
        return value

    def _reroute(self, t: int) -> bool:
        """Apply the best improving chain of moves in interval `t` (one agent from queue s to q1, another from
        q1 to q2, ... to queue e); False when none exists."""
        on = self.at[t]
        reach: dict[int, dict[int, tuple[int, int] | None]] = {}
        for source in {self.placed[a][k][0] for a, k in on.items()}:
            seen: dict[int, tuple[int, int] | None] = {source: None}
            frontier = [source]
            while frontier:
                queue = frontier.pop()
                for a, k in on.items():
                    if self.placed[a][k][0] == queue:
                        for target in self.serves_of[a]:
                            if target not in seen:
                                seen[target] = (queue, a)
                                frontier.append(target)
            reach[source] = seen
        best, chosen = 0, None
        added = {}
        for source, seen in reach.items():
            saved = self._change(source, t, -1)
            for end in seen:
                if end != source:
                    if end not in added:
                        added[end] = self._change(end, t, +1)
                    change = saved + added[end]
                    if change < best:
                        best, chosen = change, (source, end)
        if chosen is None:
            return False
        source, end = chosen
        queue = end
        while queue != source:
            previous, a = reach[source][queue]
            counts = self.counts[tuple(self.serves_of[a])]
            counts[previous, t] -= 1
            counts[queue, t] += 1
            self.placed[a][on[a]] = (queue, t)
            queue = previous
        self.cover[source, t] -= 1
        self.cover[end, t] += 1
        self._stale = self._stale or source in self.deferred or end in self.deferred
        return True

    def remove(self, a: int) -> tuple:
        """Take agent `a`'s contribution out of the ledger and return it."""
        placed = self.placed.pop(a, [])
        counts = self.counts[tuple(self.serves_of[a])]
        for q, t in placed:
            self.cover[q, t] -= 1
            counts[q, t] -= 1
            del self.at[t][a]
        self._stale = True
        return placed, self.breaks.pop(a, {})

    def restore(self, a: int, contribution: tuple) -> None:
        """Put back a contribution returned by `remove`."""
        placed, self.breaks[a] = contribution
        self._place(a, placed)

    def _place(self, a: int, placed: list[tuple[int, int]]) -> None:
        counts = self.counts[tuple(self.serves_of[a])]
        for k, (q, t) in enumerate(placed):
            self.cover[q, t] += 1
            counts[q, t] += 1
            self.at[t][a] = k
        self.placed[a] = placed
        self._stale = True

    def add(self, a: int, shifts: dict[int, int], serves: list[int]) -> None:
        """Place agent `a`'s shifts ({day: option}): breaks where least needed, each interval on the queue that
        gains most, then re-route along chains in those intervals (the shifts of one agent never overlap)."""
        self.serves_of[a] = serves
        self.counts.setdefault(tuple(serves), np.zeros_like(self.cover))
        gains, best = self.best_gains(serves)
        placed, breaks = [], {}
        for d, o in sorted(shifts.items()):
            working, _, breaks[d] = self.layout(d, o, best)
            placed += [(serves[int(gains[serves, t].argmax())], int(t)) for t in working]
        self.breaks[a] = breaks
        self._place(a, placed)
        for _, t in placed:
            if self.planned[t]:
                while self._reroute(t):
                    pass


def _layouts(m: RosterModel) -> list[list[tuple[tuple[int, ...], np.ndarray]]]:
    """Per option, each way to place its breaks in order: (break offsets, working intervals relative to its start)."""
    step = m.horizon.interval_minutes
    layouts = []
    for option in m.options:
        length = option.length_minutes // step
        found = []
        for offsets in itertools.product(*(slot.offsets for slot in option.breaks)):
            if all(offsets[k + 1] >= offsets[k] + option.breaks[k].length_intervals for k in range(len(offsets) - 1)):
                off = {offset + j for offset, slot in zip(offsets, option.breaks) for j in range(slot.length_intervals)}
                found.append((offsets, np.array([j for j in range(length) if j not in off], dtype=np.int64)))
        layouts.append(found)
    return layouts


class _AgentModel:
    """One agent's month: the engine's hard rules and the agent's own soft costs, in a one-agent RosterModel
    (built at the first solve, so that a search cut short by its deadline does not build them all)."""

    def __init__(self, m: RosterModel, a: int) -> None:
        self.m, self.a = m, a
        ids = agent_queues(m.agents[a], m.center)
        self.serves = [k for k, q in enumerate(m.config.queues) if q.id in ids]
        self.cells = [(d, o) for d in range(m.horizon.days) for o in range(len(m.options))]
        self._single: RosterModel | None = None

    @property
    def single(self) -> RosterModel:
        if self._single is None:
            single = self.m.alone(self.a)
            apply_rules(single, with_coverage=False)
            self.own = sum(p.coefficient * p.expression for p in single.penalties)
            self._single = single
        return self._single

    def solve(
        self, value: dict[tuple[int, int], int], current: dict[int, int], seed: int, deterministic_seconds: float, fixed: bool = False
    ) -> tuple[tuple[dict[int, int], int] | None, float]:
        """The agent's best shifts ({day: option}) and their objective points (own costs minus the coverage
        `value` of the shifts), or None when none is found in time; `fixed` evaluates `current` itself. With
        the deterministic seconds the solve took."""
        model, x = self.single.model, self.single.x
        model.clear_objective()
        model.minimize(self.own - sum(value[d, o] * x[0, d, o] for d, o in self.cells if value.get((d, o))))
        chosen = {x[0, d, o].index: int(current.get(d) == o) for d, o in self.cells}
        set_hint(model, [(x[0, d, o], chosen[x[0, d, o].index]) for d, o in self.cells])
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = seed
        solver.parameters.max_deterministic_time = deterministic_seconds
        solver.parameters.catch_sigint_signal = False
        with fixed_domains(model, chosen if fixed else {}):
            status = solver.solve(model)
        spent = solver.response_proto.deterministic_time
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None, spent
        return ({d: o for d, o in self.cells if solver.value(x[0, d, o])}, round(solver.objective_value)), spent


def improve_by_best_response(
    m: RosterModel,
    variables: RuleVariables,
    plan: Plan,
    *,
    deadline: Deadline,
    stop_when_left: float = 0.0,
    seed: int = 0,
    max_passes: int | None = None,
    parallel: int = 1,
    deterministic_seconds_per_agent: float = 0.2,
    progress: Callable[[RosterProgress], None] | None = None,
) -> BestResponseResult:
    """Improve a valid plan by agent-by-agent best responses (see the module docstring).

    Ctrl-C (deferred to a flag by `build_roster`) is read between ledger transactions: the pass stops there, the
    ledger holds every agent, and the roster so far is returned with `interrupted` set.

    Args:
        m: the roster model (its targets, options and previous roster; its CP-SAT model is not touched).
        variables: what the rules created in it (`apply_rules`), for the hint of the whole model.
        plan: (agent, day) -> option of a roster that keeps every agent's hard rules.
        deadline: the command's deadline; the search stops once no more than `stop_when_left` of it is left
            (in deterministic mode it counts the one-agent solves' deterministic time, so where it stops
            depends only on the inputs, seed and `parallel`).
        max_passes: stop after this many passes (None: until a pass gains less than CONVERGED_GAIN).
        seed: the order of agents in each pass and the one-agent solves' seed.
        parallel: agents solved at once (threads, e.g. one per core) against the same ledger; their answers
            are then applied one by one, each only if it still improves the roster after the ones before it.
        deterministic_seconds_per_agent: CP-SAT deterministic-time limit of one agent's solve.
        progress: called with the starting roster (pass 0) and after each pass (objective: coverage and own
            costs, weight units; no bound).
    """
    rng = random.Random(seed)
    ledger = CoverageLedger(m)
    agents = [_AgentModel(m, a) for a in range(len(m.agents))]
    shifts = {a: {d: o for (b, d), o in plan.items() if b == a} for a in range(len(agents))}
    passes = moves = 0

    def out_of_time() -> bool:
        return deadline.remaining() <= stop_when_left

    with deferred_interrupt() as stopped, ThreadPoolExecutor(max_workers=parallel) as pool:

        def evaluate(a: int) -> tuple[tuple[dict[int, int], int] | None, float]:  # skipped once out of time: no passes follow
            return (None, 0.0) if stopped() or out_of_time() else agents[a].solve({}, shifts[a], seed, deterministic_seconds_per_agent, fixed=True)

        evaluated = list(pool.map(evaluate, range(len(agents))))
        deadline.spend(sum(spent for _, spent in evaluated))
        own = {a: answer[1] if answer is not None else 0 for a, (answer, _) in enumerate(evaluated)}
        priced = all(answer is not None for answer, _ in evaluated)
        for a, agent in enumerate(agents):
            ledger.add(a, shifts[a], agent.serves)
        ledger.rebalance()
        objective = ledger.total() + sum(own.values()) if priced else math.nan
        _report(progress, deadline, objective / m.scale, ledger, passes)
        while priced and (max_passes is None or passes < max_passes) and not stopped() and not out_of_time():
            order = list(range(len(agents)))
            rng.shuffle(order)
            before = objective
            for first in range(0, len(order), parallel):
                if stopped() or out_of_time():
                    break
                proposals = []
                for a in order[first : first + parallel]:  # solved at once against the same ledger
                    kept = ledger.remove(a)
                    value = ledger.values(agents[a].serves)
                    ledger.restore(a, kept)
                    proposals.append((a, value, pool.submit(agents[a].solve, value, shifts[a], seed + passes, deterministic_seconds_per_agent)))
                answers = [(a, value, *job.result()) for a, value, job in proposals]
                deadline.spend(sum(spent for *_, spent in answers))
                changed = False
                for a, value, answer, _ in answers:  # applied one by one, each re-valued against the moves before it
                    if answer is None:
                        continue
                    new_own = answer[1] + sum(value[cell] for cell in answer[0].items())
                    kept = ledger.remove(a)
                    now = ledger.values(agents[a].serves) if changed else value
                    if new_own - sum(now[cell] for cell in answer[0].items()) < own[a] - sum(now[cell] for cell in shifts[a].items()):
                        ledger.add(a, answer[0], agents[a].serves)
                        shifts[a], own[a] = answer[0], new_own
                        moves, changed = moves + 1, True
                    else:
                        ledger.restore(a, kept)
            ledger.rebalance()
            objective = ledger.total() + sum(own.values())
            passes += 1
            _report(progress, deadline, objective / m.scale, ledger, passes)
            if objective > (1 - CONVERGED_GAIN) * before:
                break
        plan = {(a, d): o for a, days in shifts.items() for d, o in days.items()}
        hint = ledger_hint(m, variables, ledger, plan)
        return BestResponseResult(plan, objective / m.scale, passes, moves, stopped(), hint)


def _report(progress: Callable[[RosterProgress], None] | None, deadline: Deadline, objective: float, ledger: CoverageLedger, passes: int) -> None:
    """Send the ledger's state to the progress callback, if any (no bound: the stage proves none)."""
    if progress is not None:
        progress(RosterProgress("best response", deadline.elapsed(), objective, None, None, ledger.understaffed_agent_hours(), passes))


def ledger_hint(m: RosterModel, variables: RuleVariables, ledger: CoverageLedger, plan: Plan) -> list[tuple[object, int]]:
    """A value for every variable of the whole model that realises the ledger exactly: its shifts, each
    agent's breaks and each interval's queue, so the whole-model search starts from this roster's cost."""
    coverage = variables.coverage
    values = {var.index: (var, value) for var, value in hint_values(m, variables, plan)}
    counts: dict[object, int] = {var: 0 for var in list(m.b.values()) + list(coverage.flows.values())}
    group_of = {a: g for g, group in enumerate(m.groups) for a in group.members}
    queues = ledger.queues
    for a, breaks in ledger.breaks.items():
        g = group_of[a]
        for d, offsets in breaks.items():
            for k, offset in enumerate(offsets):
                counts[m.b[g, d, plan[a, d], k, offset]] += 1
        for q, t in ledger.placed[a]:
            if (g, queues[q], t) in coverage.flows:
                counts[coverage.flows[g, queues[q], t]] += 1
    for (g, q, t), count in ledger.previous_flows.items():
        if (g, queues[q], t) in coverage.flows:
            counts[coverage.flows[g, queues[q], t]] += count
    for var, value in deadline_hint(m.deferred, coverage.deferred, {name: ledger.cover[queues.index(name)] for name in m.deferred}):
        counts[var] = value
    for (queue, t), var in coverage.shortfalls.items():
        counts[var] = max(0, int(ledger.target[queues.index(queue), t] - ledger.cover[queues.index(queue), t]))
    for (queue, t, _), (var, breakpoint) in coverage.deeper.items():
        counts[var] = max(0, counts[coverage.shortfalls[queue, t]] - breakpoint)
    for var, count in counts.items():
        values[var.index] = (var, count)
    return list(values.values())
