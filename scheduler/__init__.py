"""staffcast scheduling: center configuration, staffing requirements, rosters, evaluation, what-if."""

from staffcast.lazy_exports import lazy_exports

_EXPORTS = {
    "Agent": "scheduler.contracts.center",
    "Center": "scheduler.contracts.center",
    "TimeOff": "scheduler.contracts.center",
    "load_center": "scheduler.contracts.center",
    "CenterConfig": "scheduler.contracts.schema",
    "Queue": "scheduler.contracts.schema",
    "Shift": "scheduler.contracts.schema",
    "ConfigError": "staffcast.errors",
    "DataError": "staffcast.errors",
    "InfeasibleError": "staffcast.errors",
    "StaffcastError": "staffcast.errors",
    "erlang_b": "scheduler.queueing.erlang_c",
    "erlang_c_agents": "scheduler.queueing.erlang_c",
    "erlang_c_performance": "scheduler.queueing.erlang_c",
    "erlang_a_agents": "scheduler.queueing.erlang_a",
    "erlang_a_performance": "scheduler.queueing.erlang_a",
    "deferred_agents": "scheduler.queueing.deferred",
    "deferred_performance": "scheduler.queueing.deferred",
    "compute_requirements": "scheduler.staffing.requirements",
    "queue_performance": "scheduler.staffing.requirements",
    "SimulationOptions": "scheduler.evaluation.simulation",
    "SimulationResult": "scheduler.evaluation.simulation",
    "simulate_roster": "scheduler.evaluation.simulation",
    "Evaluation": "scheduler.evaluation.evaluate",
    "evaluate_roster": "scheduler.evaluation.evaluate",
    "agent_calendars": "scheduler.reports.hr_export",
    "daily_hours": "scheduler.reports.hr_export",
    "PlanResult": "scheduler.workflows.plan",
    "run_plan": "scheduler.workflows.plan",
    "Scenario": "scheduler.workflows.whatif",
    "ScenarioFile": "scheduler.workflows.whatif",
    "WhatIfResult": "scheduler.workflows.whatif",
    "load_scenarios": "scheduler.workflows.whatif",
    "run_whatif": "scheduler.workflows.whatif",
}

__all__ = list(_EXPORTS)
__getattr__ = lazy_exports("scheduler", _EXPORTS, globals())
