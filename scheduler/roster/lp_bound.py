"""A lower bound for a CP-SAT minimisation model from its linear relaxation, solved by GLOP.

Every integer variable becomes continuous within its bounds; linear constraints without enforcement
literals, clauses, at-most-one and exactly-one rows and enforced bool_and rows become linear rows; a
`target = max(expressions)` row (also min and abs rows, which CP-SAT stores as max rows) keeps
`target >= expression` for each expression; any other constraint is dropped. Dropping constraints only weakens a relaxation, so the optimum of this LP is
a valid lower bound of the model's objective (with 2 CP-SAT workers the solver's own bound is often far
weaker on rostering problems).
"""

from __future__ import annotations

import math

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

_INFINITY = 2**62


def lp_lower_bound(model: cp_model.CpModel, time_limit_seconds: float = 60.0) -> float:
    """The LP-relaxation optimum of `model`'s objective (−inf when the LP is not solved to optimality in time)."""
    proto = model.Proto()
    lp = pywraplp.Solver.CreateSolver("GLOP")
    lp.SetTimeLimit(int(time_limit_seconds * 1000))
    variables = []
    for variable in proto.variables:
        low, high = variable.domain[0], variable.domain[len(variable.domain) - 1]  # the proto has no [-1]
        variables.append(lp.NumVar(float(low) if low > -_INFINITY else -lp.infinity(),
                                   float(high) if high < _INFINITY else lp.infinity(), ""))

    def literal(ref: int) -> tuple[float, object]:
        """(constant, term) with value constant + term for the literal `ref` (negative = negation)."""
        return (0.0, variables[ref]) if ref >= 0 else (1.0, -variables[-ref - 1])

    def row(refs, low: float, high: float) -> None:
        constant = sum(literal(r)[0] for r in refs)
        terms = lp.Sum([literal(r)[1] for r in refs])
        if low > -math.inf:
            lp.Add(terms >= low - constant)
        if high < math.inf:
            lp.Add(terms <= high - constant)

    for constraint in proto.constraints:
        enforced = list(constraint.enforcement_literal)
        if constraint.has_bool_or() and not enforced:
            row(list(constraint.bool_or.literals), 1, math.inf)
        elif constraint.has_at_most_one() and not enforced:
            row(list(constraint.at_most_one.literals), -math.inf, 1)
        elif constraint.has_exactly_one() and not enforced:
            row(list(constraint.exactly_one.literals), 1, 1)
        elif constraint.has_bool_and():
            for ref in constraint.bool_and.literals:
                # ref >= sum(enforcement) - (k - 1), i.e. ref + sum(not e) >= 1
                row([ref] + [-e - 1 for e in enforced], 1, math.inf)
        elif constraint.has_linear() and not enforced:
            domain = list(constraint.linear.domain)
            low, high = domain[0], domain[-1]
            terms = lp.Sum([c * variables[v] for v, c in zip(constraint.linear.vars, constraint.linear.coeffs)])
            if low > -_INFINITY:
                lp.Add(terms >= low)
            if high < _INFINITY:
                lp.Add(terms <= high)
        elif constraint.has_lin_max() and not enforced:
            target = _expression(lp, variables, constraint.lin_max.target)
            for expression in constraint.lin_max.exprs:
                lp.Add(target >= _expression(lp, variables, expression))
    objective = proto.objective
    lp.Minimize(lp.Sum([c * variables[v] for v, c in zip(objective.vars, objective.coeffs)]))
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return -math.inf
    return (lp.Objective().Value() + objective.offset) * (objective.scaling_factor or 1.0)


def _expression(lp: pywraplp.Solver, variables: list, expression) -> object:
    """The LP form of a CP-SAT linear expression proto (vars, coeffs, offset)."""
    return lp.Sum([c * variables[v] for v, c in zip(expression.vars, expression.coeffs)]) + expression.offset
