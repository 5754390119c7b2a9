"""The roster engine: 24/7 shift rosters with OR-Tools CP-SAT (model, rules, solve, hint, checker, explanations)."""

from scheduler.roster.checker import CheckReport, check_roster
from scheduler.roster.rules import RULES, Rule
from scheduler.roster.solve import RosterResult, build_roster

__all__ = ["RULES", "CheckReport", "RosterResult", "Rule", "build_roster", "check_roster"]
