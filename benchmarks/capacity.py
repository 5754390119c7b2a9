"""Capacity planning speed and outcome on both examples: a 52-week plan from 2026-11-01.

Times each stage of `staffcast capacity`: the 364-day forecast, the staffing requirements, the
capacity model (SCIP, 60 s limit) and the independent check; prints the outcome (hires, temps,
uncovered FTE-weeks, the 11.11 week, cost and the proven distance to the best possible plan).

Run: .venv/bin/python benchmarks/capacity.py
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from forecasts import forecast_contacts, read_events, read_history  # noqa: E402
from scheduler import (
    examples,  # noqa: E402
    load_center,  # noqa: E402
)
from scheduler.capacity import capacity_problem, capacity_settings, check_capacity, optimize_capacity  # noqa: E402
from scheduler.staffing.requirements import compute_requirements  # noqa: E402
from staffcast.deadline import Deadline

START = dt.date(2026, 11, 1)
WEEKS = 52
DOUBLE11_WEEK = "2026-11-08"


def run(name: str) -> dict:
    center = load_center(examples.center_path(name))
    history, events = read_history(center.path("history")), read_events(center.path("events"))
    began = time.perf_counter()
    forecast = forecast_contacts(history, events, START, 7 * WEEKS).table
    forecast_seconds = time.perf_counter() - began
    began = time.perf_counter()
    requirements = compute_requirements(center.config, forecast)
    settings = capacity_settings(center, WEEKS)
    problem = capacity_problem(center, requirements, START, WEEKS, settings)
    requirement_seconds = time.perf_counter() - began
    plan = optimize_capacity(problem, deadline=Deadline(60))
    began = time.perf_counter()
    problems = check_capacity(plan)
    check_seconds = time.perf_counter() - began
    peak = plan.table[plan.table.week == DOUBLE11_WEEK]
    summary = plan.summary
    return {
        "center": name,
        "forecast_s": forecast_seconds,
        "requirements_s": requirement_seconds,
        "solve_s": summary["solve_seconds"],
        "check_s": check_seconds,
        "status": summary["status"],
        "hires": summary["hires"],
        "courses": summary["cross_trained"],
        "temp_weeks": summary["temp_agent_weeks"],
        "gap_fte_weeks": summary["gap_fte_weeks"],
        "d11_required": peak.required_fte.sum(),
        "d11_gap": peak.gap.sum(),
        "cost_M": summary["total_cost"] / 1e6,
        "above_best": summary["objective"] - summary["bound"],
        "check": "ok" if not problems else f"{len(problems)} problems",
    }


def main() -> None:
    rows = [run(name) for name in examples.CENTER_NAMES]
    columns = list(rows[0])
    print(" | ".join(columns))
    for row in rows:
        print(" | ".join(f"{row[c]:.1f}" if isinstance(row[c], float) else str(row[c]) for c in columns))


if __name__ == "__main__":
    main()
