"""A fast greedy roster used as the solver's hint: day by day, agents take the shift that covers the largest
remaining shortfall, within their hard rules (leave, night eligibility, hours of day, templates per contract,
rest, streaks, rest days, weekly hours and nights). Agents whose weekly minimum hours would otherwise become
unreachable work first; each agent's shifts then pass a one-agent CP-SAT model of its hard rules, which keeps
them when they hold and otherwise gives the closest valid shifts.
"""

from __future__ import annotations

import math

import numpy as np
from ortools.sat.python import cp_model

from scheduler.contracts.schema import minutes_of_day
from scheduler.roster.deferred_work import deadline_hint
from scheduler.roster.model import RosterModel, week_limits
from scheduler.roster.rules import RuleVariables, apply_rules, latest_end_minute, previous_streak


def greedy_roster(m: RosterModel) -> tuple[dict[tuple[int, int], int], list[int]]:
    """(agent index, day) -> shift option index for the days the agents work, and the agents whose own hard
    rules cannot all hold (no valid shifts exist for them, so the roster is infeasible)."""
    horizon, options, rules = m.horizon, m.options, m.config.rules
    step, per_day = horizon.interval_minutes, horizon.per_day
    queues = [q.id for q in m.config.queues]
    span = horizon.intervals + per_day * 2
    deficit = np.zeros((len(queues), span))
    for (queue, t), target in {**m.deferred_guide, **m.targets}.items():
        deficit[queues.index(queue), t] = target
    for (g, t), count in m.previous_on_queue.items():
        serves = [queues.index(q) for q in m.groups[g].queues]
        for _ in range(count):
            best = max(serves, key=lambda q: deficit[q, t])
            deficit[best, t] -= 1
    group_of = {a: m.groups[g].queues for g in range(len(m.groups)) for a in m.groups[g].members}
    rows_of = {group.queues: np.array([queues.index(q) for q in group.queues]) for group in m.groups}
    option_first = np.array([option.start_minute // step for option in options])
    option_intervals = np.array([option.length_minutes // step for option in options])
    rest = rules.min_rest_hours * 60
    week_of = {d: w for w, week in enumerate(m.weeks) for d in week}
    state = []
    for a, agent in enumerate(m.agents):
        last_end = max((s.end_minute for s in m.previous.get(agent.agent_id, [])), default=-math.inf)
        earliest = minutes_of_day(agent.earliest_start) if agent.earliest_start else 0
        latest = latest_end_minute(agent.earliest_start, agent.latest_end)
        allowed = [
            o
            for o, option in enumerate(options)
            if (agent.night_ok or not option.night)
            and option.start_minute >= earliest
            and option.end_minute <= latest
            and option.allows(agent.contract)
        ]
        limits = [week_limits(m, a, week) for week in m.weeks]
        state.append(
            {
                "last_end": last_end,
                "streak": previous_streak(m, agent.agent_id),
                "allowed": allowed,
                "longest_paid": max((options[o].paid_minutes for o in allowed), default=1),
                "limits": limits,
                "worked": {d for s in m.previous.get(agent.agent_id, []) for d in s.dates()},
                "paid": [0] * len(limits),
                "nights": [0] * len(limits),
            }
        )
    resting = planned_rest_days(m, deficit, [s["limits"] for s in state])
    plan: dict[tuple[int, int], int] = {}
    for d in range(horizon.days):
        w = week_of[d]
        week_left = range(d + 1, min(m.weeks[w].stop, horizon.days))
        candidates = []
        for a in range(len(m.agents)):
            s = state[a]
            days_left = sum((a, day) not in resting for day in week_left)
            must = s["limits"][w].min_paid_minutes - s["paid"][w] > days_left * s["longest_paid"]
            candidates.append((not must, len(group_of[a]), a))
        for not_must, _, a in sorted(candidates):
            s, agent = state[a], m.agents[a]
            limits = s["limits"][w]
            if (agent.agent_id, d) in m.leave or d in s["worked"] or s["streak"] >= rules.max_consecutive_workdays:
                continue
            if not_must and (a, d) in resting:
                continue
            rest_left = sum(day not in s["worked"] for day in limits.rest_days if day != d)
            if rest_left < limits.min_rest_days:
                continue
            serves = rows_of[group_of[a]]
            # each option's mean positive shortfall over its intervals (of the best queue the agent serves there)
            shortfall = np.clip(deficit[serves, d * per_day : (d + 2) * per_day].max(axis=0), 0, None)
            running = np.concatenate(([0.0], np.cumsum(shortfall)))
            scores = ((running[option_first + option_intervals] - running[option_first]) / np.maximum(1, option_intervals)).tolist()
            best, best_score = None, -1.0
            for o in s["allowed"]:
                option = options[o]
                if d * 1440 + option.start_minute < s["last_end"] + rest:
                    continue
                if s["paid"][w] + option.paid_minutes > limits.max_paid_minutes:
                    continue
                if option.night and s["nights"][w] + 1 > limits.max_nights:
                    continue
                if option.overnight and ((agent.agent_id, d + 1) in m.leave or (a, d + 1) in resting or _rest_needed(s, week_of, d + 1)):
                    continue
                if scores[o] > best_score:
                    best, best_score = o, scores[o]
            if best is None or (not_must and best_score < 0.25):
                continue
            option = options[best]
            plan[a, d] = best
            first = horizon.first_interval(d, option)
            last = first + option.length_minutes // step
            deficit[serves[deficit[serves, first:last].argmax(axis=0)], np.arange(first, last)] -= 1  # per interval, the first queue short most
            s["last_end"] = d * 1440 + option.end_minute
            s["worked"].update({d, d + 1} if option.overnight else {d})
            s["paid"][w] += option.paid_minutes
            s["nights"][w] += int(option.night)
        for a in range(len(m.agents)):
            state[a]["streak"] = state[a]["streak"] + 1 if (a, d) in plan else 0
    stuck = [a for a in range(len(m.agents)) if not _follows_rules(m, a, plan, state[a]) and not _repair(m, a, plan)]
    return plan, stuck


def planned_rest_days(m: RosterModel, deficit: np.ndarray, limits_of: list[list]) -> set[tuple[int, int]]:
    """(agent, day) pairs the greedy keeps free: each agent's minimum rest days of each calendar week, placed one at a
    time on the day with the most agents to spare (agents not on leave minus the agent-shifts the day's requirement
    asks for), so that rest spreads over the week instead of piling up on the days the greedy reaches last."""
    horizon, per_day = m.horizon, m.horizon.per_day
    shift_intervals = float(np.median([o.length_minutes for o in m.options])) / horizon.interval_minutes
    asked = [np.clip(deficit[:, d * per_day : (d + 1) * per_day], 0, None).sum() / shift_intervals for d in range(horizon.days)]
    resting: set[tuple[int, int]] = set()
    for w, week in enumerate(m.weeks):
        days = [d for d in week if 0 <= d < horizon.days]
        spare = {d: sum((agent.agent_id, d) not in m.leave for agent in m.agents) - asked[d] for d in days}
        for a in range(len(m.agents)):
            free = list(limits_of[a][w].rest_days)
            for _ in range(min(limits_of[a][w].min_rest_days, len(free))):
                day = max(free, key=lambda d: (spare[d], -d))
                free.remove(day)
                resting.add((a, day))
                spare[day] -= 1
    return resting


def _follows_rules(m: RosterModel, a: int, plan: dict[tuple[int, int], int], s: dict) -> bool:
    """True when agent `a`'s shifts in `plan` keep the agent's hard rules (a fast test; `_repair` decides otherwise)."""
    agent, rules, horizon = m.agents[a], m.config.rules, m.horizon
    worked = {d: m.options[plan[a, d]] for d in range(horizon.days) if (a, d) in plan}
    if any(plan[a, d] not in s["allowed"] for d in worked):
        return False
    previous = m.previous.get(agent.agent_id, [])
    dates = {day for shift in previous for day in shift.dates()} | {d + k for d, o in worked.items() for k in range(1 + o.overnight)}
    if any((agent.agent_id, d) in m.leave for d in dates if d >= 0):
        return False
    spans = sorted(
        [(x.start_minute, x.end_minute, x.night) for x in previous]
        + [(d * 1440 + o.start_minute, d * 1440 + o.end_minute, o.night) for d, o in worked.items()]
    )
    if any(after[0] - before[1] < rules.min_rest_hours * 60 for before, after in zip(spans, spans[1:])):
        return False
    starts = {b // 1440 for b, _, _ in spans}
    nights = {b // 1440 for b, _, night in spans if night}
    for days, limit in ((starts, rules.max_consecutive_workdays), (nights, rules.max_consecutive_nights)):
        if limit is not None and any(all(d - k in days for k in range(limit + 1)) for d in range(horizon.days)):
            return False
    for limits in s["limits"]:
        shifts = [worked[d] for d in limits.days if d in worked]
        paid = sum(o.paid_minutes for o in shifts)
        if not limits.min_paid_minutes <= paid <= limits.max_paid_minutes or sum(o.night for o in shifts) > limits.max_nights:
            return False
        if sum(d not in dates for d in limits.rest_days) < limits.min_rest_days:
            return False
    return True


def _rest_needed(s: dict, week_of: dict[int, int], d: int) -> bool:
    """True when day `d`, not yet worked, must stay a rest day to reach its week's minimum rest days."""
    if d not in week_of or d in s["worked"]:
        return False
    limits = s["limits"][week_of[d]]
    free = sum(day not in s["worked"] for day in limits.rest_days if day >= d)
    return d in limits.rest_days and free <= limits.min_rest_days


def _repair(m: RosterModel, a: int, plan: dict[tuple[int, int], int]) -> bool:
    """Replace agent `a`'s shifts by the closest ones that keep the agent's hard rules (a tiny CP-SAT model, which
    keeps shifts that already do); False when it proves that no shifts keep them."""
    single = m.alone(a)
    apply_rules(single, with_coverage=False, hard_only=True)
    cells = [(d, o) for d in range(m.horizon.days) for o in range(len(m.options))]
    single.model.minimize(sum(1 - single.x[0, d, o] if plan.get((a, d)) == o else single.x[0, d, o] for d, o in cells))
    for d, o in cells:
        single.model.add_hint(single.x[0, d, o], int(plan.get((a, d)) == o))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 5.0
    status = solver.solve(single.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return status != cp_model.INFEASIBLE  # out of time: keep the greedy shifts, the solver repairs them
    for d in range(m.horizon.days):
        plan.pop((a, d), None)
        for o in range(len(m.options)):
            if solver.value(single.x[0, d, o]):
                plan[a, d] = o
    return True


def hint_values(m: RosterModel, variables: RuleVariables, plan: dict[tuple[int, int], int]) -> list[tuple[object, int]]:
    """A value for every variable of the model from a plan of shifts, so that CP-SAT starts from a complete roster.

    Breaks are spread over their allowed starts (agent i of n on a shift takes the i-th of n evenly spaced
    starts); each interval's working members go to the queues with the largest remaining shortfall.
    """
    horizon, step, coverage = m.horizon, m.horizon.interval_minutes, variables.coverage
    values: list[tuple[object, int]] = [(var, int(plan.get((a, d)) == o)) for (a, d, o), var in m.x.items()]
    on_queue: dict[tuple[int, int], int] = dict(m.previous_on_queue)
    for (g, d, o), count_var in m.n.items():
        count = sum(plan.get((a, d)) == o for a in m.groups[g].members)
        values.append((count_var, count))
        option = m.options[o]
        first = horizon.first_interval(d, option)
        for j in range(option.length_minutes // step):
            on_queue[g, first + j] = on_queue.get((g, first + j), 0) + count
        for k, offsets in enumerate(_spread_breaks(option, count)):
            slot = option.breaks[k]
            for offset in slot.offsets:
                taken = offsets.count(offset)
                values.append((m.b[g, d, o, k, offset], taken))
                for j in range(slot.length_intervals):
                    on_queue[g, first + offset + j] -= taken
    queues = [q.id for q in m.config.queues]
    remaining = {**m.deferred_guide, **m.targets}
    covered: dict[tuple[str, int], int] = {}
    for (g, t), available in sorted(on_queue.items(), key=lambda item: (len(m.groups[item[0][0]].queues), item[0][1], item[0][0])):
        serves = m.groups[g].queues
        placed = dict.fromkeys(serves, 0)
        for _ in range(available):
            queue = max(serves, key=lambda q: (remaining.get((q, t), 0), -queues.index(q)))
            placed[queue] += 1
            remaining[queue, t] = remaining.get((queue, t), 0) - 1
        for queue, count in placed.items():
            covered[queue, t] = covered.get((queue, t), 0) + count
            if (g, queue, t) in coverage.flows:
                values.append((coverage.flows[g, queue, t], count))
    on = {name: np.zeros(horizon.intervals, dtype=np.int64) for name in m.deferred}
    for (queue, t), count in covered.items():
        if queue in on and 0 <= t < horizon.intervals:
            on[queue][t] = count
    values += deadline_hint(m.deferred, coverage.deferred, on)
    for (queue, t), short_var in coverage.shortfalls.items():
        values.append((short_var, max(0, m.targets[queue, t] - covered.get((queue, t), 0))))
    for (queue, t, _), (deeper_var, breakpoint) in coverage.deeper.items():
        short = max(0, m.targets[queue, t] - covered.get((queue, t), 0))
        values.append((deeper_var, max(0, short - breakpoint)))
    per_day = horizon.per_day
    for move in variables.moves:
        a, day = move.agent, move.day
        if day < 0:
            before = [s for s in m.previous[m.agents[a].agent_id] if s.day == -1][0]
            start0 = before.start_minute // step + per_day
        else:
            start0 = m.options[plan[a, day]].start_minute // step if (a, day) in plan else None
        start1 = m.options[plan[a, day + 1]].start_minute // step if (a, day + 1) in plan else None
        change = start1 - start0 if start0 is not None and start1 is not None else None
        values += [(move.both, int(change is not None)), (move.moved, change or 0), (move.hours, abs(change or 0))]
    for spread in variables.spreads:
        counts = [sum(plan.get((a, d)) in spread.options for d in spread.days) for a in spread.agents]
        values += [(spread.most, max(counts)), (spread.fewest, min(counts))]
    for rest in variables.rest_days:
        before = plan.get((rest.agent, rest.day - 1))
        worked = (rest.agent, rest.day) in plan or (before is not None and m.options[before].overnight)
        values.append((rest.var, int(not worked)))
    return values


def _spread_breaks(option, count: int) -> list[list[int]]:
    """Break starts for `count` agents on one shift: evenly spread, each break after the one before it ends."""
    chosen: list[list[int]] = [[] for _ in option.breaks]
    for i in range(count):
        earliest = 0
        for k, slot in enumerate(option.breaks):
            allowed = [o for o in slot.offsets if o >= earliest] or [slot.offsets[-1]]
            spread = slot.offsets[min(len(slot.offsets) - 1, (i * len(slot.offsets)) // max(1, count))]
            offset = spread if spread in allowed else allowed[0]
            chosen[k].append(offset)
            earliest = offset + slot.length_intervals
    return chosen
