"""A lower bound for a CP-SAT minimisation model from its linear relaxation, solved by HiGHS (through scipy).

Every integer variable becomes continuous within its bounds; linear constraints without enforcement
literals, clauses, at-most-one and exactly-one rows and enforced bool_and rows become linear rows; a
`target = max(expressions)` row (also min and abs rows, which CP-SAT stores as max rows) keeps
`target >= expression` for each expression; any other constraint is dropped. Dropping constraints only
weakens a relaxation, so the optimum of this LP is a valid lower bound of the model's objective (with 2
CP-SAT workers the solver's own bound is often far weaker on rostering problems).

HiGHS's interior-point method with crossover is used because GLOP's simplex did not finish the 28-day
flagship roster's relaxation (164,000 columns) in 300 s, while HiGHS solves it in about 150 s.
"""

from __future__ import annotations

import math

import numpy as np
from ortools.sat.python import cp_model
from scipy.optimize import linprog
from scipy.sparse import csr_matrix, vstack

_INFINITY = 2**62


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


def lp_lower_bound(model: cp_model.CpModel, time_limit_seconds: float = 600.0) -> float:
    """The LP-relaxation optimum of `model`'s objective (−inf when the LP is not solved to optimality in time)."""
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
    low, high = np.array(rows.low), np.array(rows.high)
    equal = low == high
    upper, lower = ~equal & np.isfinite(high), ~equal & np.isfinite(low)
    costs = np.zeros(count)
    objective = proto.objective
    np.add.at(costs, list(objective.vars), list(objective.coeffs))
    result = linprog(
        costs,
        A_ub=vstack([matrix[upper], -matrix[lower]]),
        b_ub=np.concatenate([high[upper], -low[lower]]),
        A_eq=matrix[equal],
        b_eq=low[equal],
        bounds=bounds,
        method="highs-ipm",
        options={"time_limit": time_limit_seconds},
    )
    if result.status != 0:
        return -math.inf
    return (result.fun + objective.offset) * (objective.scaling_factor or 1.0)
