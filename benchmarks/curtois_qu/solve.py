"""Solve a Curtois & Qu instance with the roster engine's machinery: greedy hint, CP-SAT, then LNS.

1. Greedy hint: employees one at a time, each gets the best schedule for the cover still missing from a
   one-employee CP-SAT model with all of the employee's hard rules. Every hard rule of the benchmark is
   per employee, so the combined roster is always valid: even the largest instances get a roster at once.
   When the cover objective keeps CP-SAT from any schedule in time (364-day instances), a solve that
   maximises the days worked finds one first and hints the cover solve; the employees after it start so.
2. CP-SAT on the whole model, hinted with that roster (the engine's `solver_parameters`), for a small share
   of the time limit (5%); small instances are proved optimal here.
3. Column generation over employee schedules (`colgen.column_generation`), seeded with the incumbent, for up
   to 60% of the time left: a proven bound far stronger than CP-SAT's (Instance5: 1,141 against about 750;
   optimum 1,143), then a roster from a dive and from the restricted master as an integer program, kept when
   it beats the incumbent. Each of the three has its share of that time; what a stage leaves goes to the LNS.
4. LNS (`lns.improve`) over (employee, day) cells for the rest of the time, one 1-worker sub-solve per core
   at once, with CP-SAT's full LP relaxation in each sub-solve; besides the windows, agents, blocks and cover
   neighbourhoods, one frees the cells the column generation master leaves unsettled (`relaxation_guided`).
   It stops early when the incumbent reaches the best proven bound.
The compact model's LP bound (`lp_bound` in the benchmark) is computed apart, because on the larger instances
GLOP needs seconds.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from curtois_qu.colgen import column_generation
from curtois_qu.instance import Assignments, CurtoisInstance
from curtois_qu.lns import Neighbourhood, agent_day_neighbourhoods, improve, objective_value
from curtois_qu.model import CurtoisModel, assignments_of, build_curtois_model
from scheduler.roster.interrupts import restore_python_interrupts
from scheduler.roster.progress import RosterProgress
from scheduler.roster.solve import SolutionReporter, relative_gap, solver_parameters
from staffcast.deadline import Deadline
from staffcast.errors import InfeasibleError

LNS_PARAMETERS = {"linearization_level": 2}
"""Sub-solves with the full LP relaxation: on Instance8 (60 s, 2 cores) 1456 against 1730 with the default level."""


@dataclass
class CurtoisResult:
    """The best roster found, its objective, CP-SAT's proven bound, the status (OPTIMAL, FEASIBLE, or INTERRUPTED
    after Ctrl-C), and how each stage did."""

    assignments: Assignments
    objective: int
    bound: float
    status: str
    solve_seconds: float
    stages: dict[str, float] = field(default_factory=dict)
    lns: dict[str, object] = field(default_factory=dict)


def greedy_assignments(instance: CurtoisInstance, *, seed: int = 0, seconds_per_employee: float = 1.0) -> Assignments:
    """A valid roster built one employee at a time against the cover still missing.

    Raises:
        InfeasibleError: when an employee's own hard rules cannot all hold.
    """
    placed: dict[tuple[int, str], int] = defaultdict(int)
    assignments: Assignments = {}
    long_horizon = False
    for index, employee in enumerate(instance.employees):
        alone = build_curtois_model(instance, [index], cover_offset=placed, with_cuts=True)
        solver = cp_model.CpSolver()
        status = cp_model.UNKNOWN if long_horizon else _solve_alone(solver, alone.model, seconds_per_employee, seed)
        if status == cp_model.UNKNOWN:  # a long horizon: first any schedule, then a hinted solve from it
            long_horizon = True  # the next employees go straight to it (Instance24: 0.35 s saved on each of 150)
            status = _any_schedule(solver, alone, max(10.0, 100 * seconds_per_employee), seed)
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                values = list(solver.response_proto.solution)
                _hint(alone.model, values)
                better = cp_model.CpSolver()
                if _solve_alone(better, alone.model, 2 * seconds_per_employee, seed) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                    solver = better
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            found = "has no schedule" if status == cp_model.INFEASIBLE else "got no schedule in time"
            raise InfeasibleError(
                f"{instance.name}: employee {employee.agent_id} {found} that meets all of the employee's hard rules "
                "(days off, MaxShifts, total minutes, consecutive days, weekends); check the SECTION_STAFF row."
            )
        for (agent_id, day), shift_id in assignments_of(alone, solver.value).items():
            assignments[agent_id, day] = shift_id
            placed[day, shift_id] += 1
    return assignments


def _solve_alone(solver: cp_model.CpSolver, model: cp_model.CpModel, deterministic_seconds: float, seed: int) -> int:
    """One 1-worker solve of a one-employee model with the full LP relaxation, within a deterministic time."""
    solver_parameters(solver, deterministic_seconds * 10, seed, 1, 0)
    solver.parameters.max_deterministic_time = deterministic_seconds
    solver.parameters.linearization_level = 2  # Instance20's employee B: no schedule in 20 s without, 0.1 s with
    return solver.solve(model)


def _hint(model: cp_model.CpModel, values: list[int]) -> None:
    """Hint a complete solution of `model`."""
    model.proto.solution_hint.vars.extend(range(len(values)))
    model.proto.solution_hint.values.extend(values)


def _any_schedule(solver: cp_model.CpSolver, alone: CurtoisModel, deterministic_seconds: float, seed: int) -> int:
    """Any schedule of a one-employee model that the cover objective keeps CP-SAT from finding: a solve that
    maximises the days worked instead (the tight rule of long horizons is MinTotalMinutes), stopped at its
    first solution. On Instance22 employee O has a schedule in 0.35 deterministic seconds this way and none
    in 12 with the cover objective."""
    feasibility = alone.model.clone()
    feasibility.clear_objective()
    feasibility.maximize(sum(alone.works(a, d) for a, d in alone.off))
    solver_parameters(solver, deterministic_seconds * 10, seed, 1, 0)
    solver.parameters.max_deterministic_time = deterministic_seconds
    solver.parameters.linearization_level = 2
    solver.parameters.stop_after_first_solution = True
    status = solver.solve(feasibility)
    solver.parameters.stop_after_first_solution = False
    return status


def fix_to(m: CurtoisModel, assignments: Assignments) -> list[tuple[object, int]]:
    """(variable, value) for every shift and off variable of `m` as in `assignments`."""
    values = [(var, int(assignments.get((m.agents[a].agent_id, d)) == m.options[o].shift_id)) for (a, d, o), var in m.x.items()]
    values += [(var, int((m.agents[a].agent_id, d) not in assignments)) for (a, d), var in m.off.items()]
    return values


def complete(m: CurtoisModel, assignments: Assignments, seed: int = 0) -> list[int]:
    """A value for every variable of `m` (slacks, weekend flags too) for a valid roster, by a solve with every
    shift fixed.

    Raises:
        InfeasibleError: when the roster breaks a hard rule of the model.
    """
    fixed = m.model.clone()
    variables = fixed.proto.variables
    for var, value in fix_to(m, assignments):  # a fixed domain, not a constraint per variable (Instance24: 1.1 M)
        variables[var.index].domain[0] = variables[var.index].domain[1] = value
    solver = cp_model.CpSolver()
    solver_parameters(solver, 60, seed, 1, 0)
    if solver.solve(fixed) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise InfeasibleError(f"{m.instance.name}: the given roster breaks a hard rule of the model.")
    return list(solver.response_proto.solution)


def cover_window(m: CurtoisModel) -> Neighbourhood:
    """Free a window of days around a (day, shift) the incumbent leaves short (or overstaffs), for the employees
    who may work that shift; the window holds about the requested share of all cells."""
    rows = [(day, shift_id, var.index) for (day, shift_id), var in m.under.items()]
    rows += [(day, shift_id, var.index) for (day, shift_id), var in m.over.items()]
    able = {s.shift_id: [a for a, e in enumerate(m.agents) if e.max_shifts[s.shift_id] > 0] for s in m.options}
    days = m.horizon.days

    def choose(rng, share: float, values) -> list[tuple[int, int]]:
        costly = [(day, shift_id) for day, shift_id, i in rows if values[i] > 0] or [(day, shift_id) for day, shift_id, _ in rows]
        day, shift_id = rng.choice(costly)
        members = able[shift_id] or list(range(len(m.agents)))
        length = max(1, min(days, round(share * len(m.agents) * days / len(members))))
        first = min(max(0, day - rng.randrange(length)), days - length)
        return [(a, d) for a in members for d in range(first, first + length)]

    return Neighbourhood("cover", choose)


def _column_generation_stage(
    m: CurtoisModel,
    incumbent: list[int],
    bound: float,
    started: float,
    time_limit_seconds: float,
    share: float,
    seed: int,
    workers: int,
    stages: dict[str, float],
    progress: Callable[[RosterProgress], None] | None,
) -> tuple[list[int], float, bool, dict[tuple[int, int, str], float]]:
    """Column generation from the incumbent: (the better of the incumbent and its roster, the better bound,
    whether Ctrl-C stopped it, the root master's shift values)."""
    now = time.monotonic()
    deadline = now + share * (time_limit_seconds - (now - started))
    found = column_generation(m.instance, assignments_of(m, lambda var: incumbent[var.index]), deadline=deadline, seed=seed, workers=workers)
    stages["colgen_seconds"] = time.monotonic() - now
    stages["colgen_bound"] = found.bound
    bound = max(bound, found.bound)
    if found.assignments is not None:
        roster = complete(m, found.assignments, seed)
        stages["colgen_objective"] = objective_value(m.model.proto, roster)
        if stages["colgen_objective"] < objective_value(m.model.proto, incumbent):
            incumbent = roster
            if progress is not None:
                elapsed, value = time.monotonic() - started, stages["colgen_objective"]
                progress(RosterProgress("colgen", elapsed, value, max(0.0, bound), relative_gap(value, max(0.0, bound)), 0.0))
    return incumbent, bound, found.interrupted, found.shift_values


def relaxation_guided(m: CurtoisModel, shift_values: dict[tuple[int, int, str], float]) -> Neighbourhood:
    """Free (employee, day) cells where the incumbent's choice (a shift or the day off) has a value below 0.99 in the
    column generation master (relaxation-induced, RINS): the LP disagrees or is undecided there. A random share of
    them when there are more."""

    master: dict[tuple[int, int], tuple[list[tuple[int, float]], float]] = {}  # cell -> ((shift var, its share)s, day off's)
    for a, d in m.off:
        shifts = [(m.x[a, d, o].index, shift_values.get((a, d, s.shift_id), 0.0)) for o, s in enumerate(m.options) if (a, d, o) in m.x]
        master[a, d] = (shifts, 1.0 - sum(value for _, value in shifts))  # the master has no shift an employee may not work

    def choose(rng, share: float, values) -> list[tuple[int, int]]:
        undecided = []
        for cell, (shifts, day_off) in master.items():
            if next((value for index, value in shifts if values[index]), day_off) < 0.99:
                undecided.append(cell)
        wanted = max(1, round(share * len(m.off)))
        return undecided if len(undecided) <= wanted else rng.sample(undecided, wanted)

    return Neighbourhood("relaxation", choose)


def solve_instance(
    instance: CurtoisInstance,
    *,
    time_limit_seconds: float = 60,
    seed: int = 0,
    workers: int = 2,
    cpsat_share: float = 0.05,
    use_greedy: bool = True,
    use_lns: bool = True,
    use_colgen: bool = True,
    colgen_share: float = 0.6,
    lns_workers: int = 1,
    sub_deterministic_seconds: float = 0.3,
    progress: Callable[[RosterProgress], None] | None = None,
) -> CurtoisResult:
    """The best roster found for `instance` within the time limit (see the module docstring for the stages).

    Args:
        instance: the parsed instance.
        time_limit_seconds: wall-clock budget of all stages.
        seed, workers: CP-SAT seed and workers of the whole-model stage; the LNS runs workers // lns_workers
            sub-solves at once.
        cpsat_share: the share of the time limit for the whole-model CP-SAT stage (all of it without LNS).
        use_greedy, use_lns, use_colgen: switch stages off (to measure what each one brings).
        colgen_share: the longest share of the time left after CP-SAT that column generation may take.
        lns_workers, sub_deterministic_seconds: CP-SAT workers and deterministic-time limit of one LNS sub-solve.
        progress: called with a `RosterProgress` on each improvement (stages greedy, cp-sat, colgen, lns; no
            understaffing).

    Raises:
        InfeasibleError: when no valid roster exists or none is found in time.
    """
    started = time.monotonic()
    stages: dict[str, float] = {}
    m = build_curtois_model(instance)
    stages["build_seconds"] = time.monotonic() - started
    incumbent: list[int] | None = None
    if use_greedy:
        greedy = greedy_assignments(instance, seed=seed, seconds_per_employee=min(1.0, time_limit_seconds / 20 / len(instance.employees)))
        incumbent = complete(m, greedy, seed)
        stages["greedy_seconds"] = time.monotonic() - started - stages["build_seconds"]
        stages["greedy_objective"] = objective_value(m.model.proto, incumbent)
        _hint(m.model, incumbent)
        if progress is not None:
            progress(RosterProgress("greedy", time.monotonic() - started, stages["greedy_objective"], 0.0, 1.0, 0.0))
    solver = cp_model.CpSolver()
    remaining = time_limit_seconds - (time.monotonic() - started)
    stage_limit = max(0.1, remaining * (cpsat_share if use_lns else 1.0))
    solver_parameters(solver, stage_limit, seed, workers, len(m.agents) * instance.days)
    status = solver.solve(m.model, SolutionReporter(progress, Deadline(time_limit_seconds, started=started)))
    restore_python_interrupts()
    # CP-SAT catches Ctrl-C (solver_parameters) and stops early with its best roster: then skip the LNS too. On a
    # loaded machine CP-SAT also returns a little before its limit (Instance3: at 2.3 of 3 s), hence half the limit.
    interrupted = status in (cp_model.FEASIBLE, cp_model.UNKNOWN) and solver.wall_time < 0.5 * stage_limit - 0.5
    m.model.proto.clear_solution_hint()
    stages["cpsat_seconds"] = solver.wall_time
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    if found:
        incumbent = list(solver.response_proto.solution)
        stages["cpsat_objective"] = solver.objective_value
    bound = max(0.0, solver.best_objective_bound) if status != cp_model.UNKNOWN else 0.0
    shift_values: dict[tuple[int, int, str], float] = {}
    if incumbent is not None and use_colgen and status != cp_model.OPTIMAL and not interrupted:
        incumbent, bound, interrupted, shift_values = _column_generation_stage(
            m, incumbent, bound, started, time_limit_seconds, colgen_share, seed, workers, stages, progress
        )
    lns_summary: dict[str, object] = {}
    remaining = time_limit_seconds - (time.monotonic() - started)
    if incumbent is not None and use_lns and status != cp_model.OPTIMAL and not interrupted and remaining > 0.1:
        cells = {(a, d): [m.x[a, d, o] for o in range(len(m.options)) if (a, d, o) in m.x] + [var] for (a, d), var in m.off.items()}
        groups = defaultdict(list)
        for a, employee in enumerate(m.agents):
            groups[tuple(s for s, n in employee.max_shifts.items() if n > 0)].append(a)
        neighbourhoods = agent_day_neighbourhoods(len(m.agents), instance.days, list(groups.values()))
        neighbourhoods.append(cover_window(m))
        if shift_values:
            neighbourhoods.append(relaxation_guided(m, shift_values))

        def report(update: RosterProgress) -> None:
            if progress is not None:
                progress(dataclasses.replace(update, elapsed_seconds=time.monotonic() - started))

        result = improve(
            m.model,
            cells,
            incumbent,
            neighbourhoods,
            time_limit_seconds=remaining,
            seed=seed,
            workers=lns_workers,
            parallel=max(1, workers // lns_workers),
            lower_bound=math.ceil(bound - 1e-6),
            sub_deterministic_seconds=sub_deterministic_seconds,
            parameters=LNS_PARAMETERS,
            progress=report,
        )
        incumbent, interrupted = result.values, result.interrupted
        lns_summary = {"iterations": result.iterations, "improvements": result.improvements, "tries": result.tries, "interrupted": result.interrupted}
        stages["lns_seconds"] = time.monotonic() - started - stages["build_seconds"] - stages.get("greedy_seconds", 0) - stages["cpsat_seconds"]
    if incumbent is None:
        raise InfeasibleError(f"{instance.name}: {'no valid roster exists' if status == cp_model.INFEASIBLE else 'no roster found in time'}.")
    assignments = assignments_of(m, lambda var: incumbent[var.index])
    objective = round(objective_value(m.model.proto, incumbent))
    optimal = status == cp_model.OPTIMAL or objective <= math.ceil(bound - 1e-6)
    return CurtoisResult(
        assignments,
        objective,
        bound,
        "OPTIMAL" if optimal else "INTERRUPTED" if interrupted else "FEASIBLE",
        time.monotonic() - started,
        stages,
        lns_summary,
    )
