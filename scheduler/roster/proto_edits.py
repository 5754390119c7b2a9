"""The few places the roster engine works on CP-SAT's model proto directly instead of through `cp_model`.

Each is here because the public API is too slow at roster size (a hint of a million variables: `add_hint`
costs about 4 s, the proto 0.1 s) or has no call for it (fixing a variable's domain for one solve and
putting it back; reading a hinted solution like a solver response).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager

from ortools.sat.python import cp_model
from ortools.sat.python import cp_model_helper as cmh


def set_hint(model: cp_model.CpModel, pairs: Iterable[tuple[object, int]]) -> None:
    """Replace the model's solution hint by (variable, value) pairs, written to the proto in one go."""
    pairs = list(pairs)
    proto = model.proto
    proto.clear_solution_hint()
    hint = proto.solution_hint  # fetched after the clear: a reference taken before it may be left detached
    hint.vars.extend(variable.index for variable, _ in pairs)
    hint.values.extend(value for _, value in pairs)


@contextmanager
def fixed_domains(model: cp_model.CpModel, values: dict[int, int]) -> Iterator[None]:
    """Fix variables (by proto index; single-interval domains, e.g. booleans) to values for the duration of the
    block, then restore their domains."""
    variables = model.proto.variables
    saved = {i: tuple(variables[i].domain) for i in values}
    try:
        for i, value in values.items():
            variables[i].domain[0] = variables[i].domain[1] = value
        yield
    finally:
        for i, domain in saved.items():
            variables[i].domain[0], variables[i].domain[1] = domain[0], domain[1]


def solution_reader(model: cp_model.CpModel, pairs: Sequence[tuple[object, int]]) -> Callable[[object], int]:
    """A `value(expression)` function over a complete assignment of the model's variables, as for a solution
    (variables absent from `pairs` are 0)."""
    values = [0] * len(model.proto.variables)
    for variable, value in pairs:
        values[variable.index] = value
    response = cmh.CpSolverResponse()
    response.solution.extend(values)
    return lambda expression: cmh.ResponseHelper.value(response, expression)
