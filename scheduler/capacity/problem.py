"""The inputs of one capacity plan, and the plan the optimizer returns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from scheduler.capacity.supply import Group
from scheduler.contracts.capacity_schema import CapacityConfig

CAPACITY_COLUMNS = ["week", "skill", "required_fte", "available_fte", "hires_starting", "in_training", "temps", "gap", "cost"]
ACTION_COLUMNS = ["week", "action", "skill", "group", "agents", "decide_by", "cost"]


@dataclass(frozen=True)
class CapacityProblem:
    """Everything the optimizer and the independent check need.

    `required` has columns week (0-based index), skill, required_fte (plus the detail columns of
    weekly_required_fte). `moves` are cross-training courses as (from group, skill, to group). `absent` is the
    agents of a staff group away on approved leave per week (leave days / 7, summed, e.g. maternity leave; times
    the share still employed after attrition, as the headcount).
    """

    start: dt.date
    weeks: int
    skills: list[str]
    settings: CapacityConfig
    groups: list[Group]
    headcount: dict[str, int]
    hire_group: dict[int, str]
    moves: list[tuple[str, str, str]]
    required: pd.DataFrame
    absent: dict[tuple[str, int], float] = field(default_factory=dict)

    def group(self, group_id: str) -> Group:
        """The group (or temp pool) with this id."""
        return next(g for g in self.groups if g.id == group_id)

    def week_start(self, week: int) -> dt.date:
        """The first day of week index `week`."""
        return self.start + dt.timedelta(days=7 * week)

    def required_fte(self, week: int, skill: str) -> float:
        """Required FTE of a skill in a week."""
        return self._required_by_week_skill.get((week, skill), 0.0)

    @cached_property
    def _required_by_week_skill(self) -> dict[tuple[int, str], float]:
        return {(int(w), k): float(v) for w, k, v in zip(self.required.week, self.required.skill, self.required.required_fte)}


@dataclass(frozen=True)
class CapacityPlan:
    """A capacity plan: the capacity.csv table, the decisions and the supply behind them.

    Attributes:
        table: capacity.csv (CAPACITY_COLUMNS), one row per week and skill; week is the ISO date
            the week starts.
        actions: the decisions (ACTION_COLUMNS): hires starting, cross-training courses starting and
            temp bookings, one row per week, action and group, with the week to decide by.
        supply: per week index and group: headcount (incl. hires in training), in_course (away on a
            cross-training course), productive_fte.
        allocation: per week index, group and skill: the productive FTE working on that skill.
        summary: total_cost, hires, cross_trained, temp_agent_weeks, gap_fte_weeks, gap_weeks
            (ISO dates), peak_week, status, solve_seconds.
    """

    problem: CapacityProblem
    table: pd.DataFrame
    actions: pd.DataFrame
    supply: pd.DataFrame
    allocation: pd.DataFrame
    summary: dict = field(default_factory=dict)
