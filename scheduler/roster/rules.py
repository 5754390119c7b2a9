"""The roster rules, one function per rule named as the rule, collected in `RULES` (hard rules first).

A hard rule adds constraints to a `RosterModel` (guarded by `model.enforce(...)` literals so that
conflicts can be explained); a soft rule adds penalty terms with integer coefficients in objective
points (`model.scale` points per weight unit). A rule returns the variables later stages need
(`CoverageVariables`, `StartMove`s, `Spread`s); `apply_rules` collects them in `RuleVariables`.
Rules read a model through the `ShiftModel` protocol, so another model (a benchmark's) can reuse them.

Weekly rules count by calendar week from `rules.week_start`; a week that began before the horizon counts
the previous roster's shifts, and a week cut by either end keeps its maximums in full while its minimums
ask only what the days outside both rosters could not supply (`model.week_limits`). A rest day is a date
with no worked minute that is not leave; a leave date has no worked minute (no night shift runs into it)
and credits the weekly minimum hours with the contract's daily hours. A night shift is one with any minute
inside `rules.night_hours` (`ShiftOption.night`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from ortools.sat.python.cp_model import LinearExpr

from scheduler.contracts.pay import STANDARD_DAY_MINUTES, month_of_week, standard_minutes, standard_workdays
from scheduler.contracts.schema import minutes_of_day, night_overlap_minutes
from scheduler.roster.deferred_work import OPEN_AT_END_POINTS, DeferredQueue
from scheduler.roster.model import RosterModel, points, week_limits


class ShiftModel(Protocol):
    """What the shift rules read and call on a model: `x[a, d, o]` shift literals, `works(a, d)`, the agents,
    horizon and shift options, the CP-SAT model, and the enforcement, at-most-one and penalty helpers."""

    x: dict
    agents: list
    options: list
    horizon: object
    model: object

    def works(self, a: int, d: int) -> object: ...
    def enforce(self, rule: str, agent: object, scope: str = "") -> list: ...
    def at_most_one(self, literals: list, enforcement: list) -> None: ...
    def penalize(self, rule: str, coefficient: int, expression: object) -> None: ...


@dataclass(frozen=True)
class Rule:
    """A registered rule: its name, hard or soft, whether it needs the coverage variables, and its function."""

    name: str
    hard: bool
    apply: Callable[[ShiftModel], object]
    needs_coverage: bool = False


@dataclass
class CoverageVariables:
    """The coverage rule's variables: members of group g on queue q in interval t (`flows[g, q, t]`, for groups
    serving several queues), the shortfall per (queue, t), and the deeper shortfall beyond each breakpoint
    (`deeper[queue, t, extra] = (variable, breakpoint)`), and per deferred queue its `DeadlineVariables`."""

    flows: dict = field(default_factory=dict)
    shortfalls: dict = field(default_factory=dict)
    deeper: dict = field(default_factory=dict)
    deferred: dict = field(default_factory=dict)


@dataclass(frozen=True)
class DeadlineVariables:
    """A deferred queue's variables: work done by the end of each interval and work overdue then (units)."""

    done: list
    late: list


@dataclass(frozen=True)
class StartMove:
    """The start-time move of agent `agent` from `day` to the next day: `both` works both days, `moved` the
    signed and `hours` the absolute move in intervals."""

    agent: int
    day: int
    both: object
    moved: object
    hours: object


@dataclass(frozen=True)
class Spread:
    """A fairness spread: the most and fewest shifts of `options` on `days` among `agents`."""

    agents: list[int]
    days: list[int]
    options: list[int]
    most: object
    fewest: object


@dataclass(frozen=True)
class RestDay:
    """1 only when agent `agent` has no worked minute on `day` (it may be 0 on such a day too)."""

    agent: int
    day: int
    var: object


@dataclass(frozen=True)
class PayWeek:
    """Agent `agent`'s pay in calendar week `week` (day indices) in `unit`-minute units (`scheduler.contracts.pay`):
    `overtime` = max(0, paid off statutory holidays - standard week), `extra_days` = max(0, days worked off
    holidays - standard workdays), `rest_day` = min(overtime, 8 h x extra_days), `holiday` the paid units on
    statutory holidays; each a variable, an expression or a constant. `normal_days` and `holiday_days` are the
    planned days of the week off and on holidays, `before_*` what the previous roster put in the week."""

    agent: int
    week: range
    month: str
    normal_days: list[int]
    holiday_days: list[int]
    before_units: int
    before_days: int
    before_holiday_units: int
    overtime: object
    extra_days: object
    rest_day: object
    holiday: object


@dataclass
class RuleVariables:
    """The variables the rules created that extraction, hints and progress read."""

    coverage: CoverageVariables = field(default_factory=CoverageVariables)
    moves: list[StartMove] = field(default_factory=list)
    spreads: list[Spread] = field(default_factory=list)
    rest_days: list[RestDay] = field(default_factory=list)
    pay_weeks: list[PayWeek] = field(default_factory=list)


# --- hard rules ----------------------------------------------------------------------------------
def one_shift_per_day(m: ShiftModel) -> None:
    """At most one shift starts per agent and day (structural: never part of an explained conflict)."""
    for a in range(len(m.agents)):
        for d in range(m.horizon.days):
            m.at_most_one([m.x[a, d, o] for o in range(len(m.options))], [])


def overnight(m: RosterModel, a: int, d: int) -> LinearExpr:
    """1 when agent `a` works a shift starting on day `d` that runs past midnight into day `d + 1`."""
    return LinearExpr.sum([m.x[a, d, o] for o, option in enumerate(m.options) if option.overnight])


def leave_days_off(m: RosterModel) -> None:
    """No worked minute on a day of approved leave (no shift starts on it, none runs into it)."""
    for a, agent in enumerate(m.agents):
        for d in range(m.horizon.days + 1):
            if (agent.agent_id, d) not in m.leave:
                continue
            literals = m.enforce("leave_days_off", agent, f"day {d}")
            if d < m.horizon.days:
                m.model.add(m.works(a, d) == 0).only_enforce_if(literals)
            if d > 0:
                m.model.add(overnight(m, a, d - 1) == 0).only_enforce_if(literals)


def night_shifts_only_for_night_ok(m: RosterModel) -> None:
    """Only night-eligible agents (night_ok) work night shifts."""
    nights = [o for o, option in enumerate(m.options) if option.night]
    for a, agent in enumerate(m.agents):
        if not agent.night_ok and nights:
            literals = m.enforce("night_shifts_only_for_night_ok", agent)
            for d in range(m.horizon.days):
                m.model.add(LinearExpr.sum([m.x[a, d, o] for o in nights]) == 0).only_enforce_if(literals)


def latest_end_minute(earliest_start: str | None, latest_end: str | None) -> float:
    """latest_end in minutes after midnight of the start day: '24:00' is 1440; a time at or before the
    earliest_start (06:00 when none) is on the next day ('02:00' is 1560)."""
    if not latest_end:
        return math.inf
    latest = minutes_of_day(latest_end)
    return latest + 1440 if latest <= minutes_of_day(earliest_start or "06:00") else latest


def earliest_start_latest_end(m: RosterModel) -> None:
    """Shifts start at or after the agent's earliest_start and end by its latest_end."""
    for a, agent in enumerate(m.agents):
        earliest = minutes_of_day(agent.earliest_start) if agent.earliest_start else 0
        latest = latest_end_minute(agent.earliest_start, agent.latest_end)
        outside = [o for o, option in enumerate(m.options) if option.start_minute < earliest or option.end_minute > latest]
        if outside:
            literals = m.enforce("earliest_start_latest_end", agent)
            for d in range(m.horizon.days):
                m.model.add(LinearExpr.sum([m.x[a, d, o] for o in outside]) == 0).only_enforce_if(literals)


def shift_templates_per_contract(m: RosterModel) -> None:
    """Agents work only the shift templates whose `contracts` list their contract."""
    for a, agent in enumerate(m.agents):
        barred = [o for o, option in enumerate(m.options) if not option.allows(agent.contract)]
        if barred:
            literals = m.enforce("shift_templates_per_contract", agent)
            for d in range(m.horizon.days):
                m.model.add(LinearExpr.sum([m.x[a, d, o] for o in barred]) == 0).only_enforce_if(literals)


def min_rest_between_shifts(m: RosterModel) -> None:
    """At least min_rest_hours between the end of a shift and the start of the next (and after the previous roster)."""
    rest = round(m.config.rules.min_rest_hours * 60)
    options = m.options
    reach_days = math.ceil((max(o.end_minute for o in options) + rest) / 1440)
    conflicts = {gap: _rest_conflicts(options, gap, rest) for gap in range(1, reach_days + 1)}
    for a, agent in enumerate(m.agents):
        previous_end = max((s.end_minute for s in m.previous.get(agent.agent_id, [])), default=None)
        if previous_end is not None:
            literals = m.enforce("min_rest_between_shifts", agent, "start")
            for d in range(m.horizon.days):
                early = [o for o, option in enumerate(options) if d * 1440 + option.start_minute < previous_end + rest]
                if early:
                    m.model.add(LinearExpr.sum([m.x[a, d, o] for o in early]) == 0).only_enforce_if(literals)
        for d in range(m.horizon.days):
            literals = m.enforce("min_rest_between_shifts", agent, f"day {d}")
            for gap, pairs in conflicts.items():
                if d + gap < m.horizon.days:
                    for ending_late, starting_early in pairs:
                        m.at_most_one([m.x[a, d, o] for o in ending_late] + [m.x[a, d + gap, o] for o in starting_early], literals)


def _rest_conflicts(options, gap: int, rest: int) -> list[tuple[list[int], list[int]]]:
    """Rows (shifts ending at or after e on a day, shifts starting before e + rest `gap` days later), one per
    distinct set of the latter with its earliest e, so that at most one of each row may be worked."""
    earliest_end_per_set: dict[tuple[int, ...], int] = {}
    for end in sorted({o.end_minute for o in options}, reverse=True):
        starting_early = tuple(o for o, option in enumerate(options) if gap * 1440 + option.start_minute < end + rest)
        if starting_early:
            earliest_end_per_set[starting_early] = end
    return [
        ([o for o, option in enumerate(options) if option.end_minute >= end], list(starting_early))
        for starting_early, end in earliest_end_per_set.items()
    ]


def previous_streak(m: RosterModel, agent_id: str) -> int:
    """Consecutive workdays the agent worked right before the horizon, from the previous roster."""
    worked = {s.day for s in m.previous.get(agent_id, [])}
    streak = 0
    while -(streak + 1) in worked:
        streak += 1
    return streak


def max_consecutive_workdays(m: RosterModel) -> None:
    """No more than max_consecutive_workdays in a row, counting the previous roster's streak."""
    limit = m.config.rules.max_consecutive_workdays
    for a, agent in enumerate(m.agents):
        limit_consecutive_workdays(m, a, limit, previous_streak(m, agent.agent_id), "max_consecutive_workdays")


def limit_consecutive_workdays(m: ShiftModel, a: int, limit: int, streak: int, rule: str) -> None:
    """Agent `a` works at most `limit` days in a row, `streak` of them worked right before the horizon."""
    agent = m.agents[a]
    for last in range(m.horizon.days):
        before = min(streak, max(0, limit - last))
        if last < limit and before == 0:
            continue
        window = range(max(0, last - limit), last + 1)
        m.model.add(LinearExpr.sum([m.works(a, d) for d in window]) <= limit - before).only_enforce_if(m.enforce(rule, agent, f"day {last}"))


def min_days_off_per_week(m: RosterModel) -> list[RestDay]:
    """At least min_days_off_per_week rest days (no worked minute, not leave) in each calendar week; with L leave
    days min(min_days_off, 7 - L). Returns the rest-day variables."""
    created = []
    for a, agent in enumerate(m.agents):
        for week in m.weeks:
            limits = week_limits(m, a, week)
            if not limits.min_rest_days_after_spill:
                continue
            literals = m.enforce("min_days_off_per_week", agent, f"week {week.start}")
            rest = []
            for d in limits.rest_days:
                if d == 0 and any(s.end_minute > 0 for s in m.previous.get(agent.agent_id, [])):
                    continue
                day_off = m.model.new_bool_var(f"rest_{a}_{d}")
                m.model.add(day_off + m.works(a, d) <= 1)
                if d > 0:
                    m.model.add(day_off + overnight(m, a, d - 1) <= 1)
                rest.append(day_off)
                created.append(RestDay(a, d, day_off))
            extra = limits.min_rest_days_after_spill - limits.min_rest_days
            spilled = overnight(m, a, m.horizon.days - 1) if extra else 0
            m.model.add(LinearExpr.sum(rest) >= limits.min_rest_days + extra * spilled).only_enforce_if(literals)
    return created


def weekly_paid_minutes(m: RosterModel, a: int, days: range):
    """Paid minutes of the shifts agent `a` starts on `days`."""
    return LinearExpr.weighted_sum(
        [m.x[a, d, o] for d in days for o in range(len(m.options))], [option.paid_minutes for _ in days for option in m.options]
    )


def weekly_hours_within_contract(m: RosterModel) -> None:
    """Paid hours per calendar week within min/max_hours_per_week; each leave day credits the minimum with the
    contract's daily hours (min_hours_per_week over 7 - min_days_off_per_week days)."""
    for a, agent in enumerate(m.agents):
        for week in m.weeks:
            limits = week_limits(m, a, week)
            literals = m.enforce("weekly_hours_within_contract", agent, f"week {week.start}")
            paid = weekly_paid_minutes(m, a, limits.days)
            if limits.min_paid_minutes > 0:
                m.model.add(paid >= limits.min_paid_minutes).only_enforce_if(literals)
            m.model.add(paid <= limits.max_paid_minutes).only_enforce_if(literals)


def max_nights_per_week(m: RosterModel) -> None:
    """No more than max_nights_per_week night shifts in each calendar week, the previous roster's included."""
    nights = [o for o, option in enumerate(m.options) if option.night]
    for a, agent in enumerate(m.agents):
        for week in m.weeks:
            limits = week_limits(m, a, week)
            if nights and limits.max_nights < len(limits.days):
                m.model.add(LinearExpr.sum([m.x[a, d, o] for d in limits.days for o in nights]) <= limits.max_nights).only_enforce_if(
                    m.enforce("max_nights_per_week", agent, f"week {week.start}")
                )


def max_consecutive_nights(m: RosterModel) -> None:
    """No more than max_consecutive_nights night shifts on consecutive days, counting the previous roster's."""
    limit = m.config.rules.max_consecutive_nights
    nights = [o for o, option in enumerate(m.options) if option.night]
    if limit is None or not nights:
        return
    for a, agent in enumerate(m.agents):
        before = {s.day for s in m.previous.get(agent.agent_id, []) if s.night}
        streak = 0
        while -(streak + 1) in before:
            streak += 1
        for last in range(m.horizon.days):
            window = range(max(0, last - limit), last + 1)
            carried = min(streak, max(0, limit + 1 - len(window)))
            if len(window) + carried <= limit:
                continue
            m.model.add(LinearExpr.sum([m.x[a, d, o] for d in window for o in nights]) <= limit - carried).only_enforce_if(
                m.enforce("max_consecutive_nights", agent, f"day {last}")
            )


def pay_weeks(m: RosterModel) -> list[PayWeek]:
    """Every agent's `PayWeek`s (created once per model, then reused by the pay rules)."""
    if m.pay_weeks is not None:
        return m.pay_weeks
    unit = m.pay_unit_minutes
    standard, workdays, day_units = standard_minutes(m.config) // unit, standard_workdays(m.config), STANDARD_DAY_MINUTES // unit
    created = []
    for a, agent in enumerate(m.agents):
        longest = max((o.paid_minutes for o in m.options if o.allows(agent.contract)), default=0) // unit
        before = [s for s in m.previous.get(agent.agent_id, []) if s.day < 0]
        for week in m.weeks:
            planned = range(max(0, week.start), min(m.horizon.days, week.stop))
            normal = [d for d in planned if not m.holiday(d)]
            holidays = [d for d in planned if m.holiday(d)]
            olds = [s for s in before if s.day in week]
            before_units = sum(s.paid_minutes for s in olds if not m.holiday(s.day)) // unit
            before_days = len({s.day for s in olds if not m.holiday(s.day)})
            before_holiday = sum(s.paid_minutes for s in olds if m.holiday(s.day)) // unit
            units = _paid_units(m, a, normal, unit) + before_units
            holiday = _paid_units(m, a, holidays, unit) + before_holiday
            most = longest * len(normal) + before_units
            overtime = extra = rest = 0
            if most > standard:
                overtime = m.model.new_int_var(0, most - standard, f"overtime_{a}_{week.start}")
                m.model.add_max_equality(overtime, [units - standard, 0])
                if len(normal) + before_days > workdays:
                    extra = m.model.new_int_var(0, len(normal) + before_days - workdays, f"extra_days_{a}_{week.start}")
                    m.model.add_max_equality(extra, [LinearExpr.sum([m.works(a, d) for d in normal]) + before_days - workdays, 0])
                    rest = m.model.new_int_var(0, most - standard, f"rest_day_{a}_{week.start}")
                    m.model.add_min_equality(rest, [overtime, day_units * extra])
            month = month_of_week(m.horizon.date(week.start))
            created.append(PayWeek(a, week, month, normal, holidays, before_units, before_days, before_holiday, overtime, extra, rest, holiday))
    m.pay_weeks = created
    return created


def _paid_units(m: RosterModel, a: int, days: list[int], unit: int) -> LinearExpr | int:
    """Paid `unit`s of the shifts agent `a` starts on `days`."""
    if not days:
        return 0
    units = [o.paid_minutes // unit for _ in days for o in m.options]
    return LinearExpr.weighted_sum([m.x[a, d, o] for d in days for o in range(len(m.options))], units)


def pay_week_values(m: RosterModel, week: PayWeek, plan: dict[tuple[int, int], int]) -> list[tuple[object, int]]:
    """The values of a `PayWeek`'s variables for a plan of shifts ((agent, day) -> option)."""
    unit = m.pay_unit_minutes
    units = sum(m.options[plan[week.agent, d]].paid_minutes // unit for d in week.normal_days if (week.agent, d) in plan) + week.before_units
    days = sum((week.agent, d) in plan for d in week.normal_days) + week.before_days
    overtime = max(0, units - standard_minutes(m.config) // unit)
    extra = max(0, days - standard_workdays(m.config))
    rest = min(overtime, STANDARD_DAY_MINUTES // unit * extra)
    values = [(week.overtime, overtime), (week.extra_days, extra), (week.rest_day, rest)]
    return [(var, value) for var, value in values if not isinstance(var, int)]


def max_overtime_per_month(m: RosterModel) -> list[PayWeek]:
    """At most max_overtime_hours_per_month of overtime and statutory-holiday work per calendar month (a week counts
    in the month of its fourth day; the previous roster's shifts of the horizon's weeks count too)."""
    unit = m.pay_unit_minutes
    cap = math.floor(m.config.rules.max_overtime_hours_per_month * 60 / unit + 1e-9)
    weeks = pay_weeks(m)
    for a, agent in enumerate(m.agents):
        months: dict[str, list] = {}
        for week in (w for w in weeks if w.agent == a):
            months.setdefault(week.month, []).extend([week.overtime, week.holiday])
        for month, terms in months.items():
            if all(isinstance(term, int) for term in terms):
                continue
            m.model.add(LinearExpr.sum(terms) <= cap).only_enforce_if(m.enforce("max_overtime_per_month", agent, f"month {month}"))
    return weeks


def breaks_inside_windows(m: RosterModel) -> None:
    """Every agent on a shift takes each of its breaks at one start inside the break's window.

    Per group, day and shift option the break counts over the allowed starts sum to the agents on that
    shift. When two consecutive breaks' windows overlap, the counts must allow pairing the i-th earliest
    first break with the i-th earliest second break without overlap: for every start s of the second
    break, the second breaks starting before s are no more than the first breaks that end by then.
    """
    for (g, d, o), count in m.n.items():
        slots = m.options[o].breaks
        for k, slot in enumerate(slots):
            m.model.add(LinearExpr.sum([m.b[g, d, o, k, offset] for offset in slot.offsets]) == count)
        for k in range(len(slots) - 1):
            first, second = slots[k], slots[k + 1]
            if max(first.offsets) + first.length_intervals <= min(second.offsets):
                continue
            for start in second.offsets:
                m.model.add(
                    sum(m.b[g, d, o, k + 1, s] for s in second.offsets if s <= start)
                    <= sum(m.b[g, d, o, k, s] for s in first.offsets if s + first.length_intervals <= start)
                )


# --- soft rules ----------------------------------------------------------------------------------
def shortfall_breakpoints(target: int) -> tuple[int, int]:
    """Shortfall above the first breakpoint costs double, above the second four times (10% and 30% of the target)."""
    return math.ceil(0.1 * target), math.ceil(0.3 * target)


def cover_requirements(m: RosterModel) -> CoverageVariables:
    """Place agents on queues; shortfall against the gross target is costly and convex, overstaffing cheap.

    Per real-time queue and planned interval with gross target T and coverage c, the shortfall
    s = max(0, T - c) costs understaffing * (s + max(0, s - b1) + 2 * max(0, s - b2)) with (b1, b2) from
    `shortfall_breakpoints`; overstaffing costs overstaffing * max(0, c - T). Deferred queues are
    planned against their deadlines (`meet_deadlines`).
    """
    model, scale = m.model, m.scale
    created = CoverageVariables()
    coverage: dict[tuple[str, int], list] = {}
    for (g, t), available in m.on_queue.items():
        queues = m.groups[g].queues
        if len(queues) == 1:
            coverage.setdefault((queues[0], t), []).append(available)
            continue
        size = m.group_size(g) + m.previous_on_queue.get((g, t), 0)
        flows = [model.new_int_var(0, size, f"f_{g}_{q}_{t}") for q in queues]
        model.add(LinearExpr.sum(flows) == available)
        for queue, flow in zip(queues, flows):
            created.flows[g, queue, t] = flow
            coverage.setdefault((queue, t), []).append(flow)
    under, over = m.config.weights.understaffing * scale, m.config.weights.overstaffing * scale
    for queue, deferred in m.deferred.items():
        created.deferred[queue] = meet_deadlines(m, deferred, coverage)
    for t in m.planned_intervals():
        for queue in (q.id for q in m.config.queues if q.id not in m.deferred):
            target = m.targets.get((queue, t), 0)
            covered = sum(coverage.get((queue, t), []))
            if target == 0:
                m.penalize("cover_requirements", points(over), covered)
                continue
            short = model.new_int_var(0, target, f"short_{queue}_{t}")
            model.add_max_equality(short, [target - covered, 0])
            created.shortfalls[queue, t] = short
            m.penalize("cover_requirements", points(under), short)
            m.penalize("cover_requirements", points(over), covered - target + short)
            for extra, breakpoint in zip((1, 2), shortfall_breakpoints(target)):
                if breakpoint < target:
                    deeper = model.new_int_var(0, target - breakpoint, f"deep{extra}_{queue}_{t}")
                    model.add_max_equality(deeper, [short - breakpoint, 0])
                    created.deeper[queue, t, extra] = (deeper, breakpoint)
                    m.penalize("cover_requirements", points(under * extra), deeper)
    return created


def meet_deadlines(m: RosterModel, queue: DeferredQueue, coverage: dict[tuple[str, int], list]) -> DeadlineVariables:
    """Work of a deferred queue is done by its deadline: D[t] <= D[t-1] + capacity[t] * c[t], D[t] <= arrived[t];
    late[t] >= due[t] - D[t] costs `late_work` per agent-interval of work per interval, and the work open at
    the horizon end one point per unit (see scheduler.roster.deferred_work). Coverage where the queue's
    capacity is 0 (outside its work hours) costs overstaffing."""
    model = m.model
    arrived, due = queue.arrived.tolist(), queue.due.tolist()
    total = arrived[-1] if arrived else 0
    over = points(m.config.weights.overstaffing * m.scale)
    done, late = [], []
    for t, capacity in enumerate(queue.capacity.tolist()):
        covered = sum(coverage.get((queue.queue, t), []))
        if capacity == 0:
            m.penalize("cover_requirements", over, covered)
        done_t = model.new_int_var(0, arrived[t], f"done_{queue.queue}_{t}")
        model.add(done_t <= (done[-1] if done else 0) + capacity * covered)
        if done:
            model.add(done_t >= done[-1])
        late_t = model.new_int_var(0, due[t], f"late_{queue.queue}_{t}")
        model.add(late_t >= due[t] - done_t)
        m.penalize("cover_requirements", m.late_points, late_t)
        done.append(done_t)
        late.append(late_t)
    if done:
        m.penalize("cover_requirements", OPEN_AT_END_POINTS, total - done[-1])
    return DeadlineVariables(done, late)


def pay_factor(m: RosterModel, a: int) -> float:
    """Agent `a`'s hourly_cost over costs.hourly_cost (1 when either is missing or 0)."""
    rate, default = m.agents[a].hourly_cost, m.config.costs.hourly_cost
    return 1.0 if rate is None or not default else rate / default


def paid_hours(m: RosterModel) -> None:
    """Each shift costs paid_hour per paid hour, times the agent's hourly_cost over costs.hourly_cost."""
    for (a, _, o), worked in m.x.items():
        m.penalize(
            "paid_hours", m.multiplicity[a] * points(m.config.weights.paid_hour * m.scale * pay_factor(m, a), m.options[o].paid_minutes / 60), worked
        )


def pay_premiums(m: RosterModel) -> None:
    """Premium pay at paid_hour per hour of the agent's pay: (overtime_multiplier - 1) per overtime hour,
    (rest_day_multiplier - overtime_multiplier) more per rest-day hour, (holiday_multiplier - 1) per paid hour of a
    shift starting on a statutory holiday, and the night allowance (over costs.hourly_cost) per hour on site in
    night_hours."""
    costs, weight = m.config.costs, m.config.weights.paid_hour * m.scale
    unit = m.pay_unit_minutes
    for week in pay_weeks(m):
        factor, copies = pay_factor(m, week.agent), m.multiplicity[week.agent]
        m.penalize("pay_premiums", copies * points(weight * factor * (costs.overtime_multiplier - 1), unit / 60), week.overtime)
        m.penalize(
            "pay_premiums", copies * points(weight * factor * (costs.rest_day_multiplier - costs.overtime_multiplier), unit / 60), week.rest_day
        )
    night = [night_overlap_minutes(m.config.rules.night_hours, o.start_minute, o.end_minute) for o in m.options]
    allowance = weight * costs.night_allowance_per_hour / costs.hourly_cost if costs.hourly_cost else 0.0
    for (a, d, o), worked in m.x.items():
        if m.holiday(d):
            holiday = weight * pay_factor(m, a) * (costs.holiday_multiplier - 1)
            m.penalize("pay_premiums", m.multiplicity[a] * points(holiday, m.options[o].paid_minutes / 60), worked)
        m.penalize("pay_premiums", m.multiplicity[a] * points(allowance, night[o] / 60), worked)


def time_off_preferences(m: RosterModel) -> None:
    """Working on a day the agent asked off (kind preference) costs the request's weight."""
    index = {agent.agent_id: a for a, agent in enumerate(m.agents)}
    for entry in m.center.time_off:
        d = (entry.date - m.horizon.start).days
        if entry.kind == "preference" and 0 <= d < m.horizon.days and entry.agent_id in index:
            a = index[entry.agent_id]
            m.penalize("time_off_preferences", m.multiplicity[a] * points(entry.weight * m.scale), m.works(a, d))


def stable_start_times(m: RosterModel) -> list[StartMove]:
    """Moving the start time between consecutive workdays costs start_time_change per hour moved
    (the previous roster's last day counts as the workday before the first planned day)."""
    step = m.horizon.interval_minutes
    coefficient = points(m.config.weights.start_time_change * m.scale, step / 60)
    if not coefficient:
        return []
    per_day = m.horizon.per_day
    model = m.model
    moves = []
    start_slots = [option.start_minute // step for option in m.options]
    for a, agent in enumerate(m.agents):
        starts = [LinearExpr.weighted_sum([m.x[a, d, o] for o in range(len(m.options))], start_slots) for d in range(m.horizon.days)]
        before = [s for s in m.previous.get(agent.agent_id, []) if s.day == -1]
        pairs = [(d, starts[d], m.works(a, d)) for d in range(m.horizon.days - 1)]
        if before:
            pairs.insert(0, (-1, before[0].start_minute // step + per_day, 1))
        for day, start0, works0 in pairs:
            start1, works1 = starts[day + 1], m.works(a, day + 1)
            both = model.new_bool_var(f"both_{a}_{day}")
            model.add(both <= works0)
            model.add(both <= works1)
            model.add(both >= works0 + works1 - 1)
            moved = model.new_int_var(-per_day, per_day, f"moved_{a}_{day}")
            model.add(moved == start1 - start0).only_enforce_if(both)
            model.add(moved == 0).only_enforce_if(~both)
            hours = model.new_int_var(0, per_day, f"movedabs_{a}_{day}")
            model.add_abs_equality(hours, moved)
            moves.append(StartMove(a, day, both, moved, hours))
            m.penalize("stable_start_times", m.multiplicity[a] * coefficient, hours)
    return moves


def _spread(m: RosterModel, rule: str, weight: float, agents: list[int], days: list[int], options: list[int]) -> list[Spread]:
    """weight * (most - fewest) shifts of `options` on `days` among `agents`."""
    if len(agents) < 2 or not days or not options or not weight:
        return []
    counts = [LinearExpr.sum([m.x[a, d, o] for d in days for o in options]) for a in agents]
    most = m.model.new_int_var(0, len(days), f"{rule}_most")
    fewest = m.model.new_int_var(0, len(days), f"{rule}_fewest")
    m.model.add_max_equality(most, counts)
    m.model.add_min_equality(fewest, counts)
    m.penalize(rule, points(weight * m.scale), most - fewest)
    return [Spread(agents, days, options, most, fewest)]


def weekend_fairness(m: RosterModel) -> list[Spread]:
    """weekend_fairness per weekend day between the agent with the most and the one with the fewest weekend shifts."""
    weekend = [d for d in range(m.horizon.days) if m.horizon.date(d).weekday() >= 5]
    return _spread(m, "weekend_fairness", m.config.weights.weekend_fairness, list(range(len(m.agents))), weekend, list(range(len(m.options))))


def night_fairness(m: RosterModel) -> list[Spread]:
    """night_fairness per night shift between the night-eligible agents with the most and the fewest nights."""
    eligible = [a for a, agent in enumerate(m.agents) if agent.night_ok]
    nights = [o for o, option in enumerate(m.options) if option.night]
    return _spread(m, "night_fairness", m.config.weights.night_fairness, eligible, list(range(m.horizon.days)), nights)


RULES: list[Rule] = [
    Rule("one_shift_per_day", True, one_shift_per_day),
    Rule("leave_days_off", True, leave_days_off),
    Rule("night_shifts_only_for_night_ok", True, night_shifts_only_for_night_ok),
    Rule("earliest_start_latest_end", True, earliest_start_latest_end),
    Rule("shift_templates_per_contract", True, shift_templates_per_contract),
    Rule("min_rest_between_shifts", True, min_rest_between_shifts),
    Rule("max_consecutive_workdays", True, max_consecutive_workdays),
    Rule("min_days_off_per_week", True, min_days_off_per_week),
    Rule("weekly_hours_within_contract", True, weekly_hours_within_contract),
    Rule("max_nights_per_week", True, max_nights_per_week),
    Rule("max_consecutive_nights", True, max_consecutive_nights),
    Rule("max_overtime_per_month", True, max_overtime_per_month),
    Rule("breaks_inside_windows", True, breaks_inside_windows, needs_coverage=True),
    Rule("cover_requirements", False, cover_requirements, needs_coverage=True),
    Rule("paid_hours", False, paid_hours),
    Rule("pay_premiums", False, pay_premiums),
    Rule("time_off_preferences", False, time_off_preferences),
    Rule("stable_start_times", False, stable_start_times),
    Rule("weekend_fairness", False, weekend_fairness),
    Rule("night_fairness", False, night_fairness),
]

RULE_DESCRIPTIONS: dict[str, str] = {rule.name: (rule.apply.__doc__ or "").split("\n")[0] for rule in RULES}


def apply_rules(m: RosterModel, *, with_coverage: bool = True, hard_only: bool = False) -> RuleVariables:
    """Apply the registered rules in order (hard first), set the objective from the soft rules' penalties, and
    return the variables the rules created."""
    created = RuleVariables()
    for rule in RULES:
        if (rule.needs_coverage and not with_coverage) or (hard_only and not rule.hard):
            continue
        result = rule.apply(m)
        if isinstance(result, CoverageVariables):
            created.coverage = result
        for item in result if isinstance(result, list) else []:
            kind = {StartMove: created.moves, Spread: created.spreads, RestDay: created.rest_days, PayWeek: created.pay_weeks}
            kind[type(item)].append(item)
    if m.penalties or m.constant_points:
        m.model.minimize(
            LinearExpr.weighted_sum([p.expression for p in m.penalties], [p.coefficient for p in m.penalties]) + sum(m.constant_points.values())
        )
    return created
