"""An independent check of a written roster: every hard rule, the activities, the coverage and the objective.

Recomputed from the roster.csv and activities.csv frames and the center alone, without the solver or the
model's code, so that it is a second source of truth (ARCHITECTURE.md). The objective is in weight units and
uses the same definitions as the soft rules of `rules.py` (see their docstrings).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import pandas as pd

from scheduler.contracts.center import Center
from scheduler.contracts.plan_tables import ROSTER_COLUMNS, parse_break_ranges
from scheduler.contracts.schema import minutes_of_day


@dataclass(frozen=True)
class Violation:
    """One broken hard rule: the rule's name, the agent (None for the roster as a whole), when (a date or a
    date-time) and what is wrong, in planner words. `str()` gives 'rule: message'."""

    rule: str
    agent: str | None
    when: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.message}"


@dataclass
class CheckReport:
    """Hard-rule violations, soft penalties per rule and the objective, in weight units."""

    violations: list[Violation] = field(default_factory=list)
    penalties: dict[str, float] = field(default_factory=dict)
    understaffed_agent_hours: float = 0.0
    overstaffed_agent_hours: float = 0.0

    @property
    def objective(self) -> float:
        """The sum of the penalties."""
        return sum(self.penalties.values())

    @property
    def ok(self) -> bool:
        """True without hard-rule violations."""
        return not self.violations


def _typed(shifts: pd.DataFrame) -> pd.DataFrame:
    """The roster frame with its contract columns and Timestamp start/end, also when empty."""
    frame = shifts.reindex(columns=ROSTER_COLUMNS)
    frame["start"], frame["end"] = pd.to_datetime(frame.start), pd.to_datetime(frame.end)
    return frame


def _points(weight: float, quantity: float = 1.0) -> int:
    return math.floor(weight * quantity + 0.5)


def _hm(moment: pd.Timestamp) -> str:
    return f"{moment:%Y-%m-%d %H:%M}"


def check_roster(
    center: Center,
    shifts: pd.DataFrame,
    activities: pd.DataFrame | None,
    requirements: pd.DataFrame,
    start: dt.date,
    days: int,
    *,
    previous: pd.DataFrame | None = None,
) -> CheckReport:
    """Check a roster against the center's hard rules and recompute its soft penalties.

    Args:
        center: the center (templates, rules, weights, agents, time off).
        shifts: roster.csv frame; activities: activities.csv frame (interval_start as Timestamps), or None to
            check the shifts alone (then coverage counts no agent).
        requirements: queue, interval_start, agents_required (NET); the checker itself decides which intervals
            the roster answers for (all planned ones with `previous`, else from the first day's latest overnight end).
        start, days: the horizon; previous: the roster before it (rest, streaks, first-day coverage).
    """
    config, report = center.config, CheckReport()
    shifts = _typed(shifts)
    step = config.interval_minutes
    scale = 60 // math.gcd(60, step)
    agents = {a.agent_id: a for a in center.agents}
    templates = {s.id: s for s in config.shifts}
    end_date = start + dt.timedelta(days=days)
    violations = report.violations
    old = _typed(previous) if previous is not None else shifts.iloc[0:0]
    old = old.loc[old.start < pd.Timestamp(start)]
    requirements = _planned(center, requirements, start, days, previous is not None)

    # --- shift shape and breaks -------------------------------------------------------------------
    lengths = {s.id: pd.Timedelta(hours=s.length_hours) for s in config.shifts}
    paid_of = {s.id: round(s.paid_hours * 60) for s in config.shifts}
    offsets_cache: dict = {}
    breaks_of: dict[int, list[tuple[pd.Timestamp, pd.Timestamp]]] = {}
    for row in shifts.itertuples():
        number = row.Index
        where = f"agent {row.agent_id} on {row.date}"
        template = templates.get(row.shift)
        if row.agent_id not in agents:
            violations.append(Violation("unknown_agent", row.agent_id, str(row.date), f"{where}: agent is not in agents.csv"))
            continue
        if template is None:
            violations.append(Violation("shift_template", row.agent_id, str(row.date), f"{where}: unknown shift '{row.shift}'"))
            continue
        if not start <= row.date < end_date or row.start.date() != row.date:
            violations.append(
                Violation(
                    "shift_template",
                    row.agent_id,
                    _hm(row.start),
                    f"{where}: the shift starts {_hm(row.start)}, outside the planned days or not on its date",
                )
            )
        if f"{row.start:%H:%M}" not in template.start_times:
            violations.append(
                Violation(
                    "shift_template",
                    row.agent_id,
                    _hm(row.start),
                    f"{where}: start {row.start:%H:%M} is not an allowed start of shift '{row.shift}' ({', '.join(template.start_times)})",
                )
            )
        if row.end - row.start != lengths[row.shift] or row.paid_minutes != paid_of[row.shift]:
            violations.append(
                Violation("shift_template", row.agent_id, str(row.date), f"{where}: length or paid minutes differ from shift '{row.shift}'")
            )
        if template.contracts is not None and agents[row.agent_id].contract not in template.contracts:
            violations.append(
                Violation(
                    "shift_templates_per_contract",
                    row.agent_id,
                    str(row.date),
                    f"{where}: shift '{row.shift}' is for {', '.join(template.contracts)}, not {agents[row.agent_id].contract}; use another template",
                )
            )
        ranges = sorted(_break_ranges(row.breaks, row.start, offsets_cache))
        breaks_of[number] = ranges
        problem = _break_problem(ranges, template.shift_breaks, row.start, row.end)
        if problem:
            violations.append(Violation("breaks_inside_windows", row.agent_id, _hm(row.start), f"{where}: {problem}"))

    valid = shifts.loc[shifts.agent_id.isin(agents) & shifts["shift"].isin(templates)]
    per_agent = _by_agent(valid)
    old_per_agent = _by_agent(old.loc[old.agent_id.isin(agents) & old["shift"].isin(templates)])
    rules = config.rules
    leave = {(t.agent_id, t.date) for t in center.time_off if t.kind == "leave"}
    one_hour = pd.Timedelta(hours=1)
    weeks = _calendar_weeks(start, days, rules.week_start)

    for agent_id, agent in agents.items():
        rows = per_agent.get(agent_id, [])
        olds = old_per_agent.get(agent_id, [])
        dates = Counter(row.date for row in rows)
        for date, count in dates.items():
            if count > 1:
                violations.append(
                    Violation("one_shift_per_day", agent_id, str(date), f"agent {agent_id} has {count} shifts starting on {date}; keep one")
                )
        for row in rows:
            for date in _dates_worked(row):
                if (agent_id, date) in leave:
                    violations.append(
                        Violation(
                            "leave_days_off",
                            agent_id,
                            _hm(row.start),
                            f"agent {agent_id} works {_hm(row.start)}-{_hm(row.end)} into {date}, a day of approved leave; "
                            "move the shift so it ends before that date",
                        )
                    )
            if not agent.night_ok and _night_minutes(row.start, row.end, rules.night_hours):
                violations.append(
                    Violation(
                        "night_shifts_only_for_night_ok",
                        agent_id,
                        _hm(row.start),
                        f"agent {agent_id} is not night-eligible but works {_hm(row.start)}-{_hm(row.end)}, inside the night hours "
                        f"{rules.night_hours[0]}-{rules.night_hours[1]}; give the shift to a night_ok agent",
                    )
                )
            day_start = pd.Timestamp(row.date)
            if agent.earliest_start and row.start < day_start + pd.Timedelta(minutes=minutes_of_day(agent.earliest_start)):
                violations.append(
                    Violation(
                        "earliest_start_latest_end",
                        agent_id,
                        _hm(row.start),
                        f"agent {agent_id} starts {_hm(row.start)}, before the earliest start {agent.earliest_start}",
                    )
                )
            latest = _latest_end(day_start, agent.earliest_start, agent.latest_end)
            if latest is not None and row.end > latest:
                violations.append(
                    Violation(
                        "earliest_start_latest_end",
                        agent_id,
                        _hm(row.start),
                        f"agent {agent_id} ends {_hm(row.end)}, after the latest end {_hm(latest)}",
                    )
                )
        every = sorted(olds + rows, key=lambda row: row.start)
        for before, after in zip(every, every[1:]):
            rest_hours = (after.start - before.end) / one_hour
            if rest_hours < rules.min_rest_hours - 1e-9 and after.start >= pd.Timestamp(start):
                violations.append(
                    Violation(
                        "min_rest_between_shifts",
                        agent_id,
                        _hm(after.start),
                        f"agent {agent_id} rests {rest_hours:g} h between the shift ending {_hm(before.end)} "
                        f"and the one starting {_hm(after.start)} (min {rules.min_rest_hours:g} h); start later",
                    )
                )
        _check_runs(
            violations, agent_id, sorted({row.date for row in every}), rules.max_consecutive_workdays, start, "max_consecutive_workdays", "days"
        )
        if rules.max_consecutive_nights is not None:
            nights = sorted({row.date for row in every if _night_minutes(row.start, row.end, rules.night_hours)})
            _check_runs(violations, agent_id, nights, rules.max_consecutive_nights, start, "max_consecutive_nights", "nights")
        for first in weeks:
            _check_week(violations, center, agent, first, rows, olds, leave, start, end_date, previous is not None)

    if activities is None:
        activities = pd.DataFrame({"agent_id": [], "interval_start": pd.to_datetime([]), "activity": []})
    else:
        _check_activities(center, valid, old, breaks_of, activities, start, violations)
    _penalties(center, valid, old, activities, requirements, start, days, scale, report)
    return report


def _planned(center: Center, requirements: pd.DataFrame, start: dt.date, days: int, has_previous: bool) -> pd.DataFrame:
    """Every queue and interval the roster answers for, with the given requirement and workload (0 when none):
    all planned intervals with a previous roster; without one, real-time queues from the latest end of an
    overnight template on the first day (deferred queues from the start, or from their earliest row before it:
    a backlog carried in)."""
    config = center.config
    step = pd.Timedelta(minutes=config.interval_minutes)
    first = pd.Timestamp(start)
    if not has_previous:
        ends = [pd.Timedelta(minutes=minutes_of_day(t)) + pd.Timedelta(hours=s.length_hours) for s in config.shifts for t in s.start_times]
        spill = max([e - pd.Timedelta(days=1) for e in ends] + [pd.Timedelta(0)])
        first = first + step * math.ceil(spill / step)
    end = pd.Timestamp(start + dt.timedelta(days=days))

    def opening(queue) -> pd.Timestamp:
        if queue.respond_within_hours is None:
            return first
        earliest = requirements.loc[requirements.queue == queue.id, "interval_start"].min()
        return min(pd.Timestamp(start), earliest) if pd.notna(earliest) else pd.Timestamp(start)

    keys = [(q.id, moment) for q in config.queues for moment in pd.date_range(opening(q), end, freq=step, inclusive="left")]
    grid = pd.MultiIndex.from_tuples(keys, names=["queue", "interval_start"])
    columns = [c for c in ["agents_required", "agents_required_gross", "contacts", "aht_seconds"] if c in requirements]
    given = requirements.drop_duplicates(["queue", "interval_start"]).set_index(["queue", "interval_start"])[columns]
    return given.reindex(grid, fill_value=0).reset_index()


def _calendar_weeks(start: dt.date, days: int, week_start: str) -> list[dt.date]:
    """The first dates of the calendar weeks that the planned days touch."""
    names = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    first = start - dt.timedelta(days=(start.weekday() - names.index(week_start)) % 7)
    return [first + dt.timedelta(days=7 * k) for k in range(((start - first).days + days + 6) // 7)]


def _dates_worked(row) -> list[dt.date]:
    """The calendar dates with a worked minute of a shift row."""
    last = (row.end - pd.Timedelta(microseconds=1)).date()
    return [row.start.date() + dt.timedelta(days=k) for k in range((last - row.start.date()).days + 1)]


def _night_minutes(begin: pd.Timestamp, end: pd.Timestamp, night_hours) -> float:
    """Minutes of [begin, end) inside the night window of any date."""
    night_start, night_end = (pd.Timedelta(minutes=minutes_of_day(t)) for t in night_hours)
    if night_end <= night_start:
        night_end += pd.Timedelta(days=1)
    total = 0.0
    day = pd.Timestamp(begin.date()) - pd.Timedelta(days=1)
    while day < end:
        overlap = min(end, day + night_end) - max(begin, day + night_start)
        total += max(0.0, overlap / pd.Timedelta(minutes=1))
        day += pd.Timedelta(days=1)
    return total


def _latest_end(day_start: pd.Timestamp, earliest_start: str | None, latest_end: str | None) -> pd.Timestamp | None:
    """The latest end of a shift starting on `day_start`'s date: a time at or before the earliest start (06:00 when
    none) is the next morning; '24:00' is midnight."""
    if not latest_end:
        return None
    hours, minutes = (int(part) for part in latest_end.split(":"))
    moment = day_start + pd.Timedelta(hours=hours, minutes=minutes)
    if moment <= day_start + pd.Timedelta(minutes=minutes_of_day(earliest_start or "06:00")):
        moment += pd.Timedelta(days=1)
    return moment


def _break_problem(ranges, wanted, shift_start: pd.Timestamp, shift_end: pd.Timestamp) -> str | None:
    """What is wrong with a shift's written breaks: their count, overlap, or no matching of each to one of the
    template's breaks (its length and window, in any order); None when they fit."""
    if len(ranges) != len(wanted):
        return f"{len(ranges)} break(s) where the shift has {len(wanted)}; write one range per break"
    for (_, end), (begin, _) in zip(ranges, ranges[1:]):
        if begin < end:
            return f"breaks overlap at {begin:%H:%M}; move one"

    def fits(written, rule) -> bool:
        begin, end = written
        after_hours = (begin - shift_start) / pd.Timedelta(hours=1)
        return (
            end - begin == pd.Timedelta(minutes=rule.minutes)
            and rule.earliest_after_hours - 1e-9 <= after_hours <= rule.latest_after_hours + 1e-9
            and begin >= shift_start
            and end <= shift_end
        )

    if any(all(fits(w, r) for w, r in zip(ranges, order)) for order in itertools.permutations(wanted)):
        return None
    windows = ", ".join(f"{r.minutes} min starting {r.earliest_after_hours:g}-{r.latest_after_hours:g} h in" for r in wanted)
    written = ", ".join(f"{b:%H:%M}-{e:%H:%M}" for b, e in ranges)
    return f"breaks {written} do not match the shift's breaks ({windows}); move them into their windows"


def _check_runs(violations, agent_id: str, dates: list[dt.date], limit: int, start: dt.date, rule: str, noun: str) -> None:
    """A violation for each run of consecutive dates longer than `limit` that reaches the planned days."""
    runs: list[list[dt.date]] = []
    for date in dates:
        if runs and date - runs[-1][-1] == dt.timedelta(days=1):
            runs[-1].append(date)
        else:
            runs.append([date])
    for run in runs:
        if len(run) > limit and run[-1] >= start:
            violations.append(
                Violation(
                    rule,
                    agent_id,
                    str(run[0]),
                    f"agent {agent_id} works {len(run)} {noun} in a row, {run[0]} to {run[-1]} (max {limit}); add a day off",
                )
            )


def _check_week(violations, center: Center, agent, first: dt.date, rows, olds, leave, start, end_date, has_previous: bool) -> None:
    """Rest days, paid hours and nights of one calendar week from `first`, the previous roster's shifts included.

    Dates that neither roster covers (after the horizon; before it without a previous roster) may hold a rest day
    or the agent's longest shift each, so a cut week fails its minimums only when even they could not meet them;
    maximums hold in full. The new roster is blamed for a maximum only when it adds to that week.
    """
    rules, agent_id = center.config.rules, agent.agent_id
    week = [first + dt.timedelta(days=k) for k in range(7)]
    label = f"the week from {first}"
    known = {d for d in week if start <= d < end_date or (has_previous and d < start)}
    leave_days = {d for d in week if (agent_id, d) in leave}
    unknown = [d for d in week if d not in known and d not in leave_days]
    new = [row for row in rows if row.date in week]
    both = new + [row for row in olds if row.date in week]
    worked = {d for row in rows + olds for d in _dates_worked(row)}
    rest_days = [d for d in week if d in known and d not in worked and d not in leave_days]
    needed = min(rules.min_days_off_per_week, 7 - len(leave_days))
    if len(rest_days) + len(unknown) < needed:
        violations.append(
            Violation(
                "min_days_off_per_week",
                agent_id,
                str(first),
                f"agent {agent_id} has {len(rest_days)} rest day(s) (dates without a worked minute, not leave) in {label} (min {needed}); "
                "free a date from every shift",
            )
        )
    templates = [s for s in center.config.shifts if s.contracts is None or agent.contract in s.contracts]
    longest = max((round(s.paid_hours * 60) for s in templates), default=0)
    workdays = 7 - rules.min_days_off_per_week
    credit = len(leave_days) * (agent.min_hours_per_week * 60 / workdays if workdays else 0)
    low = math.floor(max(0.0, agent.min_hours_per_week * 60 - credit) + 1e-9)
    high = math.floor(agent.max_hours_per_week * 60 + 1e-9)
    paid = int(sum(row.paid_minutes for row in both))
    if paid + len(unknown) * longest < low or (paid > high and new):
        violations.append(
            Violation(
                "weekly_hours_within_contract",
                agent_id,
                str(first),
                f"agent {agent_id} is paid {paid / 60:g} h in {label}, outside {low / 60:g}-{high / 60:g} h"
                + (f" ({len(leave_days)} leave day(s) credited)" if leave_days else "")
                + "; add or remove a shift",
            )
        )
    nights = [row for row in both if _night_minutes(row.start, row.end, rules.night_hours)]
    if len(nights) > rules.max_nights_per_week and any(row in new for row in nights):
        violations.append(
            Violation(
                "max_nights_per_week",
                agent_id,
                str(first),
                f"agent {agent_id} works {len(nights)} night shifts in {label} (max {rules.max_nights_per_week}); move one to a day shift",
            )
        )


def _by_agent(frame: pd.DataFrame) -> dict[str, list]:
    """Each agent's rows (itertuples records) in start order (ties keep the frame's order)."""
    rows: dict[str, list] = defaultdict(list)
    for row in frame.sort_values("start", kind="stable").itertuples(index=False):
        rows[row.agent_id].append(row)
    return rows


def _break_ranges(text: str, shift_start: pd.Timestamp, cache: dict) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """`parse_break_ranges`, remembered per (text, time of day of the shift start) as offsets from the start."""
    key = (text, shift_start - shift_start.normalize())
    offsets = cache.get(key)
    if offsets is None:
        offsets = cache[key] = [(begin - shift_start, end - shift_start) for begin, end in parse_break_ranges(text, shift_start)]
    return [(shift_start + begin, shift_start + end) for begin, end in offsets]


def _check_activities(center, shifts, old, breaks_of, activities, start, violations) -> None:
    """Every interval of every shift has one activity: `break` inside breaks, else a queue the agent may serve.

    Times are compared as integer nanoseconds (exactly the Timestamps' values) for speed.
    """
    step = _nanoseconds(pd.Timedelta(minutes=center.config.interval_minutes))
    first_moment = _nanoseconds(pd.Timestamp(start))
    agents = {a.agent_id: a for a in center.agents}
    serves_of = {
        agent_id: frozenset(q.id for q in center.config.queues if agent.can_serve(q.skill, q.min_skill_level)) for agent_id, agent in agents.items()
    }
    expected: dict[tuple[str, int], str | frozenset] = {}
    rows = [(row.Index, row) for row in shifts.itertuples()] + [(None, row) for row in old.itertuples()]
    for number, row in rows:
        if row.agent_id not in agents:
            continue
        ranges = breaks_of.get(number) if number is not None else parse_break_ranges(row.breaks, row.start)
        ranges = [(_nanoseconds(begin), _nanoseconds(end)) for begin, end in ranges or []]
        serves = serves_of[row.agent_id]
        moment, end_of_shift = _nanoseconds(row.start), _nanoseconds(row.end)
        while moment < end_of_shift:
            if moment >= first_moment:
                on_break = any(begin < moment + step and moment < end for begin, end in ranges)
                expected[row.agent_id, moment] = "break" if on_break else serves
            moment += step
    seen = set()
    moments = pd.to_datetime(activities.interval_start).to_numpy(dtype="datetime64[ns]").view("int64").tolist()
    for agent_id, moment, activity in zip(activities.agent_id.tolist(), moments, activities.activity.tolist()):
        key = (agent_id, moment)
        if key in seen:
            violations.append(
                Violation("activities", agent_id, _hm(pd.Timestamp(moment)), f"agent {agent_id} has two activities at {_hm(pd.Timestamp(moment))}")
            )
            continue
        seen.add(key)
        wanted = expected.get(key)
        if wanted is None:
            violations.append(
                Violation(
                    "activities",
                    agent_id,
                    _hm(pd.Timestamp(moment)),
                    f"agent {agent_id} has activity '{activity}' at {_hm(pd.Timestamp(moment))} outside any shift",
                )
            )
        elif wanted == "break" and activity != "break":
            violations.append(
                Violation(
                    "breaks_inside_windows",
                    agent_id,
                    _hm(pd.Timestamp(moment)),
                    f"agent {agent_id} serves '{activity}' at {_hm(pd.Timestamp(moment))} during a break",
                )
            )
        elif wanted != "break" and activity not in wanted:
            violations.append(
                Violation(
                    "activities",
                    agent_id,
                    _hm(pd.Timestamp(moment)),
                    f"agent {agent_id} is on '{activity}' at {_hm(pd.Timestamp(moment))}, not a queue the agent is skilled for",
                )
            )
    missing = [key for key in expected if key not in seen]
    if missing:
        agent_id, moment = missing[0]
        violations.append(
            Violation(
                "activities",
                agent_id,
                _hm(pd.Timestamp(moment)),
                f"{len(missing)} shift interval(s) lack an activity, first agent {agent_id} at {_hm(pd.Timestamp(moment))}",
            )
        )


def _nanoseconds(value: pd.Timestamp | pd.Timedelta) -> int:
    """A naive Timestamp (since the epoch) or a Timedelta as integer nanoseconds."""
    return value.as_unit("ns").value


def _deadline_points(config, queue, requirements, on_queue: dict, scale: int, start: dt.date) -> int:
    """A deferred queue's cost, replayed minute by minute: work (whole minutes, rounded up) served first come
    first served by the agents on the queue inside its work hours (whole minutes each, net of shrinkage, at
    the occupancy cap); every minute overdue at an interval's end costs late_work per agent-interval, every
    minute open at the end one point, every agent placed outside the work hours overstaffing. Rows before the
    start (a backlog carried in) have no agents and cost nothing there."""
    step = config.interval_minutes
    rows = requirements.loc[requirements.queue == queue.id].sort_values("interval_start")
    deadline = max(1, math.floor(queue.respond_within_hours * 60 / step + 1e-9))
    late_points = max(1, math.floor(config.weights.late_work * scale / step + 0.5))
    begin, end = queue.work_hours or ("00:00", "24:00")
    first, last = (int(v[:2]) * 60 + int(v[3:]) for v in (begin, end))
    total = done = due = 0
    arrivals: list[int] = []
    cost = 0
    for i, row in enumerate(rows.itertuples(index=False)):
        minute = row.interval_start.hour * 60 + row.interval_start.minute
        inside = first <= minute < last if first < last else (minute >= first or minute < last)
        agents = int(on_queue.get((queue.id, row.interval_start), 0))
        arrivals.append(math.ceil(getattr(row, "contacts", 0.0) * getattr(row, "aht_seconds", 0.0) / 60 - 1e-9))
        total += arrivals[-1]
        if inside:
            shrinkage = config.staffing.shrinkage_by_hour.get(row.interval_start.hour, config.staffing.shrinkage)
            done = min(total, done + math.floor(step * (1 - shrinkage) * config.staffing.max_occupancy + 1e-9) * agents)
        else:
            cost += _points(config.weights.overstaffing * scale) * agents
        if i - deadline + 1 >= 0:
            due += arrivals[i - deadline + 1]
        if row.interval_start >= pd.Timestamp(start):
            cost += late_points * max(0, due - done)
    cost += total - done
    return cost


def _penalties(center, shifts, old, activities, requirements, start, days, scale, report: CheckReport) -> None:
    """The soft penalties in weight units (see the soft rules in rules.py)."""
    config = center.config
    weights, step = config.weights, config.interval_minutes
    points: dict[str, int] = defaultdict(int)
    counts = activities.loc[activities.activity != "break"].groupby(["activity", "interval_start"]).size()
    on_queue = dict(zip(counts.index, counts.tolist()))
    under_points, over_points = _points(weights.understaffing * scale), _points(weights.overstaffing * scale)
    short_total = over_total = 0
    deferred = {q.id for q in config.queues if q.respond_within_hours is not None}
    for row in requirements.itertuples(index=False):
        if row.queue in deferred:
            continue
        shrinkage = config.staffing.shrinkage_by_hour.get(row.interval_start.hour, config.staffing.shrinkage)
        target = getattr(row, "agents_required_gross", None)
        target = max(0, math.ceil(row.agents_required / (1 - shrinkage) - 1e-9)) if target is None else int(target)
        covered = int(on_queue.get((row.queue, row.interval_start), 0))
        short, over = max(0, target - covered), max(0, covered - target)
        short_total, over_total = short_total + short, over_total + over
        first, second = math.ceil(0.1 * target), math.ceil(0.3 * target)
        points["cover_requirements"] += under_points * short + _points(weights.understaffing * scale * 1) * max(0, short - first)
        points["cover_requirements"] += _points(weights.understaffing * scale * 2) * max(0, short - second) + over_points * over
    for queue in (q for q in config.queues if q.id in deferred):
        points["cover_requirements"] += _deadline_points(config, queue, requirements, on_queue, scale, start)
    report.understaffed_agent_hours = short_total * step / 60
    report.overstaffed_agent_hours = over_total * step / 60
    agents = {a.agent_id: a for a in center.agents}
    for row in shifts.itertuples():
        rate = agents[row.agent_id].hourly_cost
        relative = 1.0 if rate is None or not config.costs.hourly_cost else rate / config.costs.hourly_cost
        points["paid_hours"] += _points(weights.paid_hour * scale * relative, row.paid_minutes / 60)
    worked = {(row.agent_id, row.date) for row in shifts.itertuples()}
    for entry in center.time_off:
        if entry.kind == "preference" and (entry.agent_id, entry.date) in worked:
            points["time_off_preferences"] += _points(entry.weight * scale)
    slot = {(row.agent_id, row.date): (row.start.hour * 60 + row.start.minute) // step for row in pd.concat([old, shifts]).itertuples()}
    move_points = _points(weights.start_time_change * scale, step / 60)
    for (agent_id, date), begin in slot.items():
        before = slot.get((agent_id, date - dt.timedelta(days=1)))
        if date >= start and before is not None:
            points["stable_start_times"] += move_points * abs(begin - before)
    horizon_days = [start + dt.timedelta(days=d) for d in range(days)]
    weekend = {d for d in horizon_days if d.weekday() >= 5}
    everyone = [a.agent_id for a in center.agents]
    night_ok = [a.agent_id for a in center.agents if a.night_ok]
    weekend_counts = Counter(row.agent_id for row in shifts.itertuples() if row.date in weekend)
    night_hours = config.rules.night_hours
    night_counts = Counter(row.agent_id for row in shifts.itertuples() if _night_minutes(row.start, row.end, night_hours))
    midnight = pd.Timestamp(start)
    starts = [(midnight + pd.Timedelta(minutes=minutes_of_day(t)), pd.Timedelta(hours=s.length_hours)) for s in config.shifts for t in s.start_times]
    has_nights = any(_night_minutes(begin, begin + length, night_hours) for begin, length in starts)
    for rule, weight, who, counts, applies in (
        ("weekend_fairness", weights.weekend_fairness, everyone, weekend_counts, bool(weekend)),
        ("night_fairness", weights.night_fairness, night_ok, night_counts, has_nights),
    ):
        if applies and len(who) >= 2:
            values = [counts.get(agent_id, 0) for agent_id in who]
            points[rule] += _points(weight * scale) * (max(values) - min(values))
    report.penalties = {rule: value / scale for rule, value in sorted(points.items())}
