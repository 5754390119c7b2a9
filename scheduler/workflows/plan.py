"""The whole chain for one center: forecast -> requirements -> roster -> evaluation (pure; no files)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from forecasts.history import History
from scheduler.contracts.center import Center
from scheduler.evaluation.evaluate import Evaluation, evaluate_roster
from scheduler.evaluation.simulation import SimulationOptions
from staffcast.deadline import Deadline

FORECAST_SHARE = 0.4
"""The share of a command's time limit its forecast may use; queues reached later skip their backtests (the
flagship store's 28-day forecast takes about 20 s on an idle machine, so limits of 60 s and more never cut it)."""
FINISH_SECONDS_PER_AGENT_DAY = 0.003
"""Evaluation, plots, report and the check of the written files, per agent and day planned (flagship store, 124
agents x 28 days: about 10 s on an idle machine); the roster search leaves at least this much of a plan's limit."""
ROSTER_LEAVES = 0.15
"""The share of the plan's time limit left after the roster search for evaluation, plots, the report and the check of
the written files (flagship store, 28 days: about 6 s of 60)."""


@dataclass(frozen=True)
class ForecastSource:
    """Where a plan's forecast came from: a line saying so, the forecaster's warnings, the adjustments
    applied (forecasts.adjustments.ADJUSTMENT_COLUMNS) and the approved file used as given (if any)."""

    description: str
    warnings: list[str] = field(default_factory=list)
    adjustments: pd.DataFrame | None = None
    given_path: Path | None = None


def center_forecast(
    center: Center,
    history: History,
    events: list,
    start: dt.date,
    days: int,
    *,
    progress: Callable[[str], None] | None = None,
    deadline: Deadline | None = None,
) -> tuple[pd.DataFrame, ForecastSource]:
    """Forecast the center's history for the horizon and apply its `forecast_adjustments` (rounded as written);
    with a command's `deadline`, the forecast may use FORECAST_SHARE of it before queues skip their backtests."""
    from forecasts import forecast_contacts
    from forecasts.adjustments import apply_adjustments
    from forecasts.forecast_csv import rounded_as_written

    share = deadline.portion(FORECAST_SHARE) if deadline else None
    result = forecast_contacts(history, events, start, days, progress=progress, deadline=share)
    table, applied = apply_adjustments(result.table, list(center.config.forecast_adjustments), str(center.source), "forecast_adjustments")
    described = f"forecast from the history ({', '.join(f'{q}: {c.model}' for q, c in result.models.items())})"
    return rounded_as_written(table), ForecastSource(described, list(result.warnings), applied)


def approved_forecast(center: Center, path: Path | str, start: dt.date, days: int) -> tuple[pd.DataFrame, ForecastSource]:
    """A forecast file the planner approved, checked against the center and the horizon, used as given.

    Raises:
        DataError: the file does not cover every queue and day of the horizon (naming the first gap).
    """
    from scheduler.contracts.plan_tables import read_approved_forecast

    table = read_approved_forecast(path, center.config, start, days)
    warnings = []
    if center.config.forecast_adjustments:
        warnings.append(
            f"{center.source}: forecast_adjustments are not applied to the approved forecast {path}, which is used as given; "
            "put the adjustments into that file (staffcast forecast --adjust) if it lacks them."
        )
    return table, ForecastSource(f"approved forecast {path}, used as given", warnings, None, Path(path))


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
    forecast_source: ForecastSource = field(default_factory=lambda: ForecastSource("forecast given by the caller"))


def run_plan(
    center: Center,
    history: History,
    events: list,
    start: dt.date,
    days: int,
    *,
    forecast: pd.DataFrame | None = None,
    forecast_source: ForecastSource | None = None,
    time_limit_seconds: float = 60,
    seed: int = 0,
    workers: int | None = None,
    simulation: SimulationOptions | None = None,
    previous: pd.DataFrame | None = None,
    backlog: pd.DataFrame | None = None,
    progress: Callable[[str], None] | None = None,
    deterministic: bool = False,
    deadline: Deadline | None = None,
) -> PlanResult:
    """Forecast contacts, staff every interval, build the roster and evaluate it.

    Args:
        center: the center with its agents and time off.
        history, events: the history and events (forecasts.read_history / read_events).
        start, days: the planned horizon.
        forecast: a forecast of this horizon made earlier (skips forecasting), described by `forecast_source`;
            without it the history is forecast and the center's forecast_adjustments applied.
        time_limit_seconds, seed, workers: the time limit of the whole chain (the roster search gets what the
            forecast left, less ROSTER_LEAVES of the limit or FINISH_SECONDS_PER_AGENT_DAY for evaluation and files),
            seed and solver threads.
        deterministic: count the limit in CP-SAT deterministic seconds (same files under any load).
        deadline: the command's deadline, begun before reading the files (then `time_limit_seconds` and
            `deterministic` are ignored).
        simulation: also simulate the roster with these options.
        previous: the roster before `start` (rest, streaks, weeks begun before it, the first day's early hours).
        backlog: tickets still open from before `start` (the previous plan's backlog.csv), worked off first.
        progress: receives a short message at each stage (and the roster search's incumbent and bound).
    """
    from scheduler.roster import build_roster
    from scheduler.roster.progress import format_progress
    from scheduler.staffing.requirements import compute_requirements

    say = progress or (lambda _message: None)
    deadline = deadline or Deadline(time_limit_seconds, deterministic)
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    if forecast is None:
        say("forecasting contacts")
        forecast, forecast_source = center_forecast(center, history, events, start, days, progress=progress, deadline=deadline)
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
    roster_deadline = deadline.portion(1 - _finishing_share(deadline, len(center.agents) * days))
    unit = "deterministic s" if deadline.deterministic else "s"
    say(f"building the roster (until {roster_deadline.seconds:g} {unit} of the {deadline.seconds:g} {unit} limit)")
    solver_progress = (lambda report: say("roster " + format_progress(report))) if progress else None
    roster = build_roster(
        center, requirements, start, days, seed=seed, workers=workers, previous=previous, progress=solver_progress, deadline=roster_deadline
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
        timings={} if deadline.deterministic else timings,  # wall-clock seconds would make the report differ run to run
        forecast_source=forecast_source or ForecastSource("forecast given by the caller"),
    )


def _finishing_share(deadline: Deadline, agent_days: int) -> float:
    """The share of the limit kept for what follows the roster: ROSTER_LEAVES, or more where the plan is big and the
    limit short (wall clock only: deterministic seconds count the solvers alone)."""
    if deadline.deterministic or deadline.seconds <= 0:
        return ROSTER_LEAVES
    return min(0.5, max(ROSTER_LEAVES, FINISH_SECONDS_PER_AGENT_DAY * agent_days / deadline.seconds))
