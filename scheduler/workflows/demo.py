"""The built-in demo: plan the flagship store's 11.11 month, then compare what-if scenarios.

The time budget (seconds, end to end on 2 cores) is split between the roster searches: the
forecast is made once and shared, the plan's roster (30 days) gets a fixed share, and the
scenarios' rosters (the 11.11 week, as the scenarios file says) run two at a time in what is left.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

DEMO_CENTER = "flagship_store"
DEMO_START = dt.date(2026, 11, 1)
DEMO_DAYS = 30
# Seconds outside the roster solvers, measured on 2 cores (demo of 2026-11-22: 263 s in all with
# limits of 70 s and 43 s; forecast 29 s, 30-day roster overhead 26 s, 7-day wave overhead 17 s).
FORECAST_SECONDS = 35  # start-up, history and the 30-day forecast of the flagship store
PLAN_OVERHEAD_SECONDS = 30  # 30-day roster model, greedy hint, extraction, check, evaluation
WRITE_SECONDS = 10  # plots and the HTML report
SCENARIO_OVERHEAD_SECONDS = 17  # per wave: worker start, 7-day roster model, extraction, evaluation
# CP-SAT needs about this long to find a first roster (flagship store, 30 days on 2 threads; 7 days on 1).
MIN_PLAN_ROSTER_SECONDS = 40
MIN_SCENARIO_ROSTER_SECONDS = 20
# The plan's 30-day roster is the headline; its search also reads the bound's LPs (about 6 s) and follows a
# forecast of about 19 s (demo of 2026-12-07: at 45% the best response got one pass, 718 agent-h understaffed).
PLAN_ROSTER_SHARE = 0.55


@dataclass(frozen=True)
class DemoBudget:
    """Solver time limits that keep the demo within `total_seconds` (the floors win when the budget is tiny)."""

    total_seconds: float
    plan_roster_seconds: float
    scenario_roster_seconds: float

    @property
    def plan_seconds(self) -> float:
        """The plan's time limit: its forecast, roster search and the work around it."""
        return FORECAST_SECONDS + PLAN_OVERHEAD_SECONDS + self.plan_roster_seconds

    @property
    def scenario_seconds(self) -> float:
        """Each scenario's time limit: requirements, roster search and evaluation."""
        return SCENARIO_OVERHEAD_SECONDS + self.scenario_roster_seconds


def split_budget(total_seconds: float, scenarios: int, processes: int = 2) -> DemoBudget:
    """Share what the solvers may use: PLAN_ROSTER_SHARE to the plan's roster, the rest to the scenario waves."""
    waves = math.ceil(scenarios / max(1, processes))
    solver_seconds = total_seconds - FORECAST_SECONDS - PLAN_OVERHEAD_SECONDS - WRITE_SECONDS - SCENARIO_OVERHEAD_SECONDS * waves
    plan_seconds = max(MIN_PLAN_ROSTER_SECONDS, PLAN_ROSTER_SHARE * solver_seconds)
    scenario_seconds = max(MIN_SCENARIO_ROSTER_SECONDS, (solver_seconds - plan_seconds) / waves)
    return DemoBudget(total_seconds, round(plan_seconds, 1), round(scenario_seconds, 1))


def run_demo(output: Path, total_seconds: float = 250, progress: Callable[[str], None] | None = None) -> dict[str, Path]:
    """Plan the flagship store for November 2026 and run its scenarios; write everything under `output`.

    Returns:
        Where to look: plan report, what-if report, comparison table, roster, HR export.
    """
    from scheduler import examples
    from scheduler.reports.folders import read_center_inputs, write_plan, write_whatif
    from scheduler.workflows.plan import run_plan
    from scheduler.workflows.whatif import load_scenarios, run_whatif

    say = progress or (lambda _message: None)
    started = time.perf_counter()
    center_path = examples.center_path(DEMO_CENTER)
    scenarios = load_scenarios(center_path.parent / "scenarios.yaml")
    budget = split_budget(total_seconds, len(scenarios.scenarios))
    say(
        f"time budget {total_seconds:g} s: the plan {budget.plan_seconds:g} s (roster search about {budget.plan_roster_seconds:g} s), "
        f"each scenario {budget.scenario_seconds:g} s (roster search about {budget.scenario_roster_seconds:g} s)"
    )
    center, history, events = read_center_inputs(center_path)
    plan = run_plan(center, history, events, DEMO_START, DEMO_DAYS, time_limit_seconds=budget.plan_seconds, progress=say)
    write_plan(plan, output / "plan")
    say(f"plan written after {time.perf_counter() - started:.0f} s; running {len(scenarios.scenarios)} scenarios")
    horizon = plan.forecast[
        (plan.forecast.interval_start >= str(scenarios.start))
        & (plan.forecast.interval_start < str(scenarios.start + dt.timedelta(days=scenarios.days)))
    ]
    whatif = run_whatif(center, horizon, events, scenarios, time_limit_seconds=budget.scenario_seconds, progress=say)
    write_whatif(whatif, output / "whatif", f"What-if: {center.config.name}")
    say(f"demo done in {time.perf_counter() - started:.0f} s")
    return {
        "plan report": output / "plan" / "report.html",
        "what-if report": output / "whatif" / "report.html",
        "scenario comparison": output / "whatif" / "comparison.csv",
        "roster (HR import)": output / "plan" / "roster.csv",
        "HR daily export": output / "plan" / "hr_daily.csv",
        "plots": output / "plan" / "plots",
    }
