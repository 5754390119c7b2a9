"""The capacity library calls: forecast -> weekly required FTE -> optimized plan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

import pandas as pd

from scheduler.capacity.optimize import optimize_capacity
from scheduler.capacity.problem import CapacityPlan, CapacityProblem
from scheduler.capacity.requirements import weekly_required_fte
from scheduler.capacity.settings import resolve_settings
from scheduler.capacity.supply import absent_agents, build_groups
from scheduler.contracts.capacity_schema import CapacityConfig
from staffcast.deadline import Deadline


def capacity_settings(center, weeks: int, overrides: Mapping[str, object] | None = None) -> CapacityConfig:
    """The center's capacity settings for a `weeks`-long plan, with what-if overrides (dotted paths)."""
    return resolve_settings(center.config.capacity, center.config.skills, weeks, overrides, center.source)


def grow_workload(workload: pd.DataFrame, start: dt.date, growth_rate_per_year: float) -> pd.DataFrame:
    """Contacts scaled by (1 + growth) ** (years since `start`), on top of the forecast's own trend."""
    if growth_rate_per_year == 0:
        return workload
    years = (workload.interval_start - pd.Timestamp(start)).dt.total_seconds() / (365.25 * 86400)
    return workload.assign(contacts=workload.contacts * (1 + growth_rate_per_year) ** years.clip(lower=0))


def capacity_problem(center, requirements: pd.DataFrame, start: dt.date, weeks: int, settings: CapacityConfig) -> CapacityProblem:
    """The plan's inputs from per-interval net requirements (queue, interval_start, agents_required)."""
    groups, headcount, hire_group, moves = build_groups(center.agents, center.config, settings)
    required = weekly_required_fte(center.config, settings, requirements, start, weeks)
    return CapacityProblem(
        start=start,
        weeks=weeks,
        skills=center.config.skills,
        settings=settings,
        groups=groups,
        headcount=headcount,
        hire_group=hire_group,
        moves=moves,
        required=required,
        absent={key: away * (1 - settings.attrition_rate_per_week) ** key[1] for key, away in absent_agents(center, start, weeks).items()},
    )


def plan_capacity(
    center,
    forecast: pd.DataFrame,
    start: dt.date,
    weeks: int = 52,
    *,
    overrides: Mapping[str, object] | None = None,
    time_limit_seconds: float = 120.0,
    progress: Callable[[str], None] | None = None,
    deadline: Deadline | None = None,
) -> CapacityPlan:
    """Plan headcount, hiring, cross-training and temps for `weeks` weeks from `start`.

    Args:
        center: a loaded Center (config with its optional `capacity:` section, agents).
        forecast: queue, interval_start, contacts, aht_seconds covering the horizon (events included).
        start: the first day of week 0.
        weeks: the horizon.
        overrides: what-if changes as dotted capacity fields, e.g. {"attrition_rate_per_week": 0.01,
            "hiring.lead_weeks": 8, "growth_rate_per_year": 0.15}.
        time_limit_seconds: the limit of requirements and solves together.
        deadline: the command's deadline, begun before forecasting (then `time_limit_seconds` is ignored).
        progress: called with short progress messages.

    Raises:
        ConfigError: bad settings or overrides (negative attrition, unknown skill, lead time >= horizon).
        DataError: the forecast does not cover the horizon.
    """
    from scheduler.staffing.requirements import compute_requirements

    deadline = deadline or Deadline(time_limit_seconds)
    settings = capacity_settings(center, weeks, overrides)
    end = pd.Timestamp(start) + pd.Timedelta(days=7 * weeks)
    inside = forecast.loc[(forecast.interval_start >= pd.Timestamp(start)) & (forecast.interval_start < end)]
    workload = grow_workload(inside[["queue", "interval_start", "contacts", "aht_seconds"]], start, settings.growth_rate_per_year)
    if progress:
        progress(f"staffing requirements for {len(workload)} queue-intervals")
    requirements = compute_requirements(center.config, workload)
    problem = capacity_problem(center, requirements, start, weeks, settings)
    return optimize_capacity(problem, deadline=deadline, progress=progress)
