"""The CP-SAT roster model: its variables, and the rules of `rules.py` applied to them.

Variables (see ARCHITECTURE.md):
- `x[a, d, o]`: agent `a` works shift option `o` starting on day `d` (at most one per day, a hard rule).
- Agents are pooled by skill set (the tuple of queues they may serve). Per group `g`, day and option,
  `n[g, d, o]` counts its members on that shift, and `b[g, d, o, k, offset]` counts those who take break
  `k` at `offset`; a post-pass hands the counted breaks to individual agents, always realizable because
  the counts sum to `n` (and, for overlapping break windows, obey the order constraints of
  `breaks_inside_windows`).
- `f[g, q, t]`: members of `g` on queue `q` in interval `t`; they sum to the members on shift and not on
  break, so the allocation grows with groups x queues x intervals, never with agents.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
from ortools.sat.python import cp_model

from scheduler.contracts.center import Agent, Center
from scheduler.contracts.pay import standard_minutes, statutory_holidays
from scheduler.contracts.plan_tables import parse_break_ranges
from scheduler.contracts.schema import night_overlap_minutes
from scheduler.roster.deferred_work import deferred_queues, late_points_per_unit
from scheduler.roster.grid import Horizon, ShiftOption, first_answered, shift_options
from scheduler.staffing.coverage import gross_requirements
from staffcast.errors import ConfigError, DataError


@dataclass(frozen=True)
class Penalty:
    """One soft-cost term: `coefficient * expression` in objective points, labelled by its rule."""

    rule: str
    coefficient: int
    expression: object


@dataclass(frozen=True)
class PreviousShift:
    """A shift of the previous roster, in minutes and intervals relative to the first planned midnight."""

    day: int
    start_minute: int
    end_minute: int
    break_intervals: frozenset[int]
    interval_minutes: int
    paid_minutes: int = 0
    night: bool = False

    def dates(self) -> range:
        """The day indices (relative to the horizon) with a worked minute of this shift."""
        return range(self.start_minute // 1440, -(-self.end_minute // 1440))

    def working_intervals(self) -> list[int]:
        """Intervals on the queue (not on break), including negative ones before the horizon."""
        first = self.start_minute // self.interval_minutes
        last = math.ceil(self.end_minute / self.interval_minutes)
        return [t for t in range(first, last) if t not in self.break_intervals]


@dataclass
class QueueGroup:
    """Agents with the same set of queues they may serve."""

    queues: tuple[str, ...]
    members: list[int] = field(default_factory=list)


def objective_scale(interval_minutes: int) -> int:
    """Objective points per weight unit, so that every term (per interval, per hour moved) is a whole number."""
    return 60 // math.gcd(60, interval_minutes)


def points(weight: float, quantity: float = 1.0) -> int:
    """A weight times a quantity rounded half up to whole objective points."""
    return math.floor(weight * quantity + 0.5)


def agent_queues(agent: Agent, center: Center) -> tuple[str, ...]:
    """The queues an agent may serve (skill at the queue's min_skill_level or above), in YAML order."""
    return tuple(q.id for q in center.config.queues if agent.can_serve(q.skill, q.min_skill_level))


def with_agents(center: Center, previous: pd.DataFrame | None, agents: list[Agent]) -> tuple[Center, pd.DataFrame | None]:
    """The center with only `agents`, their time off, and their shifts of the previous roster."""
    kept = {agent.agent_id for agent in agents}
    center = dataclasses.replace(center, agents=list(agents), time_off=[t for t in center.time_off if t.agent_id in kept])
    return center, None if previous is None else previous.loc[previous.agent_id.isin(kept)]


def parse_previous(previous: pd.DataFrame | None, center: Center, horizon: Horizon) -> dict[str, list[PreviousShift]]:
    """The previous roster's shifts per agent, relative to the horizon start (ignores unknown columns).

    Raises:
        DataError: when a previous shift names an agent that is not in agents.csv.
    """
    shifts: dict[str, list[PreviousShift]] = defaultdict(list)
    if previous is None or previous.empty:
        return shifts
    origin = pd.Timestamp(horizon.start)
    known = {a.agent_id for a in center.agents}
    step = horizon.interval_minutes
    for row in previous.itertuples(index=False):
        if row.agent_id not in known:
            raise DataError(f"previous roster: agent '{row.agent_id}' is not in agents.csv; remove the row or add the agent.")
        start = int((row.start - origin) / pd.Timedelta(minutes=1))
        end = int((row.end - origin) / pd.Timedelta(minutes=1))
        if start >= 0:
            continue
        breaks = set()
        for begin, finish in parse_break_ranges(row.breaks, row.start):
            first = int((begin - origin) / pd.Timedelta(minutes=1)) // step
            last = math.ceil(int((finish - origin) / pd.Timedelta(minutes=1)) / step)
            breaks.update(range(first, last))
        day = (pd.Timestamp(row.date) - origin).days
        night = night_overlap_minutes(center.config.rules.night_hours, start - day * 1440, end - day * 1440) > 0
        shifts[row.agent_id].append(PreviousShift(day, start, end, frozenset(breaks), step, int(row.paid_minutes), night))
    return shifts


@dataclass(frozen=True)
class WeekLimits:
    """What one calendar week asks of one agent inside the horizon, after the previous roster's shifts in it.

    `days` are the week's planned day indices; `rest_days` the planned days that may count as rest (not leave);
    `min_rest_days_after_spill` the rest days asked when a shift of the last planned day runs into the first day
    after the horizon, which then cannot be a rest day.
    """

    days: range
    rest_days: list[int]
    min_paid_minutes: int
    max_paid_minutes: int
    min_rest_days: int
    max_nights: int
    min_rest_days_after_spill: int


def week_limits(m: RosterModel, a: int, week: range) -> WeekLimits:
    """The limits of calendar week `week` (day indices, possibly reaching outside the horizon) for agent `a`.

    Leave days lower the minimum rest days to min(min_days_off, 7 - L) and the minimum hours by the contract's
    daily hours each; previous shifts count against the maximums and towards the minimums; days outside both
    rosters may hold rest and up to the agent's longest shift each, so minimums never force more than the full
    week would.
    """
    agent, rules = m.agents[a], m.config.rules
    leave = {d for d in week if (agent.agent_id, d) in m.leave}
    planned = range(max(0, week.start), min(m.horizon.days, week.stop))
    before = [s for s in m.previous.get(agent.agent_id, []) if s.day in week]
    worked_before = {d for s in before for d in s.dates()}
    known = [d for d in week if d < 0 and m.has_previous]
    unknown = [d for d in week if d not in planned and d not in known and d not in leave]
    longest = max((o.paid_minutes for o in m.options if o.allows(agent.contract)), default=0)
    workdays = 7 - rules.min_days_off_per_week
    daily = agent.min_hours_per_week * 60 / workdays if workdays else 0.0
    low = max(0.0, agent.min_hours_per_week * 60 - len(leave) * daily) - sum(s.paid_minutes for s in before) - len(unknown) * longest
    rest_known = sum(d not in worked_before and d not in leave for d in known)
    rest_asked = min(rules.min_days_off_per_week, 7 - len(leave)) - rest_known
    spill = int(m.horizon.days in unknown)
    return WeekLimits(
        days=planned,
        rest_days=[d for d in planned if d not in leave],
        min_paid_minutes=max(0, math.floor(low + 1e-9)),
        max_paid_minutes=max(0, math.floor(agent.max_hours_per_week * 60 + 1e-9) - sum(s.paid_minutes for s in before)),
        min_rest_days=max(0, rest_asked - len(unknown)),
        max_nights=max(0, rules.max_nights_per_week - sum(s.night for s in before)),
        min_rest_days_after_spill=max(0, rest_asked - len(unknown) + spill),
    )


class SoftCosts:
    """Soft-cost bookkeeping shared by the roster model and the benchmark adapters: `penalties` and `constant_points`."""

    penalties: list[Penalty]
    constant_points: dict[str, int]

    def penalize(self, rule: str, coefficient: int, expression: object) -> None:
        """Add a soft cost term (skipped when its coefficient is 0; a constant expression is kept as a constant)."""
        if not coefficient:
            return
        if isinstance(expression, int):
            self.constant_points[rule] = self.constant_points.get(rule, 0) + coefficient * expression
        else:
            self.penalties.append(Penalty(rule, coefficient, expression))


class RosterModel(SoftCosts):
    """The variables of one roster problem and the rules applied to them.

    Args:
        center: the center with agents and time off.
        requirements: queue, interval_start, agents_required (NET) for the planned intervals.
        start, days: the horizon.
        previous: the previous roster (roster.csv frame) for rest, streaks and the first day's early hours.
        with_coverage: False builds only the agents' hard rules (used to explain infeasibility).
        explain: True guards every hard rule instance with an assumption literal (see `assumptions`).
        multiplicity: how many identical agents each listed agent stands for (all 1 by default): they count that
            many times in coverage and in every per-agent cost (`scheduler.roster.bound` relaxes such a model).
    """

    def __init__(
        self,
        center: Center,
        requirements: pd.DataFrame | None,
        start: dt.date,
        days: int,
        *,
        previous: pd.DataFrame | None = None,
        with_coverage: bool = True,
        explain: bool = False,
        multiplicity: list[int] | None = None,
    ) -> None:
        if not 1 <= days <= 42:
            raise ConfigError(f"days = {days}: a roster covers 1 to 42 days.")
        if not center.agents:
            raise ConfigError(f"{center.source}: the center lists no agents (field agents); a roster needs agents.")
        self.center = center
        self.config = center.config
        self.agents = center.agents
        self.multiplicity = multiplicity or [1] * len(center.agents)
        self.horizon = Horizon(start, days, self.config.interval_minutes)
        self.options: list[ShiftOption] = shift_options(self.config)
        self.scale = objective_scale(self.config.interval_minutes)
        self.previous_frame = previous
        self.previous = parse_previous(previous, center, self.horizon)
        self.has_previous = previous is not None
        self.leave = {(t.agent_id, (t.date - start).days) for t in center.time_off if t.kind == "leave"}
        self.weeks = self.horizon.weeks(self.config.rules.week_start)
        self.statutory = statutory_holidays(center)
        self.pay_weeks: list | None = None
        self.model = cp_model.CpModel()
        self.penalties: list[Penalty] = []
        self.constant_points: dict[str, int] = {}
        self._works: dict[tuple[int, int], cp_model.LinearExpr] = {}
        self.explain = explain
        self.assumptions: dict[int, tuple[str, str, str]] = {}
        self.x = {
            (a, d, o): self.model.new_bool_var(f"x_{a}_{d}_{o}")
            for a in range(len(self.agents))
            for d in range(days)
            for o in range(len(self.options))
        }
        self.groups: list[QueueGroup] = []
        self.deferred: dict = {}
        if with_coverage:
            self._build_groups()
            self.targets = self._targets(requirements)
            self._build_counts()

    # --- helpers used by the rules -------------------------------------------------------------
    def works(self, a: int, d: int) -> cp_model.LinearExpr:
        """1 when agent `a` works a shift starting on day `d`."""
        if (a, d) not in self._works:
            self._works[a, d] = cp_model.LinearExpr.sum([self.x[a, d, o] for o in range(len(self.options))])
        return self._works[a, d]

    def enforce(self, rule: str, agent: Agent, scope: str = "") -> list:
        """Enforcement literals for one rule instance: none normally; one assumption literal when explaining."""
        if not self.explain:
            return []
        literal = self.model.new_bool_var(f"assume_{rule}_{agent.agent_id}_{scope}")
        self.assumptions[literal.index] = (rule, agent.agent_id, scope)
        self.model.add_assumption(literal)
        return [literal]

    def at_most_one(self, literals: list, enforcement: list) -> None:
        """At most one of `literals` is true (a plain at-most-one row unless enforcement literals guard it)."""
        if enforcement:
            self.model.add(sum(literals) <= 1).only_enforce_if(enforcement)
        else:
            self.model.add_at_most_one(literals)

    def penalty_totals(self, value: Callable[[object], int]) -> dict[str, float]:
        """Each soft rule's cost in weight units for a solution read through `value(expression)`."""
        totals = dict(self.constant_points)
        for penalty in self.penalties:
            totals[penalty.rule] = totals.get(penalty.rule, 0) + penalty.coefficient * value(penalty.expression)
        return {rule: total / self.scale for rule, total in sorted(totals.items())}

    def group_size(self, g: int) -> int:
        """The agents group `g` stands for."""
        return sum(self.multiplicity[a] for a in self.groups[g].members)

    def holiday(self, d: int) -> bool:
        """True when day index `d` (may be before the horizon) is a statutory holiday (`scheduler.contracts.pay`)."""
        return self.horizon.date(d) in self.statutory

    @property
    def pay_unit_minutes(self) -> int:
        """The largest number of minutes dividing every paid length (options, previous shifts), the standard week
        and the 8-hour standard day: the unit of the pay rules' variables."""
        lengths = [o.paid_minutes for o in self.options] + [s.paid_minutes for shifts in self.previous.values() for s in shifts]
        return math.gcd(standard_minutes(self.config), 480, *lengths)

    def planned_intervals(self) -> range:
        """Intervals whose real-time requirements the roster answers for (`grid.first_answered`)."""
        first = self.horizon.index(first_answered(self.config, self.horizon.start, self.has_previous))
        return range(min(first, self.horizon.intervals), self.horizon.intervals)

    def alone(self, a: int) -> RosterModel:
        """A RosterModel of agent `a` alone (same horizon, the agent's time off and previous shifts), without
        coverage: the rules are left to the caller."""
        center, previous = with_agents(self.center, self.previous_frame, [self.agents[a]])
        return RosterModel(center, None, self.horizon.start, self.horizon.days, previous=previous, with_coverage=False)

    def fix(self, assignments: dict[tuple[str, dt.date], str | None]) -> None:
        """Fix agents' days to a shift option label ('day@08:00') or to a day off (None)."""
        index = {agent.agent_id: a for a, agent in enumerate(self.agents)}
        labels = {option.label: o for o, option in enumerate(self.options)}
        for (agent_id, date), label in assignments.items():
            a, d = index[agent_id], (date - self.horizon.start).days
            for o in range(len(self.options)):
                self.model.add(self.x[a, d, o] == int(label is not None and labels[label] == o))

    # --- coverage structure --------------------------------------------------------------------
    def _build_groups(self) -> None:
        by_queues: dict[tuple[str, ...], QueueGroup] = {}
        for a, agent in enumerate(self.agents):
            queues = agent_queues(agent, self.center)
            if not queues:
                raise ConfigError(
                    f"agent {agent.agent_id}: no skill reaches the min_skill_level of any queue, so the agent cannot be "
                    "placed on a queue; raise the agent's skill levels in agents.csv or remove the agent."
                )
            by_queues.setdefault(queues, QueueGroup(queues)).members.append(a)
        self.groups = list(by_queues.values())

    def _targets(self, requirements: pd.DataFrame | None) -> dict[tuple[str, int], int]:
        """Gross agents to place per (real-time queue, interval) over the planned intervals; deferred queues
        are planned by their deadlines instead (`deferred`), their per-interval requirement kept in
        `deferred_guide` for the greedy roster."""
        start = pd.Timestamp(self.horizon.start)
        self.deferred = deferred_queues(self.config, requirements, start, self.horizon.intervals)
        self.late_points = late_points_per_unit(self.config, self.scale)
        self.deferred_guide: dict[tuple[str, int], int] = {}
        planned = self.planned_intervals()
        targets: dict[tuple[str, int], int] = {}
        if requirements is None:
            return targets
        gross = gross_requirements(self.config, requirements)
        for row, value in zip(requirements.itertuples(index=False), gross):
            t = self.horizon.index(row.interval_start)
            if t in planned:
                (self.deferred_guide if row.queue in self.deferred else targets)[row.queue, t] = int(value)
        return targets

    def _build_counts(self) -> None:
        """Group counts n, break counts b, and each group's members on a queue per interval (`on_queue`)."""
        model, horizon = self.model, self.horizon
        self.n: dict[tuple[int, int, int], cp_model.IntVar] = {}
        self.b: dict[tuple[int, int, int, int, int], cp_model.IntVar] = {}
        on_queue: dict[tuple[int, int], tuple[list, list]] = defaultdict(lambda: ([], []))  # variables, coefficients
        fixed: dict[tuple[int, int], int] = defaultdict(int)
        for g, group in enumerate(self.groups):
            size = self.group_size(g)
            weights = [self.multiplicity[a] for a in group.members]
            for d in range(horizon.days):
                for o, option in enumerate(self.options):
                    count = model.new_int_var(0, size, f"n_{g}_{d}_{o}")
                    model.add(count == cp_model.LinearExpr.weighted_sum([self.x[a, d, o] for a in group.members], weights))
                    self.n[g, d, o] = count
                    first = horizon.first_interval(d, option)
                    for j in range(option.length_minutes // horizon.interval_minutes):
                        variables, coefficients = on_queue[g, first + j]
                        variables.append(count)
                        coefficients.append(1)
                    for k, slot in enumerate(option.breaks):
                        for offset in slot.offsets:
                            taken = model.new_int_var(0, size, f"b_{g}_{d}_{o}_{k}_{offset}")
                            self.b[g, d, o, k, offset] = taken
                            for j in range(slot.length_intervals):
                                variables, coefficients = on_queue[g, first + offset + j]
                                variables.append(taken)
                                coefficients.append(-1)
            index = {self.agents[a].agent_id: a for a in group.members}
            for agent_id, shifts in self.previous.items():
                if agent_id in index:
                    for shift in shifts:
                        for t in shift.working_intervals():
                            if t >= 0:
                                fixed[g, t] += self.multiplicity[index[agent_id]]
        self.previous_on_queue = dict(fixed)
        self.on_queue = {
            key: cp_model.LinearExpr.weighted_sum(variables, coefficients) + fixed.get(key, 0) for key, (variables, coefficients) in on_queue.items()
        }
        for key, count in fixed.items():
            self.on_queue.setdefault(key, count)
