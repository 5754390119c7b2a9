"""Who can supply hours: groups of agents with the same skill set and contract, and temp pools.

Multi-skilled agents are counted once: each group's productive FTE is split across the skills it
holds (the optimizer chooses the split), never counted in full for every skill.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from scheduler.contracts.capacity_schema import CapacityConfig
from scheduler.contracts.pay import pay_equivalent_hours


@dataclass(frozen=True)
class Group:
    """Agents that are interchangeable for capacity: same skills and contract (paid the contract's mean wage).

    `fte_per_agent` is the FTE one fully productive agent adds (contract hours / FTE hours; for temps
    also times their productivity); `paid_hours_per_agent` is what a week of one agent costs in hours at the base
    rate, overtime and rest-day premiums of hours beyond the standard week included (`pay_equivalent_hours`).
    """

    id: str
    skills: tuple[str, ...]
    contract: str
    hourly_cost: float
    paid_hours_per_agent: float
    fte_per_agent: float
    is_temp_pool: bool = False


def group_id(skills, contract: str) -> str:
    """'aftersales+presales/full_time'."""
    return f"{'+'.join(sorted(skills))}/{contract}"


def held_skills(agent, config) -> tuple[str, ...]:
    """The queue skills an agent holds at the lowest level any queue of that skill accepts."""
    lowest = {}
    for queue in config.queues:
        lowest[queue.skill] = min(lowest.get(queue.skill, 5), queue.min_skill_level)
    return tuple(sorted(s for s, level in agent.skills.items() if s in lowest and level >= lowest[s]))


def contract_hourly_costs(agents, config) -> dict[str, float]:
    """Mean hourly cost per contract over agents.csv (costs.hourly_cost where a row gives none)."""
    costs: dict[str, list[float]] = {}
    for agent in agents:
        costs.setdefault(agent.contract, []).append(agent.hourly_cost if agent.hourly_cost is not None else config.costs.hourly_cost)
    return {contract: sum(v) / len(v) for contract, v in costs.items()}


def build_groups(agents, config, settings: CapacityConfig) -> tuple[list[Group], dict[str, int], dict[int, str], list[tuple[str, str, str]]]:
    """The staff groups of today's agents and of hires, the groups one course away, and temp pools.

    Courses start from today's and the hires' groups (one course per agent within the horizon; a
    course can still lead into another such group, which can then take a further course).

    Returns:
        groups (staff groups sorted by id, then temp pools), initial headcount per group id,
        the group each hire profile (by index) joins, and the cross-training moves as
        (from group id, course skill, to group id).
    """
    hourly = contract_hourly_costs(agents, config)
    fte_hours = settings.fte_hours_per_week

    def staff_group(skills, contract: str, cost: float) -> Group:
        hours = settings.contract_hours(contract)
        return Group(group_id(skills, contract), tuple(sorted(skills)), contract, cost, pay_equivalent_hours(config, hours), hours / fte_hours)

    groups: dict[str, Group] = {}
    headcount: Counter[str] = Counter()
    for agent in agents:
        skills = held_skills(agent, config)
        if not skills:
            continue
        group = staff_group(skills, agent.contract, hourly[agent.contract])
        groups[group.id] = group
        headcount[group.id] += 1
    hire_group: dict[int, str] = {}
    for index, profile in enumerate(settings.hiring.profiles or []):
        cost = hourly.get(profile.contract, config.costs.hourly_cost)
        group = groups.setdefault(group_id((profile.skill,), profile.contract), staff_group((profile.skill,), profile.contract, cost))
        hire_group[index] = group.id
    moves: list[tuple[str, str, str]] = []
    for source in [groups[g] for g in sorted(groups)]:
        for course in settings.cross_training:
            if course.skill not in source.skills:
                target = groups.setdefault(
                    group_id(source.skills + (course.skill,), source.contract),
                    staff_group(source.skills + (course.skill,), source.contract, source.hourly_cost),
                )
                moves.append((source.id, course.skill, target.id))
    pools = [
        Group(
            f"temp:{pool.id}",
            tuple(sorted(pool.skills)),
            "temp",
            pool.hourly_cost,
            pay_equivalent_hours(config, pool.hours_per_week),
            pool.hours_per_week / fte_hours * pool.productivity,
            is_temp_pool=True,
        )
        for pool in settings.temps
    ]
    staff = [groups[g] for g in sorted(groups)]
    return staff + pools, {g.id: headcount.get(g.id, 0) for g in staff}, hire_group, sorted(set(moves))


def hire_productivity(settings: CapacityConfig, age_weeks: int) -> float:
    """Share of a trained agent's output that a hire gives in week `age_weeks` after starting."""
    training_days = min(max(settings.hiring.training_days - 7 * age_weeks, 0), 7)
    return (training_days * settings.hiring.training_productivity + (7 - training_days)) / 7


def in_training(settings: CapacityConfig, age_weeks: int) -> bool:
    """True when a hire spends any day of week `age_weeks` after starting in training."""
    return settings.hiring.training_days - 7 * age_weeks > 0


def absent_agents(center, start: dt.date, weeks: int) -> dict[tuple[str, int], float]:
    """Agents of each staff group away on approved leave (time_off kind leave) per week from `start`: leave days / 7."""
    group_of = {a.agent_id: group_id(held_skills(a, center.config), a.contract) for a in center.agents if held_skills(a, center.config)}
    absent: dict[tuple[str, int], float] = {}
    for entry in center.time_off:
        week = (entry.date - start).days // 7
        if entry.kind == "leave" and entry.agent_id in group_of and 0 <= week < weeks:
            key = (group_of[entry.agent_id], week)
            absent[key] = absent.get(key, 0.0) + 1 / 7
    return absent
