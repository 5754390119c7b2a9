"""Column generation over employee schedules for the Curtois & Qu benchmark: a proven bound and a dive to a roster.

The restricted master is an LP over whole schedules, solved by HiGHS (dual simplex, warm-started as columns
arrive):

    min  sum_k cost_k lambda_k + sum_r (WeightUnder_r under_r + WeightOver_r over_r)
    s.t. sum of lambda_k over employee e's schedules = 1                        (one schedule per employee)
         sum_k covers_k,r lambda_k + under_r - over_r = Requirement_r          (each cover row r)

A schedule is one employee's shifts over the horizon that meet all of the employee's hard rules; its cost is
the employee's request penalties. Every hard rule of the benchmark is per employee, so pricing is the
one-employee CP-SAT model (all hard rules and the work-window cuts) minimising request penalties minus the
cover rows' multipliers of the shifts worked. Employees are priced in parallel threads.

**Bound.** For any multipliers mu with -WeightOver_r <= mu_r <= WeightUnder_r,
L(mu) = sum_r mu_r Requirement_r + sum_e (the least cost - sum_r mu_r covers_r over e's schedules) is a lower
bound of every roster's objective (the Lagrangian relaxation of the cover rows). The multipliers are the
master's duals rounded to 1/SCALE and clipped to that range, so the pricing objective is integer and exact,
and each employee's least value is CP-SAT's proven bound of its pricing solve. The bound therefore rests
neither on the LP solver's tolerances nor on every pricing solve finishing. At the master's optimum it is the
master LP's value, far above the compact model's LP (Instance5: 1,141 against 746; optimum 1,143).

**Dive.** From the master's optimum, fix every employee whose schedule has lambda >= 0.9, and at least a fifth of
the employees left (largest lambda first), price the others again for a few rounds, and repeat until all are fixed
(when time runs out, all that are left at once):
a valid roster (each schedule meets the employee's hard rules, and the benchmark has no others).

**Restricted master as an integer program.** In its share of the time, CP-SAT picks one generated schedule per
employee (the master with integer lambda), hinted with the dive's roster, so it
combines schedules of the start, the root and the dive (Instance5: 1,144 from the root's schedules alone).
"""

from __future__ import annotations

import math
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import highspy
import numpy as np
from ortools.sat.python import cp_model

from curtois_qu.instance import Assignments, CurtoisInstance
from curtois_qu.model import CURTOIS_RULES, CurtoisModel, assignments_of, work_window_cuts

SCALE = 10_000
"""Multipliers are rounded to 1/SCALE of an objective point (pricing objectives must be integers)."""

SMOOTHING = 0.5
"""Weight of the best bound's multipliers in the pricing duals (0: price at the master's duals)."""

LAMBDA_FIXED = 0.9
"""A dive step fixes every employee whose master value of one schedule is at least this, ..."""

DIVE_STEP = 0.2
"""... and at least this share of the employees not yet fixed, those with the largest values first."""


@dataclass(frozen=True)
class Schedule:
    """One employee's shifts as (day, shift id) pairs, sorted, and their request penalties."""

    employee: int
    shifts: tuple[tuple[int, str], ...]
    cost: int


class Master:
    """The restricted master LP: employee rows first, then the cover rows, then two slack columns per cover row."""

    def __init__(self, instance: CurtoisInstance) -> None:
        self.instance = instance
        self.employees = len(instance.employees)
        self.rows = {(c.day, c.shift_id): self.employees + r for r, c in enumerate(instance.cover)}
        self.schedules: list[Schedule] = []
        self._known: set[tuple[int, tuple]] = set()
        self.values = np.zeros(0)
        highs = highspy.Highs()
        highs.setOptionValue("output_flag", False)
        highs.setOptionValue("threads", 1)
        no_columns = np.array([], dtype=np.int32), np.array([], dtype=np.float64)
        for _ in range(self.employees):
            highs.addRow(1, 1, 0, *no_columns)
        for c in instance.cover:
            highs.addRow(c.requirement, c.requirement, 0, *no_columns)
        for r, c in enumerate(instance.cover):
            row = np.array([self.employees + r], dtype=np.int32)
            highs.addCol(c.weight_under, 0, highspy.kHighsInf, 1, row, np.array([1.0]))
            highs.addCol(c.weight_over, 0, highspy.kHighsInf, 1, row, np.array([-1.0]))
        self.slack_columns = 2 * len(instance.cover)
        self.highs = highs

    def add(self, schedule: Schedule) -> bool:
        """Add a schedule as a column (False when the master has it already)."""
        key = (schedule.employee, schedule.shifts)
        if key in self._known:
            return False
        self._known.add(key)
        rows = [schedule.employee] + [self.rows[cell] for cell in schedule.shifts if cell in self.rows]
        self.highs.addCol(schedule.cost, 0, highspy.kHighsInf, len(rows), np.array(rows, dtype=np.int32), np.ones(len(rows)))
        self.schedules.append(schedule)
        return True

    def solve(self) -> tuple[np.ndarray, np.ndarray]:
        """Solve the master: (duals of the employee rows, duals of the cover rows); `values` holds lambda."""
        self.highs.run()
        solution = self.highs.getSolution()
        duals = np.asarray(solution.row_dual)
        self.values = np.asarray(solution.col_value)[self.slack_columns :]
        return duals[: self.employees], duals[self.employees :]

    def multipliers(self, cover_duals: np.ndarray) -> dict[tuple[int, str], int]:
        """(day, shift id) -> the cover row's dual in 1/SCALE points, clipped to [-WeightOver, WeightUnder]."""
        return {
            (c.day, c.shift_id): int(min(SCALE * c.weight_under, max(-SCALE * c.weight_over, round(SCALE * dual))))
            for c, dual in zip(self.instance.cover, cover_duals)
        }

    def shift_values(self) -> dict[tuple[int, int, str], float]:
        """(employee, day, shift id) -> the sum of lambda over the schedules holding that shift (0 when absent)."""
        values: dict[tuple[int, int, str], float] = {}
        for schedule, value in zip(self.schedules, self.values):
            for d, shift_id in schedule.shifts if value > 1e-9 else ():
                values[schedule.employee, d, shift_id] = values.get((schedule.employee, d, shift_id), 0.0) + value
        return values

    def fix(self, employee: int, chosen: int) -> None:
        """Keep only schedule `chosen` of `employee` (the others get an upper bound of 0)."""
        for k, schedule in enumerate(self.schedules):
            if schedule.employee == employee and k != chosen:
                self.highs.changeColBounds(self.slack_columns + k, 0, 0)


class Pricer:
    """One-employee CP-SAT models (all hard rules, no cover), re-solved with each round's multipliers."""

    def __init__(self, instance: CurtoisInstance, seed: int, deterministic_seconds: float = 1.0, kept: int = 6) -> None:
        self.models = []
        for e in range(len(instance.employees)):
            alone = CurtoisModel(instance, [e])
            for rule in CURTOIS_RULES:
                if rule.name != "cover":
                    rule.apply(alone)
            work_window_cuts(alone)
            self.models.append(alone)
        self.seed = seed
        self.deterministic_seconds = deterministic_seconds
        self.kept = kept

    def price(self, employee: int, multipliers: dict[tuple[int, str], int], deadline: float = math.inf) -> tuple[list[Schedule], float]:
        """The employee's schedules the solve found, best last (at most `kept`: every improving solution on the way to
        the least SCALE * requests - multipliers is a column worth adding), and the proven lower bound of that
        objective (-inf when the solve proved nothing, or when the `time.monotonic()` deadline had passed)."""
        if time.monotonic() >= deadline:  # a round of a year-long instance takes minutes: stop it at the deadline
            return [], -math.inf
        alone = self.models[employee]
        requests = sum(p.coefficient * p.expression for p in alone.penalties)
        cells = ((multipliers.get((d, alone.options[o].shift_id)), var) for (_, d, o), var in alone.x.items())
        reward = [multiplier * var for multiplier, var in cells if multiplier is not None]
        model = alone.model.clone()  # threads price different employees; a clone keeps each solve's objective its own
        model.minimize(SCALE * requests - sum(reward))
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = self.seed
        solver.parameters.max_deterministic_time = self.deterministic_seconds
        solver.parameters.max_time_in_seconds = min(1e9, deadline - time.monotonic())
        solver.parameters.linearization_level = 2
        solver.parameters.catch_sigint_signal = False
        found = _Schedules(alone, employee, self.kept)
        status = solver.solve(model, found)
        return found.schedules, -math.inf if status == cp_model.INFEASIBLE else solver.best_objective_bound


class _Schedules(cp_model.CpSolverSolutionCallback):
    """The last `kept` schedules of a pricing solve (each better than the one before)."""

    def __init__(self, alone: CurtoisModel, employee: int, kept: int) -> None:
        super().__init__()
        self.alone, self.employee, self.kept = alone, employee, kept
        self.schedules: list[Schedule] = []

    def on_solution_callback(self) -> None:
        alone = self.alone
        shifts = tuple(sorted((d, shift_id) for (_, d), shift_id in assignments_of(alone, self.value).items()))
        cost = sum(p.coefficient * self.value(p.expression) for p in alone.penalties)
        self.schedules = [*self.schedules, Schedule(self.employee, shifts, int(cost))][-self.kept :]


@dataclass
class ColumnGeneration:
    """The best proven bound, the roster found (None when Ctrl-C stopped the search first) and how it went."""

    bound: float = -math.inf
    assignments: Assignments | None = None
    schedules: int = 0
    interrupted: bool = False
    shift_values: dict[tuple[int, int, str], float] = field(default_factory=dict)
    """(employee, day, shift id) -> the root master's value of that shift (lambda of the schedules holding it)."""
    stats: dict[str, float] = field(default_factory=dict)


def generate(
    master: Master,
    pricer: Pricer,
    pool: ThreadPoolExecutor,
    deadline: float,
    fixed: set[int],
    max_rounds: int | None = None,
    smoothing: float = SMOOTHING,
) -> float:
    """Price and add schedules until none improves the master, the deadline passes or `max_rounds` ran; return the
    best Lagrangian bound of the rounds where every employee was priced (-inf when none was).

    Duals are smoothed (Wentges): each round prices at `smoothing` x the multipliers of the best bound so far plus
    the rest x the master's duals, which damps the duals' swings and shortens the tail. A schedule enters when it
    improves the master at its own duals; a round where none does is repeated at the master's duals, and the
    search ends when that round finds none either (the master is then at its optimum).
    """
    best, center, rounds, weight = -math.inf, None, 0, smoothing
    while time.monotonic() < deadline and (max_rounds is None or rounds < max_rounds):
        employee_duals, cover_duals = master.solve()
        duals = master.multipliers(cover_duals)
        at = duals if center is None or not weight else {cell: round(weight * center[cell] + (1 - weight) * duals[cell]) for cell in duals}
        free = [e for e in range(master.employees) if e not in fixed]
        priced = list(pool.map(pricer.price, free, [at] * len(free), [deadline] * len(free)))
        rounds += 1
        if not fixed:
            lagrangian = (sum(at[c.day, c.shift_id] * c.requirement for c in master.instance.cover) + sum(b for _, b in priced)) / SCALE
            if lagrangian > best:
                best, center = lagrangian, at
        added = sum(
            master.add(schedule)
            for e, (schedules, _) in zip(free, priced)
            for schedule in schedules
            if _scaled_value(schedule, duals) / SCALE - employee_duals[e] < -1e-6
        )
        if not added and at is duals:
            return best
        weight = smoothing if added else 0.0
    master.solve()  # lambda of the schedules added last (and of the start's, when no round fitted in)
    return best


def _scaled_value(schedule: Schedule, multipliers: dict[tuple[int, str], int]) -> int:
    """The pricing objective of a schedule: SCALE * its requests minus the multipliers of its shifts."""
    return SCALE * schedule.cost - sum(multipliers.get(cell, 0) for cell in schedule.shifts)


def dive(master: Master, pricer: Pricer, pool: ThreadPoolExecutor, deadline: float, rounds_per_step: int | None = 3) -> dict[int, Schedule]:
    """Fix employees to schedules by their master values (see the module docstring) until all are fixed; once the
    deadline has passed, the employees left get their largest-valued schedules at once."""
    fixed: dict[int, Schedule] = {}
    while len(fixed) < master.employees:
        best: dict[int, tuple[float, int]] = {}
        for k, (schedule, value) in enumerate(zip(master.schedules, master.values)):
            if schedule.employee not in fixed and value > best.get(schedule.employee, (-1.0, -1))[0]:
                best[schedule.employee] = (value, k)
        ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[0]))
        step = max(1, math.ceil(DIVE_STEP * len(ranked)), sum(value >= LAMBDA_FIXED for _, (value, _) in ranked))
        step = len(ranked) if time.monotonic() >= deadline else step
        sure = {e: k for e, (_, k) in ranked[:step]}
        for e, k in sure.items():
            master.fix(e, k)
            fixed[e] = master.schedules[k]
        generate(master, pricer, pool, deadline, set(fixed), rounds_per_step)
    return fixed


def restricted_master_roster(master: Master, hint: dict[int, int], deadline: float, seed: int, workers: int) -> dict[int, Schedule] | None:
    """The best choice of one master schedule per employee found by CP-SAT before the deadline, hinted with `hint`
    (employee -> schedule index); None when it finds none."""
    model = cp_model.CpModel()
    chosen = [model.new_bool_var(f"schedule_{k}") for k in range(len(master.schedules))]
    for e in range(master.employees):
        model.add_exactly_one([chosen[k] for k, schedule in enumerate(master.schedules) if schedule.employee == e])
    costs = [schedule.cost * chosen[k] for k, schedule in enumerate(master.schedules)]
    covering: dict[tuple[int, str], list] = {}
    for k, schedule in enumerate(master.schedules):
        for cell in schedule.shifts:
            covering.setdefault(cell, []).append(chosen[k])
    for c in master.instance.cover:
        under = model.new_int_var(0, c.requirement, f"under_{c.day}_{c.shift_id}")
        over = model.new_int_var(0, master.employees, f"over_{c.day}_{c.shift_id}")
        model.add(sum(covering.get((c.day, c.shift_id), [])) + under - over == c.requirement)
        costs += [c.weight_under * under, c.weight_over * over]
    model.minimize(sum(costs))
    for k, schedule in enumerate(master.schedules):
        model.add_hint(chosen[k], hint.get(schedule.employee) == k)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    solver.parameters.max_time_in_seconds = max(0.1, deadline - time.monotonic())
    solver.parameters.catch_sigint_signal = False
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return {schedule.employee: schedule for k, schedule in enumerate(master.schedules) if solver.value(chosen[k])}


def request_cost(instance: CurtoisInstance, agent_id: str, assignments: Assignments) -> int:
    """The employee's shift-on and shift-off request penalties in a roster."""
    cost = sum(r.weight for r in instance.on_requests if r.employee == agent_id and assignments.get((agent_id, r.day)) != r.shift_id)
    return cost + sum(r.weight for r in instance.off_requests if r.employee == agent_id and assignments.get((agent_id, r.day)) == r.shift_id)


def column_generation(
    instance: CurtoisInstance,
    start: Assignments,
    *,
    deadline: float,
    seed: int = 0,
    workers: int = 2,
    root_share: float = 0.6,
    dive_share: float = 0.25,
) -> ColumnGeneration:
    """Bound the instance by column generation seeded with the `start` roster's schedules, then look for a roster
    by a dive and by the restricted master as an integer program.

    Args:
        instance: the parsed instance.
        start: a valid roster (its schedules start the master, so its LP is at most the roster's objective).
        deadline: `time.monotonic()` by which all three stages end.
        seed: CP-SAT seed of the pricing solves and of the restricted master.
        workers: pricing solves at once (threads), and CP-SAT workers of the restricted master.
        root_share, dive_share: the shares of the time for the root (the bound) and for the dive; the restricted
            master gets the rest. A stage does not pass the time it leaves to the next one: the search ends early
            and the caller's next stage gets it (Instance12: the root converged in 34 s of 340, and the restricted
            master then spent 288 s to improve the dive's 4,915 to 4,914).
    """
    started = time.monotonic()
    span = deadline - started

    def share_from_now(share: float) -> float:
        return min(deadline, time.monotonic() + share * span)

    master, pricer = Master(instance), Pricer(instance, seed)
    for e, employee in enumerate(instance.employees):
        shifts = tuple(sorted((d, s) for (agent, d), s in start.items() if agent == employee.agent_id))
        master.add(Schedule(e, shifts, request_cost(instance, employee.agent_id, start)))
    result, fixed = ColumnGeneration(), None
    with ThreadPoolExecutor(max_workers=workers) as pool:
        try:
            result.bound = generate(master, pricer, pool, started + root_share * span, set())
            result.stats["root_seconds"] = time.monotonic() - started
            result.stats["root_lp"] = master.highs.getInfo().objective_function_value
            result.shift_values = master.shift_values()
            fixed = dive(master, pricer, pool, share_from_now(dive_share))
            result.stats["dive_seconds"] = time.monotonic() - started - result.stats["root_seconds"]
            index = {(schedule.employee, schedule.shifts): k for k, schedule in enumerate(master.schedules)}
            hint = {e: index[e, schedule.shifts] for e, schedule in fixed.items()}
            fixed = restricted_master_roster(master, hint, share_from_now(1 - root_share - dive_share), seed, workers) or fixed
        except KeyboardInterrupt:  # the pricing solves ignore Ctrl-C; the bound proven so far stays
            result.interrupted = True
    if fixed is not None:
        result.assignments = {(instance.employees[e].agent_id, d): s for e, schedule in fixed.items() for d, s in schedule.shifts}
    result.schedules = len(master.schedules)
    result.stats["seconds"] = time.monotonic() - started
    return result
