"""The Curtois & Qu benchmark on the roster engine: a model with the engine's rule interface and the Curtois rules.

`CurtoisModel` implements the engine's `ShiftModel` protocol (`x[a, d, o]`, `works`, `agents`, `horizon`,
`options`, `model`, `enforce`, `at_most_one`, `penalize`), so the engine's `one_shift_per_day` and its
`limit_consecutive_workdays` run unchanged on it; the Curtois rules are below, one function per rule named
as the rule, collected in `CURTOIS_RULES` (hard rules first).

Model strength: a shift variable exists only for a cell an employee may work (no fixed day off, MaxShifts
above 0); each (employee, day) has an explicit off literal in an exactly-one row; sequence rules are clauses
over the "works" literals; all weights are integers, so the objective is in the README's units.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from ortools.sat.python import cp_model

from curtois_qu.instance import CurtoisInstance, Employee
from scheduler.roster.grid import Horizon
from scheduler.roster.model import Penalty, SoftCosts
from scheduler.roster.rules import Rule, limit_consecutive_workdays, one_shift_per_day

MONDAY = dt.date(2024, 1, 1)
"""Day 0 of every instance is a Monday; the engine's Horizon needs a date, this one is a Monday."""


class _Cells(dict):
    """Shift variables by (employee, day, shift type); a missing cell is the constant 0 (nobody works it)."""

    def __missing__(self, key):
        return 0


class CurtoisModel(SoftCosts):
    """The variables of one Curtois instance, shaped like a `RosterModel` for the engine's rules.

    Args:
        instance: the parsed instance.
        employees: indices of the employees to model (default all), e.g. one employee for the greedy hint.
        cover_offset: (day, shift id) -> employees already placed outside this model (counts toward cover).
    """

    def __init__(self, instance: CurtoisInstance, employees: list[int] | None = None, cover_offset: dict[tuple[int, str], int] | None = None) -> None:
        self.instance = instance
        self.agents: list[Employee] = [instance.employees[i] for i in (employees if employees is not None else range(len(instance.employees)))]
        self.options = instance.shifts
        self.horizon = Horizon(MONDAY, instance.days, 24 * 60)
        self.scale = 1
        self.explain = False
        self.cover_offset = cover_offset or {}
        self.model = cp_model.CpModel()
        self.penalties: list[Penalty] = []
        self.constant_points: dict[str, int] = {}
        self.x = _Cells()
        self.off: dict[tuple[int, int], cp_model.IntVar] = {}
        self._cells_of: list[dict[tuple[int, int], cp_model.IntVar]] = [{} for _ in self.agents]
        for a, employee in enumerate(self.agents):
            days_off = instance.days_off.get(employee.agent_id, frozenset())
            for d in range(instance.days):
                if d in days_off:
                    continue
                for o, shift in enumerate(self.options):
                    if employee.max_shifts[shift.shift_id] > 0:
                        self.x[a, d, o] = self._cells_of[a][d, o] = self.model.new_bool_var(f"x_{employee.agent_id}_{d}_{shift.shift_id}")
                cells = [self.x[a, d, o] for o in range(len(self.options)) if (a, d, o) in self.x]
                if cells:
                    self.off[a, d] = self.model.new_bool_var(f"off_{employee.agent_id}_{d}")
                    self.model.add_exactly_one(cells + [self.off[a, d]])

    # --- the RosterModel interface used by the engine's rules ----------------------------------
    def works(self, a: int, d: int) -> cp_model.LinearExpr | int:
        """1 when employee `a` works on day `d` (the constant 0 on a day the employee cannot work)."""
        return 1 - self.off[a, d] if (a, d) in self.off else 0

    def enforce(self, rule: str, agent: Employee, scope: str = "") -> list:
        """No enforcement literals: benchmark rules are always hard."""
        return []

    def at_most_one(self, literals: list, enforcement: list) -> None:
        """At most one of the literals that exist (constant-0 cells dropped)."""
        present = [literal for literal in literals if not isinstance(literal, int)]
        if len(present) > 1:
            self.model.add_at_most_one(present)

    # --- helpers of the Curtois rules ----------------------------------------------------------
    def working(self, a: int, d: int) -> cp_model.IntVar | bool:
        """The literal 'employee `a` works on day `d`' (False on a day the employee cannot work)."""
        return self.off[a, d].negated() if (a, d) in self.off else False

    def clause(self, literals: list) -> None:
        """At least one literal holds (constant literals folded; an all-False clause makes the model infeasible)."""
        if any(literal is True for literal in literals):
            return
        self.model.add_bool_or([literal for literal in literals if literal is not False])

    def cells(self, a: int) -> dict[tuple[int, int], cp_model.IntVar]:
        """(day, shift type) -> variable of employee `a`'s workable cells."""
        return self._cells_of[a]

    def shift_index(self, shift_id: str) -> int:
        """The index of a shift type in `options`."""
        return next(o for o, s in enumerate(self.options) if s.shift_id == shift_id)


# --- hard rules the engine has no counterpart for ------------------------------------------------
def forbidden_successions(m: CurtoisModel) -> None:
    """A shift may not be followed on the next day by one of its ForbiddenNext shift types.

    One at-most-one row per (employee, day, set of shift types with the same followers) over those shift
    types and the followers of the next day (one shift a day makes it equal to the pairwise rows, fewer and
    stronger: Instance24's model has 9.8 million pairwise rows and builds 7x slower with them).
    """
    sharing: dict[tuple[int, ...], list[int]] = {}
    for o, shift in enumerate(m.options):
        followers = tuple(sorted(m.shift_index(f) for f in shift.forbidden_next))
        if followers:
            sharing.setdefault(followers, []).append(o)
    for a in range(len(m.agents)):
        for followers, shifts in sharing.items():
            for d in range(m.horizon.days - 1):
                m.at_most_one([m.x[a, d, o] for o in shifts] + [m.x[a, d + 1, p] for p in followers], [])


def max_shifts_per_type(m: CurtoisModel) -> None:
    """No more than MaxShifts of each shift type over the horizon (0 = no variables at all)."""
    for a, employee in enumerate(m.agents):
        for o, shift in enumerate(m.options):
            cells = [m.x[a, d, o] for d in range(m.horizon.days) if (a, d, o) in m.x]
            if len(cells) > employee.max_shifts[shift.shift_id]:
                m.model.add(sum(cells) <= employee.max_shifts[shift.shift_id])


def total_minutes_within_bounds(m: CurtoisModel) -> None:
    """The minutes of all assigned shifts lie within [MinTotalMinutes, MaxTotalMinutes]."""
    for a, employee in enumerate(m.agents):
        minutes = sum(m.options[o].length_minutes * var for (d, o), var in m.cells(a).items())
        m.model.add_linear_constraint(minutes, employee.min_total_minutes, employee.max_total_minutes)


def _min_run(m: CurtoisModel, a: int, minimum: int, inside: Callable[[int], object]) -> None:
    """Every run of days where `inside(d)` holds, bounded on both sides by days inside the horizon where it does
    not, lasts at least `minimum` days (runs touching the horizon's borders are free): one clause per short run."""
    days = m.horizon.days
    for length in range(1, minimum):
        for first in range(1, days - length):
            m.clause([inside(first - 1), inside(first + length)] + [_negate(inside(d)) for d in range(first, first + length)])


def _negate(literal):
    return (not literal) if isinstance(literal, bool) else literal.negated()


def max_consecutive_shifts(m: CurtoisModel) -> None:
    """Each employee works at most MaxConsecutiveShifts days in a row."""
    for a, employee in enumerate(m.agents):
        limit_consecutive_workdays(m, a, employee.max_consecutive_shifts, 0, "max_consecutive_shifts")


def min_consecutive_shifts(m: CurtoisModel) -> None:
    """Every run of worked days with days off on both sides inside the horizon lasts MinConsecutiveShifts days."""
    for a, employee in enumerate(m.agents):
        _min_run(m, a, employee.min_consecutive_shifts, lambda d, a=a: m.working(a, d))


def min_consecutive_days_off(m: CurtoisModel) -> None:
    """Every run of days off with worked days on both sides inside the horizon lasts MinConsecutiveDaysOff days."""
    for a, employee in enumerate(m.agents):
        _min_run(m, a, employee.min_consecutive_days_off, lambda d, a=a: _negate(m.working(a, d)))


def max_weekends(m: CurtoisModel) -> None:
    """No more than MaxWeekends weekends worked (a weekend counts when its Saturday or Sunday is worked)."""
    for a, employee in enumerate(m.agents):
        worked = []
        for saturday, sunday in m.instance.weekends():
            days = [m.working(a, d) for d in (saturday, sunday) if m.working(a, d) is not False]
            if not days:
                continue
            weekend = m.model.new_bool_var(f"weekend_{employee.agent_id}_{saturday // 7}")
            for literal in days:
                m.model.add_implication(literal, weekend)
            worked.append(weekend)
        if len(worked) > employee.max_weekends:
            m.model.add(sum(worked) <= employee.max_weekends)


# --- soft rules ----------------------------------------------------------------------------------
def shift_on_requests(m: CurtoisModel) -> None:
    """Not working the requested shift on the requested day costs the request's weight."""
    index = {e.agent_id: a for a, e in enumerate(m.agents)}
    for request in m.instance.on_requests:
        if request.employee in index:
            m.penalize("shift_on_requests", request.weight, 1 - m.x[index[request.employee], request.day, m.shift_index(request.shift_id)])


def shift_off_requests(m: CurtoisModel) -> None:
    """Working a shift on a day the employee asked not to work it costs the request's weight."""
    index = {e.agent_id: a for a, e in enumerate(m.agents)}
    for request in m.instance.off_requests:
        if request.employee in index:
            m.penalize("shift_off_requests", request.weight, m.x[index[request.employee], request.day, m.shift_index(request.shift_id)])


def cover(m: CurtoisModel) -> None:
    """Each missing employee on a (day, shift) costs WeightUnder, each extra one WeightOver (slack variables)."""
    m.under, m.over = {}, {}
    for row in m.instance.cover:
        o = m.shift_index(row.shift_id)
        cells = [m.x[a, row.day, o] for a in range(len(m.agents)) if (a, row.day, o) in m.x]
        placed = m.cover_offset.get((row.day, row.shift_id), 0)
        if not cells:
            m.penalize("cover", 1, row.weight_under * max(0, row.requirement - placed) + row.weight_over * max(0, placed - row.requirement))
            continue
        under = m.model.new_int_var(0, max(0, row.requirement - placed), f"under_{row.day}_{row.shift_id}")
        over = m.model.new_int_var(0, max(0, placed + len(cells) - row.requirement), f"over_{row.day}_{row.shift_id}")
        m.model.add(sum(cells) + placed + under - over == row.requirement)
        m.under[row.day, row.shift_id], m.over[row.day, row.shift_id] = under, over
        m.penalize("cover", row.weight_under, under)
        m.penalize("cover", row.weight_over, over)


def work_window_cuts(m: CurtoisModel) -> None:
    """Redundant rows for the LP relaxation: any MaxConsecutiveShifts + MinConsecutiveDaysOff days in a row hold
    at most MaxConsecutiveShifts worked days (more would need a run that is too long or a break that is too
    short), so the relaxation sees that a long horizon holds at most about 5 worked days in 7."""
    for a, employee in enumerate(m.agents):
        limit, rest = employee.max_consecutive_shifts, employee.min_consecutive_days_off
        if rest < 2:
            continue
        for first in range(m.horizon.days - limit - rest + 1):
            worked = [m.working(a, d) for d in range(first, first + limit + rest) if m.working(a, d) is not False]
            if len(worked) > limit:
                m.model.add(sum(worked) <= limit)


CURTOIS_RULES: list[Rule] = [
    Rule("one_shift_per_day", True, one_shift_per_day),
    Rule("forbidden_successions", True, forbidden_successions),
    Rule("max_shifts_per_type", True, max_shifts_per_type),
    Rule("total_minutes_within_bounds", True, total_minutes_within_bounds),
    Rule("max_consecutive_shifts", True, max_consecutive_shifts),
    Rule("min_consecutive_shifts", True, min_consecutive_shifts),
    Rule("min_consecutive_days_off", True, min_consecutive_days_off),
    Rule("max_weekends", True, max_weekends),
    Rule("shift_on_requests", False, shift_on_requests),
    Rule("shift_off_requests", False, shift_off_requests),
    Rule("cover", False, cover),
]


def build_curtois_model(
    instance: CurtoisInstance, employees: list[int] | None = None, cover_offset: dict[tuple[int, str], int] | None = None, with_cuts: bool = False
) -> CurtoisModel:
    """The model of an instance (or of some of its employees) with every Curtois rule applied and the objective set.

    `with_cuts` adds `work_window_cuts`: they tighten the LP bound (Instance8: 1252 against 1232) and speed up
    one-employee solves (Instance22: a schedule in 0.3 s instead of 2.7 s), but slow the whole-model search
    (60 s, quiet machine: Instance5 1239 against 1151, Instance8 1538 against 1443), so that leaves them out.
    """
    m = CurtoisModel(instance, employees, cover_offset)
    for rule in CURTOIS_RULES:
        rule.apply(m)
    if with_cuts:
        work_window_cuts(m)
    m.model.minimize(sum(p.coefficient * p.expression for p in m.penalties) + sum(m.constant_points.values()))
    return m


def assignments_of(m: CurtoisModel, value: Callable[[object], int]) -> dict[tuple[str, int], str]:
    """(employee id, day) -> shift id of a solution read through `value(variable)`."""
    return {(m.agents[a].agent_id, d): m.options[o].shift_id for (a, d, o), var in m.x.items() if value(var)}
