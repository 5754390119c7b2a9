"""Explaining why the hard rules cannot all hold, in a planner's words.

Coverage is soft and every hard rule concerns one agent, so the roster is infeasible exactly when some
agent's own rules conflict. Each agent gets a small model of its hard rules in which every rule
instance (rule, agent, day or week) is an assumption; CP-SAT's sufficient assumptions give a conflict,
shrunk by dropping assumptions that are not needed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
from ortools.sat.python import cp_model

from scheduler.contracts.center import Center
from scheduler.roster.model import RosterModel
from scheduler.roster.rules import RULE_DESCRIPTIONS, apply_rules
from staffcast.deadline import Deadline
from staffcast.interrupts import interrupted

_FIXES = {
    "weekly_hours_within_contract": "lower the agent's min_hours_per_week in agents.csv",
    "leave_days_off": "move or shorten the leave in time_off.csv",
    "min_days_off_per_week": "lower rules.min_days_off_per_week",
    "max_consecutive_workdays": "raise rules.max_consecutive_workdays",
    "min_rest_between_shifts": "lower rules.min_rest_hours or add start times",
    "max_nights_per_week": "raise rules.max_nights_per_week",
    "night_shifts_only_for_night_ok": "set night_ok for the agent or add day shifts",
    "earliest_start_latest_end": "widen the agent's earliest_start/latest_end or add start times",
    "shift_templates_per_contract": "add the agent's contract to a shift template's contracts",
    "max_consecutive_nights": "raise rules.max_consecutive_nights",
}


def _describe(rule: str, scopes: list[str], start: dt.date) -> str:
    """'leave_days_off (No shift starts on a day of approved leave) on 2025-11-10, 2025-11-11'."""
    days = [str(start + dt.timedelta(days=int(s.split()[1]))) for s in scopes if s.startswith("day ")]
    weeks = [str(start + dt.timedelta(days=int(s.split()[1]))) for s in scopes if s.startswith("week ")]
    text = f"{rule} ({RULE_DESCRIPTIONS[rule].rstrip('.')})"
    if days:
        text += f" on {', '.join(days)}"
    if weeks:
        text += f" in the week{'s' if len(weeks) > 1 else ''} from {', '.join(weeks)}"
    if "start" in scopes:
        text += " right after the previous roster"
    return text


def _conflict(model: cp_model.CpModel, assumptions: dict[int, tuple[str, str, str]], deadline: Deadline) -> list[tuple[str, str, str]] | None:
    """A small set of rule instances that cannot hold together, or None when they can (or when the time left
    does not tell); shrinking stops at Ctrl-C or the deadline with the conflict found so far."""

    def solve() -> int:
        solver.parameters.catch_sigint_signal = False
        deadline.limit_solver(solver.parameters)
        status = solver.solve(model)
        deadline.spend(solver.response_proto.deterministic_time)
        return status

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    if solve() != cp_model.INFEASIBLE:
        return None
    core = list(solver.sufficient_assumptions_for_infeasibility())
    for literal in list(core):
        if interrupted() or deadline.expired():
            break
        trial = [c for c in core if c != literal]
        model.clear_assumptions()
        model.add_assumptions([model.get_bool_var_from_proto_index(i) for i in trial])
        if solve() == cp_model.INFEASIBLE:
            core = trial
    return [assumptions[i] for i in core]


def explain_infeasibility(center: Center, start: dt.date, days: int, previous: pd.DataFrame | None, deadline: Deadline) -> str:
    """A message naming the conflicting rules, agents and days, and what a planner can change (the agents
    examined before Ctrl-C or the deadline, when one comes first)."""
    lines = []
    examined = 0
    for agent in center.agents:
        if interrupted() or deadline.expired():
            break
        examined += 1
        alone = dataclasses.replace(center, agents=[agent], time_off=[t for t in center.time_off if t.agent_id == agent.agent_id])
        own_previous = None if previous is None else previous.loc[previous.agent_id == agent.agent_id]
        m = RosterModel(alone, None, start, days, previous=own_previous, with_coverage=False, explain=True)
        apply_rules(m, with_coverage=False, hard_only=True)
        conflict = _conflict(m.model, m.assumptions, deadline)
        if conflict is None and deadline.expired():  # the solve may have run out of time: not examined
            examined -= 1
            break
        if conflict is None:
            continue
        scopes: dict[str, list[str]] = {}
        for rule, _, scope in conflict:
            scopes.setdefault(rule, []).append(scope)
        parts = [_describe(rule, where, start) for rule, where in scopes.items()]
        fixes = sorted({_FIXES[rule] for rule, _, _ in conflict if rule in _FIXES})
        lines.append(f"  agent {agent.agent_id}: " + "; together with ".join(parts) + (f". To fix: {' or '.join(fixes)}." if fixes else "."))
    cut = "" if examined == len(center.agents) else f"\n  (stopped after {examined} of {len(center.agents)} agents: Ctrl-C or the time limit)"
    if lines:
        return "the hard rules cannot all hold for these agents:\n" + "\n".join(lines) + cut
    if cut:
        return f"no roster was found, and the search for the agents whose rules conflict was cut short{cut}; raise --time-limit."
    return (
        f"no roster was found within the time limit of {deadline.seconds:g} s, although each agent's rules can hold "
        "on their own; raise --time-limit (or check that the break windows of each shift allow all breaks without overlap)."
    )
