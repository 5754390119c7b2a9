"""staffcast scheduling: center configuration, staffing requirements, rosters, evaluation, what-if."""

from scheduler.center import Agent, Center, TimeOff, load_center
from scheduler.config import CenterConfig, Queue, Shift
from scheduler.errors import ConfigError, DataError, InfeasibleError, StaffcastError
from scheduler.erlang import erlang_b, erlang_c_agents, erlang_c_performance
from scheduler.erlang_a import erlang_a_agents, erlang_a_performance
from scheduler.deferred import deferred_agents, deferred_performance
from scheduler.staffing import compute_requirements, queue_performance
from scheduler.simulation import SimulationOptions, SimulationResult, simulate_roster
from scheduler.evaluation import Evaluation, evaluate_roster
from scheduler.export import agent_calendars, daily_hours
from scheduler.plan import PlanResult, run_plan
from scheduler.whatif import Scenario, ScenarioFile, WhatIfResult, load_scenarios, run_whatif

__all__ = [
    "Agent", "Center", "CenterConfig", "ConfigError", "DataError", "InfeasibleError", "Queue", "Shift",
    "StaffcastError", "TimeOff", "load_center",
    "compute_requirements", "deferred_agents", "deferred_performance", "erlang_a_agents", "erlang_a_performance",
    "erlang_b", "erlang_c_agents", "erlang_c_performance", "queue_performance",
    "Evaluation", "PlanResult", "Scenario", "ScenarioFile", "SimulationOptions", "SimulationResult", "WhatIfResult",
    "agent_calendars", "daily_hours", "evaluate_roster", "load_scenarios", "run_plan", "run_whatif", "simulate_roster",
]
