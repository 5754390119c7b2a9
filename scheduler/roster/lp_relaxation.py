"""A lower bound for a CP-SAT minimisation model from its linear relaxation, solved by HiGHS (highspy).

Every integer variable becomes continuous within its bounds; linear constraints without enforcement
literals, clauses, at-most-one and exactly-one rows and enforced bool_and rows become linear rows; a
`target = max(expressions)` row (also min and abs rows, which CP-SAT stores as max rows) keeps
`target >= expression` for each expression; any other constraint is dropped. Dropping constraints only
weakens a relaxation, so the optimum of this LP is a valid lower bound of the model's objective (with 2
CP-SAT workers the solver's own bound is often far weaker on rostering problems).

HiGHS's interior-point method runs without crossover: the bound needs the optimal value, not a vertex, and
crossover took most of the time (flagship store, 28 days, merged agents: 172 s with it through scipy). The
smaller of the primal and the dual objective is returned, so that the IPM's tolerance cannot lift the bound.
highspy, HiGHS's own binding, is used rather than scipy's `linprog` because only it turns crossover off,
reports the dual objective and lets another thread cancel a solve.
"""

from __future__ import annotations

import math
import os
import sys
from dataclasses import dataclass

import highspy
import numpy as np
from ortools.sat.python import cp_model
from scipy.sparse import csr_matrix

_INFINITY = 2**62


def _quiet_first_highs() -> None:
    """HiGHS prints a banner on stdout when its first instance is made, before any option can be set: make that one
    with stdout pointed at /dev/null (at import, in the importing thread)."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)


_quiet_first_highs()


class _Rows:
    """Sparse rows `low <= sum(coefficient * variable) <= high` collected for the LP."""

    def __init__(self) -> None:
        self.rows: list[int] = []
        self.columns: list[int] = []
        self.values: list[float] = []
        self.low: list[float] = []
        self.high: list[float] = []

    def add(self, columns, values, low: float, high: float) -> None:
        row = len(self.low)
        self.rows.extend([row] * len(columns))
        self.columns.extend(columns)
        self.values.extend(values)
        self.low.append(low)
        self.high.append(high)

    def add_literals(self, refs, low: float, high: float) -> None:
        """A row over literals (negative refs are negations: 1 - variable)."""
        columns = [ref if ref >= 0 else -ref - 1 for ref in refs]
        values = [1.0 if ref >= 0 else -1.0 for ref in refs]
        negated = sum(ref < 0 for ref in refs)
        self.add(columns, values, low - negated, high - negated)


def _finite(value: int) -> float:
    return -math.inf if value <= -_INFINITY else math.inf if value >= _INFINITY else float(value)


def safe_dual_bound(lp: highspy.HighsLp, row_duals: np.ndarray) -> float:
    """A lower bound of min c.x over L <= A.x <= U, l <= x <= u (every l, u finite) from any row duals y, by weak
    duality: y is first given the sign its rows allow (>= 0 where U is infinite, <= 0 where L is), then
    c.x >= sum_i y_i r_i + sum_j min(z_j l_j, z_j u_j), with r_i the side y_i leans on and z = c - A^T y.
    It holds whatever the solver's tolerances were."""
    low, high = np.asarray(lp.row_lower_), np.asarray(lp.row_upper_)
    y = np.where(np.isinf(high), np.maximum(row_duals, 0.0), row_duals)
    y = np.where(np.isinf(low), np.minimum(y, 0.0), y)
    sides = np.where(y > 0, low, high)
    with np.errstate(invalid="ignore"):
        rows = float(np.sum(np.where(y == 0, 0.0, y * sides)))
    matrix = csr_matrix((lp.a_matrix_.value_, lp.a_matrix_.index_, lp.a_matrix_.start_), shape=(lp.num_row_, lp.num_col_))
    reduced = np.asarray(lp.col_cost_) - matrix.T @ y
    lower, upper = np.asarray(lp.col_lower_), np.asarray(lp.col_upper_)
    with np.errstate(invalid="ignore"):  # 0 x inf where a column is unbounded: it costs nothing
        columns = np.where(reduced == 0, 0.0, np.minimum(reduced * lower, reduced * upper))
    return rows + float(np.sum(columns))


class LpSolver:
    """One HiGHS interior-point solve at a time, which another thread may `cancel`; `values` holds the last
    optimal solution (one value per CP-SAT variable index)."""

    def __init__(self) -> None:
        self._highs: highspy.Highs | None = None
        self._cancelled = False
        self.values = np.zeros(0)

    def solve(self, lp: highspy.HighsLp, time_limit_seconds: float) -> float:
        """The bound `safe_dual_bound` draws from the optimal duals of `lp`, −inf when not solved in time."""
        highs = highspy.Highs()
        for option, value in (
            ("output_flag", False),
            ("solver", "ipm"),
            ("run_crossover", "off"),
            ("threads", 1),
            ("time_limit", float(time_limit_seconds)),
        ):
            highs.setOptionValue(option, value)
        highs.passModel(lp)
        self._highs = highs
        if self._cancelled or time_limit_seconds <= 0:
            return -math.inf
        highs.run()
        self._highs = None
        if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return -math.inf
        solution = highs.getSolution()
        self.values = np.asarray(solution.col_value)
        return safe_dual_bound(lp, np.asarray(solution.row_dual))

    def cancel(self) -> None:
        """Stop the running solve (it then proves nothing) and any later one."""
        self._cancelled = True
        if self._highs is not None:
            self._highs.cancelSolve()


@dataclass
class Relaxation:
    """A CP-SAT model's LP relaxation as a HiGHS LP (costs: the model's objective without its offset and scaling),
    read from the model once, so that solving it needs nothing of OR-Tools (another thread may do it)."""

    lp: highspy.HighsLp
    offset: float
    scaling: float

    def objective_bound(self, solver: LpSolver, time_limit_seconds: float) -> float:
        """The model objective's LP bound (−inf when not solved in time)."""
        return (solver.solve(self.lp, time_limit_seconds) + self.offset) * self.scaling

    def sum_bound(self, columns: list[int], solver: LpSolver, time_limit_seconds: float) -> float:
        """The LP bound of the sum of these variables (by model index) instead of the objective (the LP keeps
        these costs from then on)."""
        costs = np.zeros(self.lp.num_col_)
        costs[columns] = 1.0
        self.lp.col_cost_ = costs
        return solver.solve(self.lp, time_limit_seconds)


def lp_lower_bound(model: cp_model.CpModel, time_limit_seconds: float = 600.0, solver: LpSolver | None = None) -> float:
    """The LP-relaxation optimum of `model`'s objective (−inf when the LP is not solved to optimality in time);
    `solver` lets another thread cancel it."""
    return relax(model).objective_bound(solver or LpSolver(), time_limit_seconds)


def relax(model: cp_model.CpModel) -> Relaxation:
    """The LP relaxation of `model` (see the module docstring for what is kept)."""
    proto = model.proto
    count = len(proto.variables)
    bounds = [(_finite(v.domain[0]), _finite(v.domain[len(v.domain) - 1])) for v in proto.variables]
    rows = _Rows()
    for constraint in proto.constraints:
        enforced = list(constraint.enforcement_literal)
        if constraint.has_bool_or() and not enforced:
            rows.add_literals(list(constraint.bool_or.literals), 1, math.inf)
        elif constraint.has_at_most_one() and not enforced:
            rows.add_literals(list(constraint.at_most_one.literals), -math.inf, 1)
        elif constraint.has_exactly_one() and not enforced:
            rows.add_literals(list(constraint.exactly_one.literals), 1, 1)
        elif constraint.has_bool_and():
            for ref in constraint.bool_and.literals:  # ref + sum(not e) >= 1
                rows.add_literals([ref] + [-e - 1 for e in enforced], 1, math.inf)
        elif constraint.has_linear() and not enforced:
            domain = constraint.linear.domain
            rows.add(list(constraint.linear.vars), list(constraint.linear.coeffs), _finite(domain[0]), _finite(domain[len(domain) - 1]))
        elif constraint.has_lin_max() and not enforced:
            target = constraint.lin_max.target
            for expression in constraint.lin_max.exprs:  # target - expression >= 0
                rows.add(
                    list(target.vars) + list(expression.vars),
                    list(target.coeffs) + [-c for c in expression.coeffs],
                    expression.offset - target.offset,
                    math.inf,
                )
    matrix = csr_matrix((rows.values, (rows.rows, rows.columns)), shape=(len(rows.low), count))
    costs = np.zeros(count)
    objective = proto.objective
    np.add.at(costs, list(objective.vars), list(objective.coeffs))
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = count, len(rows.low)
    lp.col_cost_ = costs
    lp.col_lower_ = np.array([low for low, _ in bounds])
    lp.col_upper_ = np.array([high for _, high in bounds])
    lp.row_lower_, lp.row_upper_ = np.array(rows.low), np.array(rows.high)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = matrix.indptr, matrix.indices, matrix.data
    return Relaxation(lp, objective.offset, objective.scaling_factor or 1.0)
