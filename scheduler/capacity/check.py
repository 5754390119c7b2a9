"""An independent check of a capacity plan: supply recomputed week by week from the decisions alone.

No solver: headcounts are rolled forward with attrition, hires, courses and temp bookings; the
ramp-up of hires and agents away on courses are taken out; limits and lead times are checked; the
reported allocation must fit each group's productive FTE and skills; every subset of skills must be
coverable by the groups holding any of them (Hall's condition, so the covered part of the
requirement is achievable whatever the allocation); gaps and costs must add up.
"""

from __future__ import annotations

import datetime as dt
from itertools import combinations

from scheduler.capacity.problem import CapacityPlan
from scheduler.capacity.supply import hire_productivity


def check_capacity(plan: CapacityPlan, tolerance: float = 0.02) -> list[str]:
    """Problems found in the plan (empty when it is consistent).

    FTE compare to `tolerance` (the table rounds to 2 decimals); costs to the cent per table row.
    """
    problem, s = plan.problem, plan.problem.settings
    keep = 1 - s.attrition_rate_per_week
    index = {problem.week_start(t).isoformat(): t for t in range(problem.weeks)}
    profile_of = {group: p for p, group in problem.hire_group.items()}
    courses = {c.skill: c for c in s.cross_training}
    pools = {f"temp:{p.id}": p for p in s.temps}
    problems: list[str] = []
    hires, starts, booked = {}, {}, {}
    for row in plan.actions.itertuples():
        week = index[row.week]
        if row.action == "hire":
            hires[row.group, week] = hires.get((row.group, week), 0) + row.agents
            if week - s.hiring.lead_weeks < 0 or index.get(row.decide_by) != week - s.hiring.lead_weeks:
                problems.append(f"hire of {row.agents} ({row.group}) starting {row.week} ignores the {s.hiring.lead_weeks}-week lead time")
        elif row.action == "cross_training":
            starts[row.group, row.skill, week] = row.agents
            if week + courses[row.skill].course_weeks > problem.weeks - 1:
                problems.append(f"course {row.skill} starting {row.week} ends after the horizon")
        else:
            booked[row.group, week] = row.agents
            if week < pools[row.group].lead_weeks:
                problems.append(f"temps {row.group} booked for {row.week} inside the {pools[row.group].lead_weeks}-week lead time")
            if row.agents > pools[row.group].max_agents_per_week:
                problems.append(f"temps {row.group} in {row.week}: {row.agents} exceed max_agents_per_week")
    heads = {g: float(n) for g, n in problem.headcount.items()}
    staff = [g for g in problem.groups if not g.is_temp_pool]
    supply = plan.supply.set_index(["week", "group"])
    allocation = {week: rows for week, rows in plan.allocation.groupby("week")}
    table = plan.table.assign(week=plan.table.week.map(index)).set_index(["week", "skill"])
    for t in range(problem.weeks):
        when = problem.week_start(t)
        if t > 0:
            heads = {g: n * keep for g, n in heads.items()}
        for (source, skill, started), agents in starts.items():
            target = _target(problem, source, skill)
            if started + courses[skill].course_weeks == t:
                heads[target] += agents * keep ** courses[skill].course_weeks
        for (group, week), agents in hires.items():
            if week == t:
                heads[group] += agents
        if sum(n for (g, w), n in hires.items() if w == t) > s.hiring.max_hires_per_week:
            problems.append(f"{when}: more hires than max_hires_per_week {s.hiring.max_hires_per_week}")
        for skill, course in courses.items():
            seats = sum(n for (g, k, w), n in starts.items() if k == skill and w == t)
            if seats > course.seats_per_week:
                problems.append(f"{when}: {seats} agents start the {skill} course, more than {course.seats_per_week} seats")
        for (source, _, started), agents in starts.items():
            if started == t:
                heads[source] -= agents
        productive, cost = {}, 0.0
        for g in staff:
            if heads[g.id] < -1e-6:
                problems.append(f"{when}: group {g.id} sends more agents on courses than it has")
            ramping = sum(
                agents * keep ** (t - week) * (1 - hire_productivity(s, t - week))
                for (group, week), agents in hires.items()
                if group == g.id and week <= t
            )
            productive[g.id] = g.fte_per_agent * (heads[g.id] - ramping - problem.absent.get((g.id, t), 0.0))
            away = sum(
                agents * keep ** (t - started)
                for (source, k, started), agents in starts.items()
                if source == g.id and started <= t < started + courses[k].course_weeks
            )
            cost += g.hourly_cost * g.paid_hours_per_agent * (heads[g.id] + away)
            reported = supply.loc[(t, g.id)]
            if abs(reported.headcount - heads[g.id]) > tolerance or abs(reported.in_course - away) > tolerance:
                problems.append(
                    f"{when}: group {g.id} headcount {reported.headcount:.2f} / in course {reported.in_course:.2f}, recomputed "
                    f"{heads[g.id]:.2f} / {away:.2f}"
                )
        for pool_id, pool in pools.items():
            agents = booked.get((pool_id, t), 0)
            group = problem.group(pool_id)
            productive[pool_id] = group.fte_per_agent * agents
            cost += pool.hourly_cost * group.paid_hours_per_agent * agents
        cost += sum(s.hiring.profiles[profile_of[g]].hire_cost * n for (g, w), n in hires.items() if w == t)
        cost += sum(courses[k].cost_per_agent * n for (g, k, w), n in starts.items() if w == t)
        problems += _check_week(plan, t, productive, allocation.get(t, plan.allocation.iloc[:0]), table, tolerance)
        reported_cost = table.loc[t].cost.sum()
        if abs(reported_cost - cost) > 0.01 * len(problem.skills) + 1e-6 * cost:  # cents per row, float noise
            problems.append(f"{when}: reported cost {reported_cost:.2f}, recomputed {cost:.2f}")
    return problems


def _target(problem, source: str, skill: str) -> str:
    return next(dst for src, k, dst in problem.moves if src == source and k == skill)


def _check_week(plan: CapacityPlan, t: int, productive: dict, shares, table, tolerance: float) -> list[str]:
    problem = plan.problem
    when: dt.date = problem.week_start(t)
    held = {g.id: g.skills for g in problem.groups}
    found = []
    served = dict.fromkeys(problem.skills, 0.0)
    used = dict.fromkeys(held, 0.0)
    for group, skill, fte in zip(shares.group, shares.skill, shares.fte):
        if skill not in held[group] or fte < -1e-9:
            found.append(f"{when}: group {group} is allocated {fte:.2f} FTE to {skill}, a skill it does not hold")
        used[group] += fte
        served[skill] += fte
    for group, fte in used.items():
        if fte > productive[group] + tolerance:
            found.append(f"{when}: group {group} is allocated {fte:.2f} FTE but supplies {productive[group]:.2f}")
    rows = {skill: table.loc[(t, skill)] for skill in problem.skills}
    for skill, row in rows.items():
        required = problem.required_fte(t, skill)
        if abs(row.available_fte - served[skill]) > tolerance:
            found.append(f"{when} {skill}: available_fte {row.available_fte} but the allocation sums to {served[skill]:.2f}")
        if abs(row.gap - max(required - served[skill], 0.0)) > tolerance:
            found.append(f"{when} {skill}: gap {row.gap} but required {required:.2f} - available {served[skill]:.2f}")
    for size in range(1, len(problem.skills) + 1):
        for subset in combinations(problem.skills, size):
            covered = sum(problem.required_fte(t, k) - rows[k].gap for k in subset)
            holders = sum(productive[g] for g, skills in held.items() if set(skills) & set(subset))
            if covered > holders + tolerance * size:
                found.append(f"{when}: skills {'+'.join(subset)} are covered {covered:.2f} FTE but their holders supply only {holders:.2f}")
    return found
