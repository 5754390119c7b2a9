"""Large-neighbourhood search around CP-SAT, for any roster-like model (the center roster or a benchmark).

The interface is generic: a CP-SAT model, its decision variables grouped by *cell* (for a roster, an
(agent, day) pair and that day's shift variables), a complete incumbent solution (a value for every model
variable, e.g. CP-SAT's `response.solution`), and neighbourhoods that say which cells to free. Each
iteration (or round of `parallel` sub-solves in threads) picks a neighbourhood (more often those that improved lately), frees its cells, fixes every
other cell's variables to the incumbent (by tightening their domains, restored afterwards), hints the
incumbent and re-solves briefly. A neighbourhood whose sub-problem is solved to optimality grows; one
that times out shrinks. The search stops at the time limit, at the iteration limit, or when the incumbent
reaches the given lower bound (proven optimal).

Deterministic for a fixed seed: the random choices come from `random.Random(seed)` and each sub-solve is
limited by CP-SAT's deterministic time, so the same seed and iteration count give the same solution (the
wall-clock limit only decides where the sequence stops). Ctrl-C (KeyboardInterrupt) returns the best
solution found so far, with `interrupted=True`.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Collection, Hashable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from scheduler.roster.progress import RosterProgress
from scheduler.roster.solve import relative_gap, solver_parameters

Cell = Hashable


@dataclass(frozen=True)
class Neighbourhood:
    """A named way to choose the cells to free, given a random source, the share of all cells to free and the
    incumbent (a value per model variable, so that a neighbourhood can aim at the incumbent's costs)."""

    name: str
    choose: Callable[[random.Random, float, Sequence[int]], Collection[Cell]]


@dataclass
class LnsResult:
    """The best solution found (a value per model variable) and how the search went."""

    values: list[int]
    objective: float
    bound: float
    optimal: bool
    interrupted: bool
    iterations: int
    improvements: dict[str, int] = field(default_factory=dict)
    tries: dict[str, int] = field(default_factory=dict)
    shares: dict[str, float] = field(default_factory=dict)
    solved: dict[str, int] = field(default_factory=dict)


def agent_day_neighbourhoods(agents: int, days: int, groups: Sequence[Sequence[int]] = ()) -> list[Neighbourhood]:
    """Neighbourhoods over (agent, day) cells: a window of days for everyone, a set of agents over the whole
    horizon, a block of agents x days, and the agents sharing a skill set (`groups`) over a window.

    The share `f` is the fraction of all agents x days cells to free (each neighbourhood rounds it to its shape).
    """
    everyone = list(range(agents))

    def window(rng: random.Random, f: float, _: Sequence[int]) -> list[Cell]:
        length = max(1, min(days, round(f * days)))
        first = rng.randrange(days - length + 1)
        return [(a, d) for a in everyone for d in range(first, first + length)]

    def some_agents(rng: random.Random, f: float, _: Sequence[int]) -> list[Cell]:
        chosen = rng.sample(everyone, max(1, min(agents, round(f * agents))))
        return [(a, d) for a in chosen for d in range(days)]

    def block(rng: random.Random, f: float, _: Sequence[int]) -> list[Cell]:
        cells = max(1.0, f * agents * days)
        count = max(1, min(agents, round(math.sqrt(cells * agents / days))))
        length = max(1, min(days, round(cells / count)))
        first = rng.randrange(days - length + 1)
        return [(a, d) for a in rng.sample(everyone, count) for d in range(first, first + length)]

    def skill_set(rng: random.Random, f: float, _: Sequence[int]) -> list[Cell]:
        members = list(rng.choice(shared))
        length = max(1, min(days, round(f * agents * days / len(members))))
        first = rng.randrange(days - length + 1)
        return [(a, d) for a in members for d in range(first, first + length)]

    found = [Neighbourhood("days", window), Neighbourhood("agents", some_agents), Neighbourhood("block", block)]
    shared = [list(group) for group in groups if len(group) > 1]
    if len(shared) > 1:
        found.append(Neighbourhood("skill_set", skill_set))
    return found


def improve(
    model: cp_model.CpModel,
    cells: Mapping[Cell, Sequence[cp_model.IntVar]],
    incumbent: Sequence[int],
    neighbourhoods: Sequence[Neighbourhood],
    *,
    time_limit_seconds: float,
    seed: int = 0,
    workers: int | None = 1,
    lower_bound: float = -math.inf,
    sub_deterministic_seconds: float = 0.1,
    start_share: float = 0.1,
    parallel: int = 1,
    max_iterations: int | None = None,
    parameters: Mapping[str, object] | None = None,
    progress: Callable[[RosterProgress], None] | None = None,
    growth: float = 1.2,
) -> LnsResult:
    """Improve a complete incumbent of a minimisation model by large-neighbourhood search.

    Args:
        model: the CP-SAT model (its domains are tightened during a sub-solve and restored after it).
        cells: cell -> the decision variables fixed together when the cell is not freed (interval domains).
        incumbent: a value for every variable of the model, satisfying all its constraints.
        neighbourhoods: how to choose the cells to free.
        time_limit_seconds: wall-clock budget of the whole search. No round starts with less time left than the
            longest round so far took: a sub-solve of a year-long instance spends seconds loading its model before
            it looks at its time limit (Instance24 returned 7 s late without this, Instance21 0.3 s with the
            rounds' mean instead).
        seed: the random seed (neighbourhood choice and each sub-solve's seed).
        workers: CP-SAT workers per sub-solve (1 keeps the search deterministic).
        lower_bound: a proven lower bound on the objective; reaching it stops the search (optimal).
        sub_deterministic_seconds: CP-SAT deterministic-time limit of one sub-solve.
        start_share: the initial share of cells a neighbourhood frees.
        parallel: sub-solves run at once (threads; each round keeps the best of its results), e.g. one per core.
        max_iterations: stop after this many sub-solves (None = time limit only).
        parameters: extra CP-SAT parameters of every sub-solve (e.g. {"linearization_level": 2}).
        progress: called with a `RosterProgress` (stage lns, passes = iteration) on each improvement.
        growth: a neighbourhood's share is multiplied by it after a sub-solve proved optimal, divided by it after
            one that timed out.

    Raises:
        ValueError: when a cell variable's domain has holes.
    """
    started = time.monotonic()
    rng = random.Random(seed)
    best = list(incumbent)
    best_objective = objective_value(model.proto, best)
    share = {n.name: start_share for n in neighbourhoods}
    score = {n.name: 1.0 for n in neighbourhoods}
    tries = dict.fromkeys(share, 0)
    improvements = dict.fromkeys(share, 0)
    solved_count = dict.fromkeys(share, 0)
    indices = {cell: [v.index for v in variables] for cell, variables in cells.items()}
    domains = {i: tuple(model.proto.variables[i].domain) for ids in indices.values() for i in ids}
    if any(len(domain) != 2 for domain in domains.values()):
        raise ValueError("improve: every cell variable needs an interval domain (no holes).")
    copies = [model] + [model.clone() for _ in range(parallel - 1)]
    iteration, longest_round, interrupted = 0, 0.0, False
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        try:
            while best_objective > lower_bound + 1e-9 and (max_iterations is None or iteration < max_iterations):
                round_started = time.monotonic()
                remaining = time_limit_seconds - (round_started - started)
                if remaining <= max(0.05, longest_round):
                    break
                jobs = []
                for k, copy in enumerate(copies[: parallel if max_iterations is None else min(parallel, max_iterations - iteration)]):
                    chosen = rng.choices(neighbourhoods, weights=[0.05 + score[n.name] for n in neighbourhoods])[0]
                    free = set(chosen.choose(rng, share[chosen.name], best))
                    fixed = [i for cell, ids in indices.items() if cell not in free for i in ids]
                    limits = (remaining, sub_deterministic_seconds, seed + iteration + k, workers, parameters or {})
                    jobs.append((chosen, pool.submit(_sub_solve, copy, fixed, best, domains, limits)))
                round_best = None
                for chosen, job in jobs:
                    status, objective, solution = job.result()
                    iteration += 1
                    tries[chosen.name] += 1
                    solved = status == cp_model.OPTIMAL
                    solved_count[chosen.name] += solved
                    share[chosen.name] = min(1.0, share[chosen.name] * growth) if solved else max(0.002, share[chosen.name] / growth)
                    gained = solution is not None and objective < best_objective - 1e-9
                    score[chosen.name] = 0.8 * score[chosen.name] + 0.2 * gained
                    improvements[chosen.name] += gained
                    if solution is not None and objective <= best_objective and (round_best is None or objective < round_best[0]):
                        round_best = (objective, solution, chosen.name)
                longest_round = max(longest_round, time.monotonic() - round_started)
                if round_best is not None:
                    gained = round_best[0] < best_objective - 1e-9
                    best_objective, best = round_best[0], round_best[1]
                    if gained and progress is not None:
                        bound = max(0.0, lower_bound)
                        elapsed, gap = time.monotonic() - started, relative_gap(best_objective, bound)
                        progress(RosterProgress("lns", elapsed, best_objective, bound, gap, 0.0, iteration))
        except KeyboardInterrupt:
            interrupted = True
    return LnsResult(
        best, best_objective, lower_bound, best_objective <= lower_bound + 1e-9, interrupted, iteration, improvements, tries, share, solved_count
    )


def _sub_solve(
    model: cp_model.CpModel, fixed: list[int], values: Sequence[int], domains: Mapping[int, tuple], limits: tuple
) -> tuple[int, float, list[int] | None]:
    """Solve `model` with the `fixed` variables at their `values` (domains restored after), hinted with `values`:
    (status, objective, solution or None)."""
    remaining, deterministic_seconds, seed, workers, parameters = limits
    proto = model.proto
    solver = cp_model.CpSolver()
    solver_parameters(solver, remaining, seed, workers, 0)  # 0 agent-days: a sub-problem is small
    solver.parameters.catch_sigint_signal = False
    solver.parameters.max_deterministic_time = deterministic_seconds
    for name, value in parameters.items():
        setattr(solver.parameters, name, value)
    try:
        for i in fixed:
            proto.variables[i].domain[0] = values[i]
            proto.variables[i].domain[1] = values[i]
        _hint(proto, values)
        status = solver.solve(model)
    finally:
        for i in fixed:
            proto.variables[i].domain[0], proto.variables[i].domain[1] = domains[i]
        proto.clear_solution_hint()
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return status, solver.objective_value, list(solver.response_proto.solution)
    return status, math.inf, None


def _hint(proto, values: Sequence[int]) -> None:
    """Hint a complete solution (replacing any previous hint)."""
    proto.clear_solution_hint()
    proto.solution_hint.vars.extend(range(len(values)))
    proto.solution_hint.values.extend(values)


def objective_value(proto, values: Sequence[int]) -> float:
    """The model's objective for a complete solution."""
    objective = proto.objective
    raw = sum(c * (values[v] if v >= 0 else 1 - values[-v - 1]) for v, c in zip(objective.vars, objective.coeffs))
    return (raw + objective.offset) * (objective.scaling_factor or 1.0)
