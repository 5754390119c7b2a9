"""Capacity planning: weekly required FTE per skill, and the hires, cross-training and temps to meet it."""

from scheduler.capacity.capacity_files import write_capacity_outputs
from scheduler.capacity.check import check_capacity
from scheduler.capacity.optimize import optimize_capacity
from scheduler.capacity.planning import capacity_problem, capacity_settings, grow_workload, plan_capacity
from scheduler.capacity.problem import ACTION_COLUMNS, CAPACITY_COLUMNS, CapacityPlan, CapacityProblem
from scheduler.capacity.requirements import weekly_required_fte
from scheduler.capacity.summary import format_capacity_summary
from scheduler.contracts.capacity_schema import CapacityConfig, CrossTraining, HireProfile, Hiring, TempPool

__all__ = [
    "ACTION_COLUMNS",
    "CAPACITY_COLUMNS",
    "CapacityConfig",
    "CapacityPlan",
    "CapacityProblem",
    "CrossTraining",
    "HireProfile",
    "Hiring",
    "TempPool",
    "capacity_problem",
    "capacity_settings",
    "check_capacity",
    "format_capacity_summary",
    "grow_workload",
    "optimize_capacity",
    "plan_capacity",
    "weekly_required_fte",
    "write_capacity_outputs",
]
