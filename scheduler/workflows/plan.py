"""The whole chain for one center: forecast -> requirements -> roster -> evaluation (pure; no files)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from forecasts.history import History
from scheduler.contracts.center import Center
from scheduler.evaluation.evaluate import Evaluation, evaluate_roster
from scheduler.evaluation.simulation import SimulationOptions


@dataclass(frozen=True)
class PlanResult:
    """Every table of a plan, with the seconds each stage took."""

    center: Center
    start: dt.date
    days: int
    history: History
    events: list
    forecast: pd.DataFrame
    requirements: pd.DataFrame
    roster: object  # scheduler.roster.RosterResult
    evaluation: Evaluation
    timings: dict[str, float] = field(default_factory=dict)


def run_plan(
    center: Center,
    history: History,
    events: list,
    start: dt.date,
    days: int,
    *,
    forecast: pd.DataFrame | None = None,
    time_limit_seconds: float = 60,
    seed: int = 0,
    workers: int | None = None,
    simulation: SimulationOptions | None = None,
    previous: pd.DataFrame | None = None,
    backlog: pd.DataFrame | None = None,
    progress: Callable[[str], None] | None = None,
) -> PlanResult:
    """Forecast contacts, staff every interval, build the roster and evaluate it.

    Args:
        center: the center with its agents and time off.
        history, events: the history and events (forecasts.read_history / read_events).
        start, days: the planned horizon.
        forecast: a forecast of this horizon made earlier (skips forecasting).
        time_limit_seconds, seed, workers: the roster search.
        simulation: also simulate the roster with these options.
        previous: the roster before `start` (rest, streaks, weeks begun before it, the first day's early hours).
        backlog: tickets still open from before `start` (the previous plan's backlog.csv), worked off first.
        progress: receives a short message at each stage (and the roster search's incumbent and bound).
    """
    from forecasts import forecast_contacts
    from forecasts.forecast_csv import rounded_as_written
    from scheduler.roster import build_roster
    from scheduler.roster.progress import format_progress
    from scheduler.staffing.requirements import compute_requirements

    say = progress or (lambda _message: None)
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    if forecast is None:
        say("forecasting contacts")
        forecast = rounded_as_written(forecast_contacts(history, events, start, days, progress=progress).table)
    timings["forecast_seconds"] = time.perf_counter() - clock
    clock = time.perf_counter()
    say("computing staffing requirements")
    requirements = compute_requirements(center.config, forecast[["queue", "interval_start", "contacts", "aht_seconds"]])
    if backlog is not None and not backlog.empty:
        carried = backlog.assign(agents_required=0.0, agents_required_gross=0).reindex(columns=requirements.columns)
        requirements = pd.concat([carried, requirements], ignore_index=True).sort_values(["queue", "interval_start"])
        requirements = requirements.reset_index(drop=True)
    timings["requirements_seconds"] = time.perf_counter() - clock
    clock = time.perf_counter()
    say(f"building the roster (up to {time_limit_seconds:g} s)")
    solver_progress = (lambda report: say("  roster " + format_progress(report).strip())) if progress else None
    roster = build_roster(
        center,
        requirements,
        start,
        days,
        time_limit_seconds=time_limit_seconds,
        seed=seed,
        workers=workers,
        previous=previous,
        progress=solver_progress,
    )
    timings["roster_seconds"] = time.perf_counter() - clock
    clock = time.perf_counter()
    say("evaluating the roster" + (" (with simulation)" if simulation else ""))
    evaluation = evaluate_roster(
        center,
        roster.shifts,
        roster.activities,
        forecast,
        requirements=requirements,
        coverage=roster.coverage,
        start=start,
        has_previous=previous is not None,
        simulation=simulation,
        progress=progress,
    )
    timings["evaluation_seconds"] = time.perf_counter() - clock
    return PlanResult(
        center=center,
        start=start,
        days=days,
        history=history,
        events=events,
        forecast=forecast,
        requirements=requirements,
        roster=roster,
        evaluation=evaluation,
        timings=timings,
    )
