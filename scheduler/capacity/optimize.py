"""The capacity model: weekly hires, cross-training and temp bookings at least cost (SCIP via OR-Tools).

Stage 1 (mixed-integer, SCIP): integer hires per profile and start week and course starts per group
and skill; temp agents per pool and week as booked hours (continuous: integer temps made this model
an order of magnitude slower); continuous headcount per group and week (attrition makes it
fractional, an expectation); a transportation-style allocation of each
group's productive FTE across the skills it holds (so a multi-skilled agent is counted once); a
shortfall per week and skill at a steep penalty, so weeks that cannot be covered come back with
their gap instead of an infeasible model.
Temps (small MIP): with hires and courses fixed the weeks are independent, so whole temp agents per
pool and week are chosen exactly at least cost.
Spread (linear, GLOP): with supply fixed, spread each group's whole productive FTE over its
skills, keeping the weekly shortfall and maximizing the week's worst coverage ratio, so the
reported available FTE shows the real surplus instead of an arbitrary split.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from scheduler.capacity.problem import ACTION_COLUMNS, CAPACITY_COLUMNS, CapacityPlan, CapacityProblem
from scheduler.capacity.supply import hire_productivity, in_training
from staffcast.deadline import Deadline
from staffcast.errors import InfeasibleError

FIRST_STAGE_SHARE = 0.8
"""The share of the time left that the staff model may use; booking whole temps gets the rest."""

MAX_COVERAGE_RATIO = 100.0
"""Stage 2 stops raising a week's worst surplus ratio here (also bounds weeks without requirement)."""
NODE_LIMIT = 50
"""SCIP stops after this many branch-and-bound nodes, so a run is reproducible (a wall-clock limit is
not; it stays as a safety net). On the examples the best plan is found by then; the rest is proof."""
OPTIMALITY_FTE_WEEKS = 2.0
OPTIMALITY_SHARE_OF_WAGES = 0.0005
"""Stop when the plan is proven as cheap as the best possible to within the smaller of two FTE-weeks of
wages and 0.05 % of today's staff's wages over the horizon (or within 0.001 % of the objective)."""


def optimize_capacity(problem: CapacityProblem, *, deadline: Deadline, progress: Callable[[str], None] | None = None) -> CapacityPlan:
    """Solve the capacity plan: the staff model until FIRST_STAGE_SHARE of the time left, booking whole temps in
    the rest (both on the command's deadline).

    Raises:
        InfeasibleError: the solver found no plan within the time limit (raise it).
    """
    from ortools.linear_solver import pywraplp

    began = time.perf_counter()
    model = _Stage1(problem, pywraplp)
    if progress:
        progress(f"capacity model: {model.solver.NumVariables()} variables, {model.solver.NumConstraints()} constraints")
    model.solver.SetTimeLimit(_milliseconds(FIRST_STAGE_SHARE * deadline.remaining()))
    staff_wages = sum(g.hourly_cost * g.paid_hours_per_agent * problem.headcount.get(g.id, 0) for g in problem.groups)
    tolerance = min(
        OPTIMALITY_FTE_WEEKS * problem.settings.fte_hours_per_week * max(g.hourly_cost for g in problem.groups),
        OPTIMALITY_SHARE_OF_WAGES * staff_wages * problem.weeks,
    )
    model.solver.SetSolverSpecificParametersAsString(f"limits/absgap = {tolerance:.2f}\nlimits/nodes = {NODE_LIMIT}")
    parameters = pywraplp.MPSolverParameters()
    parameters.SetDoubleParam(pywraplp.MPSolverParameters.RELATIVE_MIP_GAP, 1e-5)
    status = model.solver.Solve(parameters)
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        raise InfeasibleError(
            f"the capacity model found no plan within {deadline.seconds:g} s (solver status {status}). Allow more time or shorten the horizon."
        )
    decisions = model.decisions()
    productive = {key: _value(expr) for key, expr in model.productive.items()}
    decisions["temp"], weekly_gap = _book_whole_temps(problem, productive, pywraplp, deadline)
    for q in (g for g in problem.groups if g.is_temp_pool):
        for t in range(problem.weeks):
            productive[q.id, t] = q.fte_per_agent * decisions["temp"].get((q.id, t), 0)
    allocation = _spread(problem, productive, weekly_gap, pywraplp)
    if progress:
        progress(f"capacity model solved in {time.perf_counter() - began:.1f} s")
    supply = pd.DataFrame(
        [
            (
                t,
                g.id,
                decisions["temp"].get((g.id, t), 0) if g.is_temp_pool else model.heads[g.id, t].solution_value(),
                model.in_course_value(g.id, t),
                productive[g.id, t],
            )
            for t in range(problem.weeks)
            for g in problem.groups
        ],
        columns=["week", "group", "headcount", "in_course", "productive_fte"],
    )
    summary = {
        "status": "optimal" if status == pywraplp.Solver.OPTIMAL else "feasible (search limit)",
        "bound": model.solver.Objective().BestBound(),
        "solve_seconds": round(time.perf_counter() - began, 2),
    }
    plan = assemble_plan(problem, decisions, supply, allocation, summary)
    plan.summary["objective"] = plan.summary["total_cost"] + problem.settings.gap_penalty_per_fte_week * plan.summary["gap_fte_weeks"]
    return plan


class _Stage1:
    """The mixed-integer model; attribute dicts are keyed by (group or profile, [skill,] week)."""

    def __init__(self, problem: CapacityProblem, pywraplp) -> None:
        self.problem = problem
        s, weeks = problem.settings, problem.weeks
        keep = 1 - s.attrition_rate_per_week
        solver = self.solver = pywraplp.Solver.CreateSolver("SCIP")
        staff = [g for g in problem.groups if not g.is_temp_pool]
        pools = {f"temp:{p.id}": p for p in s.temps}
        courses = {c.skill: c for c in s.cross_training}
        lead = s.hiring.lead_weeks
        self.hire = {(p, t): solver.IntVar(0, s.hiring.max_hires_per_week, f"hire_{p}_{t}") for p in problem.hire_group for t in range(lead, weeks)}
        self.course = {
            (src, k, t): solver.IntVar(0, courses[k].seats_per_week, f"course_{src}_{k}_{t}")
            for src, k, _ in problem.moves
            for t in range(weeks - courses[k].course_weeks)
        }
        self.temp = {
            (q, t): solver.NumVar(0, pool.max_agents_per_week, f"temp_{q}_{t}") for q, pool in pools.items() for t in range(pool.lead_weeks, weeks)
        }
        self.heads = {(g.id, t): solver.NumVar(0, solver.infinity(), f"heads_{g.id}_{t}") for g in staff for t in range(weeks)}
        self.productive, self.in_course, costs = {}, {}, []
        for t in range(weeks):
            solver.Add(sum(self.hire.get((p, t), 0) for p in problem.hire_group) <= s.hiring.max_hires_per_week)
            for k, course in courses.items():
                solver.Add(sum(self.course.get((src, kk, t), 0) for src, kk, _ in problem.moves if kk == k) <= course.seats_per_week)
            for g in staff:
                inflow = sum(self.hire.get((p, t), 0) for p, joined in problem.hire_group.items() if joined == g.id)
                inflow += sum(
                    keep ** courses[k].course_weeks * self.course.get((src, k, t - courses[k].course_weeks), 0)
                    for src, k, dst in problem.moves
                    if dst == g.id
                )
                outflow = sum(self.course.get((g.id, k, t), 0) for src, k, _ in problem.moves if src == g.id)
                previous = problem.headcount[g.id] if t == 0 else keep * self.heads[g.id, t - 1]
                solver.Add(self.heads[g.id, t] == previous + inflow - outflow)
                training = sum(
                    self.hire.get((p, start), 0) * keep ** (t - start) * (1 - hire_productivity(s, t - start))
                    for p, joined in problem.hire_group.items()
                    if joined == g.id
                    for start in range(t + 1)
                    if in_training(s, t - start)
                )
                solver.Add(self.heads[g.id, t] - training >= 0)
                self.productive[g.id, t] = g.fte_per_agent * (self.heads[g.id, t] - training - problem.absent.get((g.id, t), 0.0))
                self.in_course[g.id, t] = sum(
                    self.course.get((g.id, k, started), 0) * keep ** (t - started)
                    for src, k, _ in problem.moves
                    if src == g.id
                    for started in range(t - courses[k].course_weeks + 1, t + 1)
                )
                costs.append(g.hourly_cost * g.paid_hours_per_agent * (self.heads[g.id, t] + self.in_course[g.id, t]))
            for q in pools:
                pool = problem.group(q)
                self.productive[q, t] = pool.fte_per_agent * self.temp.get((q, t), 0)
                costs.append(pool.hourly_cost * pool.paid_hours_per_agent * self.temp.get((q, t), 0))
        profiles = s.hiring.profiles or []
        costs += [profiles[p].hire_cost * var for (p, _), var in self.hire.items()]
        costs += [courses[k].cost_per_agent * var for (_, k, _), var in self.course.items()]
        self.gap = {}
        for t in range(weeks):
            shares = {}
            for g in problem.groups:
                for k in g.skills:
                    shares[g.id, k] = solver.NumVar(0, solver.infinity(), f"x_{g.id}_{k}_{t}")
                solver.Add(sum(shares[g.id, k] for k in g.skills) <= self.productive[g.id, t])
            for k in problem.skills:
                self.gap[k, t] = solver.NumVar(0, solver.infinity(), f"gap_{k}_{t}")
                served = sum(var for (g, kk), var in shares.items() if kk == k)
                solver.Add(served + self.gap[k, t] >= problem.required_fte(t, k))
        penalty = s.gap_penalty_per_fte_week * sum(self.gap.values())
        solver.Minimize(sum(costs) + penalty)

    def decisions(self) -> dict[str, dict]:
        """Whole agents: hire[(profile, week)] and course[(group, skill, week)]."""
        return {
            name: {key: int(round(v.solution_value())) for key, v in variables.items() if round(v.solution_value()) > 0}
            for name, variables in (("hire", self.hire), ("course", self.course))
        }

    def in_course_value(self, group: str, week: int) -> float:
        """Agents of a staff group away on a cross-training course."""
        return _value(self.in_course.get((group, week), 0))


def _milliseconds(seconds: float) -> int:
    """A solver time limit in whole milliseconds, at least 1 (0 would mean no limit)."""
    return max(1, int(seconds * 1000))


def _value(expr) -> float:
    """The solved value of a linear expression (a plain number when it holds no variable)."""
    return float(expr) if isinstance(expr, (int, float)) else expr.solution_value()


def _book_whole_temps(problem: CapacityProblem, productive: dict, pywraplp, deadline: Deadline) -> tuple[dict, dict]:
    """Whole temp agents per pool and week at least cost (plus gap penalty), staff supply fixed.

    Weeks are independent once hires and courses are fixed, so this small integer model is exact
    where rounding stage 1's booked hours up would overpay.
    """
    solver = pywraplp.Solver.CreateSolver("SCIP")
    solver.SetTimeLimit(_milliseconds(deadline.remaining()))
    pools = {f"temp:{p.id}": p for p in problem.settings.temps}
    temps = {(q, t): solver.IntVar(0, pool.max_agents_per_week, "") for q, pool in pools.items() for t in range(pool.lead_weeks, problem.weeks)}
    gaps, costs = {}, []
    for t in range(problem.weeks):
        shares = {}
        for g in problem.groups:
            for k in g.skills:
                shares[g.id, k] = solver.NumVar(0, solver.infinity(), "")
            supply = g.fte_per_agent * temps.get((g.id, t), 0) if g.is_temp_pool else max(productive[g.id, t], 0.0)
            solver.Add(sum(shares[g.id, k] for k in g.skills) <= supply)
        for k in problem.skills:
            gaps[k, t] = solver.NumVar(0, solver.infinity(), "")
            solver.Add(sum(v for (g, kk), v in shares.items() if kk == k) + gaps[k, t] >= problem.required_fte(t, k))
    for (q, _week), var in temps.items():
        costs.append(pools[q].hourly_cost * problem.group(q).paid_hours_per_agent * var)
    solver.Minimize(sum(costs) + problem.settings.gap_penalty_per_fte_week * sum(gaps.values()))
    if solver.Solve() not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        raise InfeasibleError(f"booking whole temp agents found no solution within the time limit of {deadline.seconds:g} s; allow more time.")
    booked = {key: int(round(v.solution_value())) for key, v in temps.items() if round(v.solution_value()) > 0}
    weekly_gap = {t: sum(gaps[k, t].solution_value() for k in problem.skills) for t in range(problem.weeks)}
    return booked, weekly_gap


def _spread(problem: CapacityProblem, productive: dict, weekly_gap: dict, pywraplp) -> pd.DataFrame:
    """Stage 2: all productive FTE spread over held skills, same weekly shortfall, best worst coverage."""
    solver = pywraplp.Solver.CreateSolver("GLOP")
    shares, worst = {}, []
    for t in range(problem.weeks):
        week_shares = {}
        for g in problem.groups:
            for k in g.skills:
                shares[t, g.id, k] = week_shares[g.id, k] = solver.NumVar(0, solver.infinity(), "")
            solver.Add(sum(shares[t, g.id, k] for k in g.skills) == max(productive[g.id, t], 0.0))
        ratio = solver.NumVar(-1.0, MAX_COVERAGE_RATIO, "")
        worst.append(ratio)
        shortfalls = []
        for k in problem.skills:
            required = problem.required_fte(t, k)
            served = sum(var for (g, kk), var in week_shares.items() if kk == k)
            shortfall = solver.NumVar(0, solver.infinity(), "")
            solver.Add(served + shortfall >= required)
            shortfalls.append(shortfall)
            if required > 0:
                solver.Add(served - required >= ratio * required)
        solver.Add(sum(shortfalls) <= weekly_gap[t] + 1e-6)
    solver.Maximize(sum(worst))
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        raise InfeasibleError("spreading the capacity plan's supply over skills failed; report this as a bug with the center YAML.")
    return pd.DataFrame([(t, g, k, max(var.solution_value(), 0.0)) for (t, g, k), var in shares.items()], columns=["week", "group", "skill", "fte"])


def assemble_plan(problem: CapacityProblem, decisions: dict, supply: pd.DataFrame, allocation: pd.DataFrame, summary: dict) -> CapacityPlan:
    """Build capacity.csv, the action list and the summary from decisions, supply and allocation."""
    s = problem.settings
    keep = 1 - s.attrition_rate_per_week
    profiles = s.hiring.profiles or []
    courses = {c.skill: c for c in s.cross_training}
    pools = {f"temp:{p.id}": p for p in s.temps}
    cost = {(t, k): 0.0 for t in range(problem.weeks) for k in problem.skills}
    hires = {(t, k): 0 for t in range(problem.weeks) for k in problem.skills}
    training = {(t, k): 0.0 for t in range(problem.weeks) for k in problem.skills}
    temps = {(t, k): 0.0 for t in range(problem.weeks) for k in problem.skills}
    actions = []
    for (p, start), agents in decisions["hire"].items():
        skill = profiles[p].skill
        hires[start, skill] += agents
        cost[start, skill] += profiles[p].hire_cost * agents
        for t in range(start, problem.weeks):
            if in_training(s, t - start):
                training[t, skill] += agents * keep ** (t - start)
        actions.append((start, "hire", skill, problem.hire_group[p], agents, start - s.hiring.lead_weeks, profiles[p].hire_cost * agents))
    for (source, skill, start), agents in decisions["course"].items():
        group = problem.group(source)
        cost[start, skill] += courses[skill].cost_per_agent * agents
        for t in range(start, start + courses[skill].course_weeks):
            away = agents * keep ** (t - start)
            training[t, skill] += away
            cost[t, skill] += group.hourly_cost * group.paid_hours_per_agent * away
        actions.append((start, "cross_training", skill, source, agents, start, courses[skill].cost_per_agent * agents))
    for (pool_id, week), agents in decisions["temp"].items():
        pool = problem.group(pool_id)
        actions.append(
            (
                week,
                "temp",
                "+".join(pool.skills),
                pool_id,
                agents,
                week - pools[pool_id].lead_weeks,
                pool.hourly_cost * pool.paid_hours_per_agent * agents,
            )
        )
    by_group = allocation.set_index(["week", "group", "skill"]).fte
    rows = supply.set_index(["week", "group"])
    for t in range(problem.weeks):
        for g in problem.groups:
            wages = g.hourly_cost * g.paid_hours_per_agent * rows.headcount[t, g.id]
            split = np.array([by_group[t, g.id, k] for k in g.skills])
            weights = split / split.sum() if split.sum() > 1e-9 else np.full(len(g.skills), 1 / len(g.skills))
            for k, weight in zip(g.skills, weights):
                cost[t, k] += wages * weight
                if g.is_temp_pool:
                    temps[t, k] += by_group[t, g.id, k] / g.fte_per_agent
    served = allocation.groupby(["week", "skill"]).fte.sum()
    table_rows = []
    for t in range(problem.weeks):
        for k in problem.skills:
            required = problem.required_fte(t, k)
            available = float(served.get((t, k), 0.0))
            gap = max(required - available, 0.0)
            table_rows.append(
                (
                    problem.week_start(t).isoformat(),
                    k,
                    round(required, 2),
                    round(available, 2),
                    hires[t, k],
                    round(training[t, k], 2),
                    round(temps[t, k], 2),
                    round(gap, 2) if gap > 0.005 else 0.0,
                    round(cost[t, k], 2),
                )
            )
    table = pd.DataFrame(table_rows, columns=CAPACITY_COLUMNS)
    action_frame = pd.DataFrame(
        [(problem.week_start(w).isoformat(), a, k, g, n, problem.week_start(d).isoformat(), round(c, 2)) for w, a, k, g, n, d, c in sorted(actions)],
        columns=ACTION_COLUMNS,
    )
    weekly_required = table.groupby("week", sort=False).required_fte.sum()
    gap_weeks = table.loc[table.gap > 0, "week"].unique().tolist()
    summary = {
        **summary,
        "total_cost": round(float(table.cost.sum()), 2),
        "hires": int(sum(decisions["hire"].values())),
        "cross_trained": int(sum(decisions["course"].values())),
        "temp_agent_weeks": int(sum(decisions["temp"].values())),
        "gap_fte_weeks": round(float(table.gap.sum()), 2),
        "gap_weeks": gap_weeks,
        "peak_week": str(weekly_required.idxmax()),
    }
    return CapacityPlan(problem=problem, table=table, actions=action_frame, supply=supply, allocation=allocation, summary=summary)
