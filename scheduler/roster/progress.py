"""The roster search's progress reports, and one-line texts for them and for the summary (the CLI prints them)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RosterProgress:
    """One improving roster: the stage that found it, seconds since the search began, its objective (weight
    units), the best bound so far, the relative gap, understaffed agent-hours, and the pass (best response) or
    iteration (large-neighbourhood search)."""

    stage: str
    elapsed_seconds: float
    objective: float
    bound: float
    gap: float
    understaffed_agent_hours: float
    passes: int | None = None


def format_progress(report: RosterProgress) -> str:
    """'  12.3 s  objective 1,234,567  bound 1,200,000  gap 2.8%  understaffed 45.5 agent-h'."""
    return (
        f"{report.elapsed_seconds:7.1f} s  objective {report.objective:,.1f}  bound {report.bound:,.1f}  "
        f"gap {report.gap:.1%}  understaffed {report.understaffed_agent_hours:,.1f} agent-h"
    )


def format_summary(summary: dict) -> list[str]:
    """The roster summary as a few lines."""
    penalties = ", ".join(f"{rule} {value:,.1f}" for rule, value in summary["penalties"].items() if value)
    return [
        f"{summary['status'].lower()} roster: {summary['shifts']} shifts for {summary['agents']} agents, "
        f"{summary['paid_hours']:,.1f} paid hours, solved in {summary['solve_seconds']:.1f} s",
        f"understaffed {summary['understaffed_agent_hours']:,.1f} agent-hours, overstaffed {summary['overstaffed_agent_hours']:,.1f}",
        f"objective {summary['objective']:,.1f} (bound {summary['bound']:,.1f}, gap {summary['gap']:.1%}; checker "
        f"{summary['checker_objective']:,.1f}, {summary['violations']} hard-rule violations)",
        f"penalties: {penalties or 'none'}",
    ]
