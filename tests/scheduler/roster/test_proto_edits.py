"""The proto-level helpers behave like the cp_model calls they replace."""

from ortools.sat.python import cp_model
from roster_worlds import MONDAY, TINY, tiny_requirements

from scheduler.contracts.center import load_center
from scheduler.roster.hint import greedy_roster, hint_values
from scheduler.roster.model import RosterModel
from scheduler.roster.proto_edits import fixed_domains, set_hint, solution_reader
from scheduler.roster.rules import apply_rules
from staffcast.deadline import Deadline


def small_model():
    model = cp_model.CpModel()
    x, y = model.new_bool_var("x"), model.new_bool_var("y")
    z = model.new_int_var(0, 10, "z")
    model.add(z == 3 * x + 2 * y)
    model.maximize(z)
    return model, x, y, z


def test_set_hint_replaces_the_hint_and_matches_add_hint():
    model, x, y, z = small_model()
    model.add_hint(z, 7)
    set_hint(model, [(x, 1), (y, 0)])
    reference, rx, ry, _ = small_model()
    reference.add_hint(rx, 1)
    reference.add_hint(ry, 0)
    hint, expected = model.proto.solution_hint, reference.proto.solution_hint
    assert (list(hint.vars), list(hint.values)) == (list(expected.vars), list(expected.values)) == ([x.index, y.index], [1, 0])


def test_fixed_domains_hold_during_the_block_and_are_restored():
    model, x, y, z = small_model()
    solver = cp_model.CpSolver()
    with fixed_domains(model, {x.index: 0}):
        assert solver.solve(model) == cp_model.OPTIMAL and solver.value(z) == 2
    assert list(model.proto.variables[x.index].domain) == [0, 1]
    assert solver.solve(model) == cp_model.OPTIMAL and solver.value(z) == 5


def test_solution_reader_evaluates_expressions_of_the_assignment():
    model, x, y, z = small_model()
    value = solution_reader(model, [(x, 1), (z, 3)])
    assert value(x) == 1 and value(y) == 0 and value(z + 2 * x) == 5


def test_a_roster_hint_set_on_the_whole_model_is_the_solution_cp_sat_keeps():
    m = RosterModel(load_center(TINY), tiny_requirements(3), MONDAY, 3)
    variables = apply_rules(m)
    plan, _ = greedy_roster(m, Deadline(60))
    pairs = hint_values(m, variables, plan)
    set_hint(m.model, pairs)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.fix_variables_to_their_hinted_value = True
    assert solver.solve(m.model) == cp_model.OPTIMAL
    assert all(solver.value(variable) == value for variable, value in pairs)
