"""The roster search's progress reports, and one-line texts for them and for the summary (the CLI prints them)."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class RosterProgress:
    """One improving roster: the stage that found it, seconds since the command began, its objective (weight
    units), the best proven bound so far and the relative gap (None while no bound is proven), understaffed
    agent-hours, and the pass (best response) or iteration (large-neighbourhood search)."""

    stage: str
    elapsed_seconds: float
    objective: float
    bound: float | None
    gap: float | None
    understaffed_agent_hours: float
    passes: int | None = None


def format_progress(report: RosterProgress) -> str:
    """'cp-sat  12.3 s  objective 1,234,567  bound 1,200,000  gap 2.8%  understaffed 45.5 agent-h' ('no bound yet'
    until a bound is proven; a bound of 0 proves nothing, every cost being non-negative)."""
    stage = report.stage + (f" pass {report.passes}" if report.passes is not None else "")
    return (
        f"{stage}  {report.elapsed_seconds:.1f} s  objective {_objective_text(report.objective)}  {_bound_text(report.bound, report.gap)}  "
        f"understaffed {report.understaffed_agent_hours:,.1f} agent-h"
    )


def _objective_text(objective: float) -> str:
    return "not priced (out of time)" if math.isnan(objective) else f"{objective:,.1f}"


def _bound_text(bound: float | None, gap: float | None) -> str:
    if bound is None or bound <= 0 or gap is None:
        return "no bound yet"
    return f"bound {bound:,.1f}  gap {gap:.1%}"


def format_summary(summary: dict) -> list[str]:
    """The roster summary as a few lines."""
    penalties = ", ".join(f"{rule} {value:,.1f}" for rule, value in summary["penalties"].items() if value)
    return [
        f"{summary['status'].lower()} roster: {summary['shifts']} shifts for {summary['agents']} agents, "
        f"{summary['paid_hours']:,.1f} paid hours, solved in {summary['solve_seconds']:.1f} s",
        f"understaffed {summary['understaffed_agent_hours']:,.1f} agent-hours, overstaffed {summary['overstaffed_agent_hours']:,.1f}",
        *(["interrupted (Ctrl-C): this is the best roster found before it, checked in full"] if summary.get("interrupted") else []),
        f"objective {summary['objective']:,.1f} ({_bound_text(summary['bound'], summary['gap']).replace('  ', ', ')}; checker "
        f"{summary['checker_objective']:,.1f}, {summary['violations']} hard-rule violations)",
        f"penalties: {penalties or 'none'}",
        *quality_lines(summary)[1:],
    ]


def quality_lines(summary: dict) -> list[str]:
    """How near the best possible the roster is, in words: its status and objective with the proven bound
    and gap, and the understaffed agent-hours that no roster could avoid (`scheduler.roster.bound`)."""
    bound, understaffed = summary["bound"], summary.get("understaffed_bound_agent_hours")
    if summary["objective"] <= 0:
        quality = "nothing to improve (no cost at all)"
    elif bound > 0 and summary["gap"] is not None:
        quality = f"proven bound {bound:,.1f} (no roster can cost less), gap {summary['gap']:.1%} = (objective - bound) / objective"
    else:
        quality = "no bound proven in the time given (a longer --time-limit gives the LP relaxation time to prove one)"
    lines = [f"Roster {summary['status']}: objective {summary['objective']:,.1f}, {quality}"]
    if understaffed is not None:
        lines.append(
            f"understaffing: at least {understaffed:,.1f} of the {summary['understaffed_agent_hours']:,.1f} understaffed agent-hours "
            "cannot be avoided by any roster of these agents under these rules (LP bound)"
        )
    return lines
