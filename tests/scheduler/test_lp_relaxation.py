"""The LP-relaxation bound against hand-solved relaxations."""

import math

from ortools.sat.python import cp_model

from scheduler.roster.lp_relaxation import lp_lower_bound


def test_odd_cycle_cover_has_the_fractional_bound():
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{i}") for i in range(3)]
    for i in range(3):
        model.add_bool_or([x[i], x[(i + 1) % 3]])
    model.minimize(sum(x))
    assert math.isclose(lp_lower_bound(model), 1.5, abs_tol=1e-6)  # every x = 1/2; the integer optimum is 2


def test_negated_literals_and_at_most_one_rows():
    model = cp_model.CpModel()
    x, y = model.new_bool_var("x"), model.new_bool_var("y")
    model.add_bool_or([x.negated(), y.negated()])  # (1 - x) + (1 - y) >= 1
    model.add_at_most_one([x, y])
    model.add(x + y >= 1)
    model.minimize(3 * (1 - x) + 5 * (1 - y) + 1)
    assert math.isclose(lp_lower_bound(model), 4.0, abs_tol=1e-6)  # y = 1: 3 + 0 + 1


def test_max_rows_keep_their_lower_side():
    model = cp_model.CpModel()
    z = model.new_int_var(0, 3, "z")
    short = model.new_int_var(0, 10, "short")
    model.add_max_equality(short, [5 - z, 0])
    model.minimize(2 * short + z)
    assert math.isclose(lp_lower_bound(model), 7.0, abs_tol=1e-6)  # z = 3, short = 2


def test_an_infeasible_relaxation_gives_minus_infinity():
    model = cp_model.CpModel()
    x = model.new_bool_var("x")
    model.add(x >= 2)
    model.minimize(x)
    assert lp_lower_bound(model) == -math.inf
