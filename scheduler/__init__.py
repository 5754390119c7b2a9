"""staffcast scheduling: center configuration, staffing requirements, rosters, evaluation, what-if."""

from forecasts.lazy_exports import lazy_exports

_EXPORTS = {
    "Agent": "scheduler.center",
    "Center": "scheduler.center",
    "TimeOff": "scheduler.center",
    "load_center": "scheduler.center",
    "CenterConfig": "scheduler.config",
    "Queue": "scheduler.config",
    "Shift": "scheduler.config",
    "ConfigError": "scheduler.errors",
    "DataError": "scheduler.errors",
    "InfeasibleError": "scheduler.errors",
    "StaffcastError": "scheduler.errors",
    "erlang_b": "scheduler.erlang",
    "erlang_c_agents": "scheduler.erlang",
    "erlang_c_performance": "scheduler.erlang",
    "erlang_a_agents": "scheduler.erlang_a",
    "erlang_a_performance": "scheduler.erlang_a",
    "deferred_agents": "scheduler.deferred",
    "deferred_performance": "scheduler.deferred",
    "compute_requirements": "scheduler.staffing",
    "queue_performance": "scheduler.staffing",
    "SimulationOptions": "scheduler.simulation",
    "SimulationResult": "scheduler.simulation",
    "simulate_roster": "scheduler.simulation",
    "Evaluation": "scheduler.evaluation",
    "evaluate_roster": "scheduler.evaluation",
    "agent_calendars": "scheduler.export",
    "daily_hours": "scheduler.export",
    "PlanResult": "scheduler.plan",
    "run_plan": "scheduler.plan",
    "Scenario": "scheduler.whatif",
    "ScenarioFile": "scheduler.whatif",
    "WhatIfResult": "scheduler.whatif",
    "load_scenarios": "scheduler.whatif",
    "run_whatif": "scheduler.whatif",
}

__all__ = list(_EXPORTS)
__getattr__ = lazy_exports("scheduler", _EXPORTS, globals())
