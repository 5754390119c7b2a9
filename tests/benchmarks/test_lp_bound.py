"""The LP-relaxation bound against hand-solved relaxations."""

import math

from ortools.sat.python import cp_model

from lp_bound import lp_lower_bound


def test_odd_cycle_cover_has_the_fractional_bound():
    model = cp_model.CpModel()
    x = [model.NewBoolVar(f"x{i}") for i in range(3)]
    for i in range(3):
        model.AddBoolOr([x[i], x[(i + 1) % 3]])
    model.Minimize(sum(x))
    assert math.isclose(lp_lower_bound(model), 1.5, abs_tol=1e-6)  # every x = 1/2; the integer optimum is 2


def test_negated_literals_and_at_most_one_rows():
    model = cp_model.CpModel()
    x, y = model.NewBoolVar("x"), model.NewBoolVar("y")
    model.AddBoolOr([x.Not(), y.Not()])  # (1 - x) + (1 - y) >= 1
    model.AddAtMostOne([x, y])
    model.Add(x + y >= 1)
    model.Minimize(3 * (1 - x) + 5 * (1 - y) + 1)
    assert math.isclose(lp_lower_bound(model), 4.0, abs_tol=1e-6)  # y = 1: 3 + 0 + 1


def test_max_rows_keep_their_lower_side():
    model = cp_model.CpModel()
    z = model.NewIntVar(0, 3, "z")
    short = model.NewIntVar(0, 10, "short")
    model.AddMaxEquality(short, [5 - z, 0])
    model.Minimize(2 * short + z)
    assert math.isclose(lp_lower_bound(model), 7.0, abs_tol=1e-6)  # z = 3, short = 2


def test_an_infeasible_relaxation_gives_minus_infinity():
    model = cp_model.CpModel()
    x = model.NewBoolVar("x")
    model.Add(x >= 2)
    model.Minimize(x)
    assert lp_lower_bound(model) == -math.inf
