"""The `staffcast` command line: each command loads files, makes one library call and writes files.

Heavy libraries (statsmodels, ortools, matplotlib) are imported inside the commands so that
`staffcast --help` stays instant.
"""

from __future__ import annotations

import datetime
import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from staffcast.errors import StaffcastError
from staffcast.status_line import StatusLine

_say = StatusLine()
"""Progress of every command: one live line on a terminal, plain lines elsewhere."""

app = typer.Typer(
    help="staffcast: forecast contacts, staff queues and build 24/7 rosters for a customer-service center.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def main() -> None:
    """Forecast -> requirements -> roster -> evaluation; see README.md for the files each command reads and writes."""


def planner_errors(command: Callable) -> Callable:
    """Turn library errors into a clear message on stderr and exit code 1 (bugs keep their traceback); a Ctrl-C
    that a command does not defer ends it with exit code 130 (every file is written atomically, so none is half written)."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        _say.restart()
        try:
            return command(*args, **kwargs)
        except StaffcastError as exc:
            _say.close()
            print(f"error: {exc}", file=sys.stderr)
            raise typer.Exit(code=1) from None
        except KeyboardInterrupt:
            _say.close()
            print("interrupted (Ctrl-C): stopped before writing anything new.", file=sys.stderr)
            raise typer.Exit(code=130) from None
        finally:
            _say.close()

    return run


def keeps_best_on_ctrl_c(command: Callable) -> Callable:
    """Run a long command with Ctrl-C deferred: the search stops at its next safe point, the command finishes
    with the best result found so far, writes it (atomically) and says it was interrupted."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        from staffcast.interrupts import deferred_interrupt

        with deferred_interrupt() as stopped:
            result = command(*args, **kwargs)
            if stopped():
                print("interrupted (Ctrl-C): the search stopped early; what finished was written above.", file=sys.stderr)
            return result

    return run


def _command_deadline(time_limit: float, deterministic: bool):
    """The command's one deadline, counted from when the command began (its imports and file reading included)."""
    from staffcast.deadline import Deadline

    return Deadline(time_limit, deterministic, started=_say.started)


Deterministic = Annotated[
    bool,
    typer.Option(
        help="Count --time-limit in CP-SAT deterministic seconds: the same inputs, seed and workers give byte-identical files "
        "under any machine load (the wall-clock time then varies with the load)."
    ),
]


Output = Annotated[Path, typer.Option("-o", "--output", help="File to write.")]


@app.command()
@planner_errors
def requirements(
    center: Annotated[Path, typer.Argument(help="Center YAML.")],
    forecast: Annotated[Path, typer.Argument(help="CSV with queue, interval_start, contacts, aht_seconds (a forecast or past actuals).")],
    output: Output,
) -> None:
    """Agents needed per queue and interval to meet each queue's service target."""
    from scheduler.contracts.center import load_center
    from scheduler.contracts.plan_tables import read_workload, write_requirements
    from scheduler.staffing.requirements import compute_requirements, required_hours_lines
    from staffcast.atomic import check_output_file

    check_output_file(output)
    loaded = load_center(center)
    workload = read_workload(forecast, loaded.config)
    table = compute_requirements(loaded.config, workload)
    write_requirements(table, output)
    config = loaded.config
    print("\n".join(required_hours_lines(table, config.interval_minutes, loaded.agents, config.rules.standard_hours_per_week)))
    print(f"wrote {output}: {len(table)} queue-intervals, peak {int(table.agents_required.max())} agents on one queue")


@app.command()
@planner_errors
@keeps_best_on_ctrl_c
def roster(
    center: Annotated[Path, typer.Argument(help="Center YAML.")],
    requirements_csv: Annotated[Path, typer.Argument(metavar="REQUIREMENTS", help="Requirements CSV (from `staffcast requirements`).")],
    start: Annotated[datetime.datetime, typer.Option(formats=["%Y-%m-%d"], help="First day of the roster (YYYY-MM-DD).")],
    days: Annotated[int, typer.Option(min=1, max=42, help="Number of days (1-42).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for roster.csv, activities.csv, coverage.csv.")],
    time_limit: Annotated[float, typer.Option(min=1, help="Time limit of the whole command in seconds.")] = 60,
    previous: Annotated[Path | None, typer.Option(help="The roster before START (rest, streaks, weeks begun before it, first night).")] = None,
    seed: Annotated[int, typer.Option(help="Random seed (same seed and workers: same roster).")] = 0,
    workers: Annotated[int | None, typer.Option(min=1, help="Solver threads (default: all cores).")] = None,
    deterministic: Deterministic = False,
) -> None:
    """Build a 24/7 roster (shifts, breaks, queue activities) with CP-SAT; Ctrl-C keeps the best found."""
    deadline = _command_deadline(time_limit, deterministic)
    from scheduler.contracts.center import load_center
    from scheduler.contracts.plan_tables import read_requirements, read_roster, require_horizon, write_roster_outputs
    from scheduler.roster import build_roster
    from scheduler.roster.progress import format_progress, format_summary
    from staffcast.atomic import check_output_folder, write_into_folder

    check_output_folder(output)
    loaded = load_center(center)
    table = read_requirements(requirements_csv, loaded.config)
    require_horizon(table, loaded.config, start.date(), days, requirements_csv)
    before = read_roster(previous, known_agents=loaded) if previous else None
    report = lambda update: _say("roster " + format_progress(update))  # noqa: E731
    result = build_roster(loaded, table, start.date(), days, seed=seed, workers=workers, previous=before, progress=report, deadline=deadline)
    _say.close()
    _stop_on_violations(result.check)

    def write(folder: Path) -> list[Path]:
        paths = write_roster_outputs(result.shifts, result.activities, result.coverage, folder)
        _check_written(loaded, folder, table, start.date(), days, before)
        return paths

    paths = write_into_folder(output, write)
    print("\n".join(format_summary(result.summary) + [f"wrote {', '.join(str(p) for p in paths)}"]))


def _stop_on_violations(check) -> None:
    """Exit 1 without writing when the roster fails the independent check."""
    if check is not None and not check.ok:
        print(
            "error: the roster fails the independent check, so nothing was written:\n  " + "\n  ".join(map(str, check.violations[:20])),
            file=sys.stderr,
        )
        raise typer.Exit(code=1)


def _check_written(center, folder: Path, requirements, start: datetime.date, days: int, previous) -> None:
    """Re-read roster.csv and activities.csv from `folder` and check them; exit 1 naming every violation."""
    from scheduler.contracts.plan_tables import read_activities, read_roster
    from scheduler.roster import check_roster

    shifts, worked = read_roster(folder / "roster.csv"), read_activities(folder / "activities.csv", center.config)
    report = check_roster(center, shifts, worked, requirements, start, days, previous=previous)
    if not report.ok:
        print(f"error: the roster written to {folder} fails the independent check:\n" + _violation_lines(report.violations), file=sys.stderr)
        raise typer.Exit(code=1)


AllowViolations = Annotated[
    bool, typer.Option(help="Go on with a roster that breaks hard rules; the violations are listed in the output (violations.csv).")
]


def _check_entering(center, roster_csv: Path, shifts, activities, allow: bool) -> list:
    """The independent check of a roster given to a command: exit 1 listing the violations, or (allowed) warn and
    return them for the output."""
    violations = _hard_rule_violations(center, shifts, activities) if not shifts.empty else []
    if violations and not allow:
        print(
            f"error: {roster_csv} breaks {len(violations)} hard rule(s); fix the roster (staffcast check lists the same), or pass "
            f"--allow-violations to go on with them listed in the output:\n" + _violation_lines(violations),
            file=sys.stderr,
        )
        raise typer.Exit(code=1)
    if violations:
        print(f"warning: {roster_csv} breaks {len(violations)} hard rule(s), listed in the output:\n" + _violation_lines(violations), file=sys.stderr)
    return violations


def _hard_rule_violations(center, shifts, activities, previous=None) -> list:
    """The independent checker's violations of a roster over its own days (no requirements needed)."""
    import pandas as pd

    from scheduler.roster import check_roster

    first, last = min(shifts.date), max(shifts.date)
    none_required = pd.DataFrame({"queue": [], "interval_start": pd.to_datetime([]), "agents_required": []})
    return check_roster(center, shifts, activities, none_required, first, (last - first).days + 1, previous=previous).violations


def _write_violations(violations, path: Path) -> Path:
    """violations.csv: rule, agent_id, when, message (one row per violation)."""
    import pandas as pd

    from staffcast.atomic import write_csv_atomic

    rows = [{"rule": v.rule, "agent_id": v.agent or "", "when": v.when or "", "message": v.message} for v in violations]
    write_csv_atomic(pd.DataFrame(rows, columns=["rule", "agent_id", "when", "message"]), path)
    return path


def _violation_lines(violations) -> str:
    """One line per violation: rule, agent, date and time, what is wrong and what to change."""
    return "\n".join(f"  {v.rule:<32} {v.agent or '-':<10} {v.when or '-':<17} {v.message}" for v in violations)


@app.command()
@planner_errors
def check(
    center: Annotated[Path, typer.Argument(help="Center YAML.")],
    roster_csv: Annotated[Path, typer.Argument(metavar="ROSTER", help="Roster CSV, e.g. one a planner edited by hand.")],
    activities: Annotated[Path | None, typer.Option(help="Activities CSV to check too (breaks, queues, skills).")] = None,
    previous: Annotated[Path | None, typer.Option(help="The roster before it (rest, streaks, weeks begun before it).")] = None,
) -> None:
    """Check a roster against the center's hard rules: exit 0 with a summary, or exit 1 listing every violation."""
    from scheduler.contracts.center import load_center
    from scheduler.contracts.plan_tables import read_activities, read_roster
    from staffcast.errors import DataError

    loaded = load_center(center)
    shifts = read_roster(roster_csv)
    if shifts.empty:
        raise DataError(f"{roster_csv}: no shift rows, so there are no planned days to check; add the roster's shifts.")
    first, last = min(shifts.date), max(shifts.date)
    worked = read_activities(activities, loaded.config) if activities else None
    before = read_roster(previous) if previous else None
    violations = _hard_rule_violations(loaded, shifts, worked, before)
    scope = f"{len(shifts)} shifts of {shifts.agent_id.nunique()} agents, {first} to {last}" + ("" if activities else ", activities not checked")
    if violations:
        print(f"{roster_csv}: {len(violations)} hard-rule violation(s) in {scope}:\n" + _violation_lines(violations))
        raise typer.Exit(code=1)
    print(f"{roster_csv}: 0 hard-rule violations in {scope}")


@app.command()
@planner_errors
def forecast(
    history: Annotated[Path, typer.Argument(help="History CSV: queue, interval_start, contacts[, aht_seconds].")],
    start: Annotated[datetime.datetime, typer.Option(help="First forecast day (YYYY-MM-DD).", formats=["%Y-%m-%d"])],
    days: Annotated[int, typer.Option(min=1, help="Number of days to forecast.")],
    output: Output,
    events: Annotated[Path | None, typer.Option(help="Events YAML (promotions, holidays, ...).")] = None,
    plot: Annotated[Path | None, typer.Option(help="Also draw the forecast to this PNG.")] = None,
    adjust: Annotated[
        Path | None, typer.Option(help="Adjustments YAML: per queue and date range, multiply or set a daily total, with a reason (README).")
    ] = None,
) -> None:
    """Forecast contacts (with an 80% band) and AHT per queue and interval."""
    import dataclasses

    from forecasts import forecast_contacts, read_events, read_history, write_forecast
    from forecasts.adjustments import adjustment_lines, apply_adjustments, read_adjustments
    from staffcast.atomic import check_output_file

    for path in (output, plot):
        if path is not None:
            check_output_file(path)
    past = read_history(history)
    calendar = read_events(events) if events else []
    changes = read_adjustments(adjust) if adjust else []
    for warning in past.warnings:
        _say(f"warning: {warning}")
    result = forecast_contacts(past, calendar, start.date(), days, progress=_say)
    for warning in result.warnings:
        _say(f"warning: {warning}")
    if changes:
        table, applied = apply_adjustments(result.table, changes, str(adjust))
        result = dataclasses.replace(result, table=table)
        _say.close()
        print("\n".join(adjustment_lines(applied)))
    write_forecast(result.table, output)
    models = ", ".join(f"{queue}: {choice.model}" for queue, choice in result.models.items())
    print(f"wrote {output}: {len(result.table)} queue-intervals, {result.table.contacts.sum():.0f} contacts (models {models})")
    if plot:
        _plot_forecast(plot, past, result, calendar)


def _plot_forecast(path: Path, past, result, calendar) -> None:
    """Draw the forecast; a failure (no matplotlib, a folder that cannot be written) is reported, the CSV stays."""
    from forecasts.plots import plot_forecast
    from staffcast.atomic import write_atomic

    def draw(tmp: Path) -> None:
        plot_forecast(past.table, result.table, calendar, interval_minutes=result.interval_minutes).savefig(tmp, format="png", dpi=110)

    try:
        write_atomic(path, draw)
    except (ImportError, OSError, ValueError) as exc:
        print(f"error: the forecast CSV was written, but the plot {path} was not: {exc}", file=sys.stderr)
        raise typer.Exit(code=1) from None


@app.command()
@planner_errors
def backtest(
    history: Annotated[Path, typer.Argument(help="History CSV: queue, interval_start, contacts[, aht_seconds].")],
    days: Annotated[int, typer.Option(min=1, help="Days per fold.")],
    folds: Annotated[int, typer.Option(min=1, help="Number of consecutive folds at the end of the history.")],
    events: Annotated[Path | None, typer.Option(help="Events YAML.")] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Also write the table to this CSV.")] = None,
) -> None:
    """Rolling-origin backtest: WAPE, bias and 80% coverage per queue, against seasonal naive and a 4-week weekday mean."""
    from forecasts import backtest as run_backtest
    from forecasts import format_backtest, read_events, read_history
    from staffcast.atomic import check_output_file, write_csv_atomic

    if output is not None:
        check_output_file(output)
    past = read_history(history)
    calendar = read_events(events) if events else []
    for warning in past.warnings:
        _say(f"warning: {warning}")
    result = run_backtest(past, calendar, days, folds, progress=_say, on_warning=lambda warning: _say(f"warning: {warning}"))
    print(format_backtest(result))
    if output:
        write_csv_atomic(result.round(5), output)
        print(f"wrote {output}")


@app.command()
@planner_errors
@keeps_best_on_ctrl_c
def capacity(
    center: Annotated[Path, typer.Argument(help="Center YAML (its capacity: section, agents, history and events).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for capacity.csv, capacity_actions.csv and the plots.")],
    weeks: Annotated[int, typer.Option(min=1, max=104, help="Weeks to plan.")] = 52,
    start: Annotated[
        datetime.datetime | None,
        typer.Option(help="First day of week 1 (default: the first Monday after the history ends, or of the forecast).", formats=["%Y-%m-%d"]),
    ] = None,
    forecast: Annotated[Path | None, typer.Option(help="Forecast CSV to use instead of forecasting from the center's history.")] = None,
    time_limit: Annotated[
        float,
        typer.Option(
            min=1, help="Time limit of the whole command in seconds (a safety net: the search stops after a fixed node count, so runs repeat)."
        ),
    ] = 120,
) -> None:
    """Weekly required vs available FTE per skill, and the hires, cross-training and temps that cover it at least cost."""
    deadline = _command_deadline(time_limit, False)
    from forecasts import read_events, read_history
    from scheduler.capacity import check_capacity, format_capacity_summary, plan_capacity, write_capacity_outputs
    from scheduler.contracts.center import load_center
    from scheduler.contracts.plan_tables import read_workload
    from scheduler.workflows.plan import center_forecast
    from staffcast.atomic import check_output_folder, write_into_folder
    from staffcast.errors import ConfigError

    check_output_folder(output)
    loaded = load_center(center)
    calendar = read_events(loaded.path("events")) if loaded.path("events") else []
    if forecast is None and loaded.path("history") is None:
        raise ConfigError(f"{center}: no history: field in the center YAML; add one or pass --forecast FORECAST.csv.")
    if forecast is not None:
        workload = read_workload(forecast, loaded.config)
        first = start.date() if start else _monday_from(workload.interval_start.min().date())
    else:
        history = read_history(loaded.path("history"))
        first = start.date() if start else _monday_from(history.table.interval_start.max().date() + datetime.timedelta(days=1))
        workload, source = center_forecast(loaded, history, calendar, first, 7 * weeks, progress=_say, deadline=deadline)
        _tell_forecast(source)
    plan = plan_capacity(loaded, workload, first, weeks, progress=_say, deadline=deadline)
    problems = check_capacity(plan)
    if problems:
        raise RuntimeError("the capacity plan fails its independent check (a bug):\n" + "\n".join(problems[:20]))
    paths = write_into_folder(output, lambda folder: write_capacity_outputs(plan, folder, calendar))
    print(
        "\n".join(
            format_capacity_summary(plan)
            + ["  independent check: supply, gaps and costs recomputed week by week agree", f"wrote {', '.join(str(p) for p in paths)}"]
        )
    )


def _monday_from(day: datetime.date) -> datetime.date:
    """`day` when it is a Monday, else the next Monday."""
    return day + datetime.timedelta(days=-day.weekday() % 7)


@app.command()
@planner_errors
def evaluate(
    center: Annotated[Path, typer.Argument(help="Center YAML.")],
    roster_csv: Annotated[Path, typer.Argument(metavar="ROSTER", help="Roster CSV (from `staffcast roster` or `plan`).")],
    forecast_csv: Annotated[Path, typer.Argument(metavar="FORECAST", help="Forecast CSV (queue, interval_start, contacts, aht_seconds).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for coverage.csv and the summary files.")],
    activities: Annotated[Path | None, typer.Option(help="Activities CSV (default: activities.csv next to ROSTER).")] = None,
    simulate: Annotated[bool, typer.Option(help="Also simulate the roster (simpy), with 95% intervals.")] = False,
    replications: Annotated[int, typer.Option(min=2, help="Simulation replications.")] = 5,
    seed: Annotated[int, typer.Option(help="Simulation seed.")] = 0,
    handle_times: Annotated[str, typer.Option(help="Simulated handle times: exponential or lognormal.")] = "exponential",
    handle_time_cv: Annotated[float, typer.Option(help="Coefficient of variation of lognormal handle times.")] = 1.0,
    overdispersion: Annotated[float, typer.Option(help="Gamma-Poisson arrivals: variance = mean + this x mean^2 (0 = Poisson).")] = 0.0,
    previous: Annotated[bool, typer.Option(help="The roster continues a previous one: the first day's early hours count.")] = False,
    allow_violations: AllowViolations = False,
) -> None:
    """Service level, ASA, abandons, staffing gaps, hours and cost of a roster (analytic, and simulated with --simulate).

    The roster and its activities are checked first (hard rules, activities matching the shifts): exit 1 on a
    violation unless --allow-violations."""
    from scheduler.contracts.center import load_center
    from scheduler.contracts.plan_tables import read_activities, read_roster, read_workload
    from scheduler.evaluation.evaluate import evaluate_roster, summary_text
    from scheduler.evaluation.simulation import SimulationOptions
    from scheduler.reports.folders import write_evaluation
    from staffcast.atomic import check_output_folder, write_into_folder

    check_output_folder(output)
    loaded = load_center(center)
    shifts = read_roster(roster_csv)
    worked = read_activities(activities or roster_csv.parent / "activities.csv", loaded.config)
    violations = _check_entering(loaded, roster_csv, shifts, worked, allow_violations)
    options = (
        SimulationOptions(
            replications=replications, seed=seed, handle_time_distribution=handle_times, handle_time_cv=handle_time_cv, overdispersion=overdispersion
        )
        if simulate
        else None
    )
    workload = read_workload(forecast_csv, loaded.config)
    result = evaluate_roster(loaded, shifts, worked, workload, has_previous=previous, simulation=options, progress=_say)

    def write(folder: Path) -> list[Path]:
        paths = write_evaluation(result, folder)
        if violations:
            paths.append(_write_violations(violations, folder / "violations.csv"))
        return paths

    paths = write_into_folder(output, write)
    print(summary_text(result) + f"\nwrote {', '.join(str(p) for p in paths)}")


@app.command()
@planner_errors
@keeps_best_on_ctrl_c
def plan(
    center: Annotated[Path, typer.Argument(help="Center YAML (with history, events, agents, time_off paths).")],
    start: Annotated[datetime.datetime, typer.Option(formats=["%Y-%m-%d"], help="First day of the plan (YYYY-MM-DD).")],
    days: Annotated[int, typer.Option(min=1, max=42, help="Number of days (1-42).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for every file of the chain, plots and report.html.")],
    time_limit: Annotated[float, typer.Option(min=1, help="Time limit of the whole command in seconds (the roster search gets most of it).")] = 60,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    workers: Annotated[int | None, typer.Option(min=1, help="Solver threads (default: all cores).")] = None,
    simulate: Annotated[bool, typer.Option(help="Also simulate the roster (simpy, 5 replications).")] = False,
    team: Annotated[str | None, typer.Option(help="Team drawn in the Gantt chart (default: the largest).")] = None,
    previous: Annotated[Path | None, typer.Option(help="The roster before START (rest, streaks, weeks begun before it).")] = None,
    deterministic: Deterministic = False,
    backlog: Annotated[Path | None, typer.Option(help="Tickets still open before START: the previous plan's backlog.csv.")] = None,
    forecast: Annotated[Path | None, typer.Option(help="An approved forecast CSV, used as given (it must cover every queue and day).")] = None,
) -> None:
    """The whole chain: forecast -> requirements -> roster -> evaluation, with plots and an HTML report."""
    deadline = _command_deadline(time_limit, deterministic)
    from scheduler.contracts.plan_tables import read_backlog, read_roster
    from scheduler.evaluation.evaluate import summary_text
    from scheduler.evaluation.simulation import SimulationOptions
    from scheduler.reports.folders import read_center_inputs, write_plan
    from scheduler.roster.progress import quality_lines
    from scheduler.workflows.plan import approved_forecast, run_plan
    from staffcast.atomic import check_output_folder, write_into_folder

    check_output_folder(output)
    loaded, history, events = read_center_inputs(center)
    before = read_roster(previous, known_agents=loaded) if previous else None
    carried = read_backlog(backlog, loaded.config, start) if backlog else None
    workload, source = approved_forecast(loaded, forecast, start.date(), days) if forecast is not None else (None, None)
    result = run_plan(
        loaded,
        history,
        events,
        start.date(),
        days,
        forecast=workload,
        forecast_source=source,
        seed=seed,
        workers=workers,
        simulation=SimulationOptions(seed=seed) if simulate else None,
        previous=before,
        backlog=carried,
        progress=_say,
        deadline=deadline,
    )
    _tell_forecast(result.forecast_source)
    _stop_on_violations(result.roster.check)

    def write(folder: Path) -> list[Path]:
        paths = write_plan(result, folder, team=team)
        _check_written(loaded, folder, result.requirements, start.date(), days, before)
        return paths

    paths = write_into_folder(output, write)
    print(
        summary_text(result.evaluation, quality_lines(result.roster.summary))
        + f"\nwrote {len(paths)} files under {output}; open {output / 'report.html'}"
    )
    _warn_if_past(deadline, "plan")


def _warn_if_past(deadline, command: str) -> None:
    """Say so when a command ended well past its wall-clock limit (by more than 10% or 5 s)."""
    taken = deadline.elapsed()
    if not deadline.deterministic and taken - deadline.seconds > max(5.0, 0.1 * deadline.seconds):
        _say(
            f"warning: the {command} took {taken:.0f} s, past its {deadline.seconds:g} s limit: the roster model, its first (greedy) "
            f"roster, the evaluation and the checks always run to the end; give this center and horizon at least {taken:.0f} s."
        )


def _tell_forecast(source) -> None:
    """Say where the plan's forecast comes from, its warnings and the adjustments applied to it."""
    from forecasts.adjustments import adjustment_lines

    _say.close()
    print(f"forecast: {source.description}", file=sys.stderr)
    for warning in source.warnings:
        _say(f"warning: {warning}")
    if source.adjustments is not None:
        for line in adjustment_lines(source.adjustments):
            print(line, file=sys.stderr)


@app.command()
@planner_errors
@keeps_best_on_ctrl_c
def whatif(
    scenarios_yaml: Annotated[Path, typer.Argument(metavar="SCENARIOS", help="Scenarios YAML (base center + named overrides).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for comparison.csv, plots, scenario rosters and report.html.")],
    time_limit: Annotated[
        float | None, typer.Option(min=1, help="Time limit of each scenario's requirements, roster and evaluation (default: the file's).")
    ] = None,
    processes: Annotated[int, typer.Option(min=1, help="Scenarios run at once, each in its own process.")] = 2,
    previous: Annotated[Path | None, typer.Option(help="The roster before the scenarios' start (rest, streaks, weeks begun before it).")] = None,
    deterministic: Deterministic = False,
    forecast: Annotated[
        Path | None, typer.Option(help="An approved forecast CSV, used as given (overrides the scenarios file's forecast: field).")
    ] = None,
    cluster: Annotated[str | None, typer.Option(help="Dask scheduler address (tcp://HOST:PORT): run the scenarios on its workers.")] = None,
) -> None:
    """Run every scenario through requirements, roster and evaluation on one shared forecast and compare them."""
    from scheduler.contracts.plan_tables import read_roster
    from scheduler.reports.folders import read_center_inputs, write_whatif
    from scheduler.workflows.plan import approved_forecast, center_forecast
    from scheduler.workflows.whatif import load_scenarios, run_whatif, scenario_center_path, scenario_forecast_path
    from staffcast.atomic import check_output_folder, write_into_folder

    check_output_folder(output)
    spec = load_scenarios(scenarios_yaml)
    loaded, history, events = read_center_inputs(scenario_center_path(scenarios_yaml, spec))
    given = forecast or scenario_forecast_path(scenarios_yaml, spec)
    if given is not None:
        workload, source = approved_forecast(loaded, given, spec.start, spec.days)
    else:
        workload, source = center_forecast(loaded, history, events, spec.start, spec.days, progress=_say)
    _tell_forecast(source)
    before = read_roster(previous, known_agents=loaded) if previous else None
    result = run_whatif(
        loaded,
        workload,
        events,
        spec,
        time_limit_seconds=time_limit,
        processes=processes,
        cluster=cluster,
        previous=before,
        progress=_say,
        deterministic=deterministic,
    )
    _say.close()
    paths = write_into_folder(
        output, lambda folder: write_whatif(result, folder, f"What-if: {loaded.config.name}", forecast_source=source, forecast=workload)
    )
    print(result.comparison.drop(columns=["description"]).to_string(index=False) + f"\nwrote {len(paths)} files under {output}")


@app.command()
@planner_errors
@keeps_best_on_ctrl_c
def network(
    network_yaml: Annotated[Path, typer.Argument(metavar="NETWORK", help="Network YAML (sites, each a center YAML; start, days, time limit).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for one plan folder per site, network.csv and report.html.")],
    time_limit: Annotated[float | None, typer.Option(min=1, help="Time limit of each site's whole plan (default: the file's).")] = None,
    processes: Annotated[int, typer.Option(min=1, help="Sites planned at once, each in its own process.")] = 2,
    cluster: Annotated[str | None, typer.Option(help="Dask scheduler address (tcp://HOST:PORT): plan the sites on its workers.")] = None,
    deterministic: Deterministic = False,
) -> None:
    """Plan every site of a network (forecast, requirements, roster, evaluation) and compare the sites side by side."""
    from scheduler.reports.network_files import format_network, read_network_sites, write_network
    from scheduler.workflows.network import load_network, run_network
    from staffcast.atomic import check_output_folder, write_into_folder

    check_output_folder(output)
    spec = load_network(network_yaml)
    sites = read_network_sites(network_yaml, spec)
    result = run_network(spec, sites, time_limit_seconds=time_limit, processes=processes, cluster=cluster, progress=_say, deterministic=deterministic)
    _say.close()
    paths = write_into_folder(output, lambda folder: write_network(result, spec, folder, f"Network plan: {network_yaml.stem}"))
    print(format_network(result.table) + f"\nwrote {len(paths)} files under {output}; open {output / 'report.html'}")


@app.command()
@planner_errors
def demo(
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for the demo's plan and what-if.")] = Path("demo_output"),
    budget: Annotated[float, typer.Option(min=60, help="Time budget in seconds (2 cores); roster searches are sized to fit.")] = 250,
) -> None:
    """Plan the flagship store's 11.11 month and compare what-if scenarios (about 5 minutes on 2 cores)."""
    from scheduler.workflows.demo import run_demo

    places = run_demo(output, budget, progress=_say)
    print("\n".join(["demo done; where to look:"] + [f"  {name:<22} {path}" for name, path in places.items()]))


@app.command()
@planner_errors
def example(
    name: Annotated[str, typer.Argument(help="Example center (flagship_store, express_service) or network (express_network).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="New (or empty) folder for the example's files.")],
) -> None:
    """Write a runnable example center folder: center.yaml, agents, time off, events, scenarios and a generated history.csv."""
    from scheduler.examples import write_example

    paths = write_example(name, output)
    network = (output / "network.yaml").is_file()
    follow = (
        f"staffcast network {output / 'network.yaml'} -o OUTDIR"
        if network
        else f"staffcast plan {output / 'center.yaml'} --start DATE --days N -o OUTDIR"
    )
    print(f"wrote {output}: {', '.join(str(p.relative_to(output)) for p in paths)}\nnext: {follow}")


@app.command()
@planner_errors
def export(
    center: Annotated[Path, typer.Argument(help="Center YAML.")],
    roster_csv: Annotated[Path, typer.Argument(metavar="ROSTER", help="Roster CSV.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="CSV file (roster, daily) or folder (ics).")],
    export_format: Annotated[str, typer.Option("--format", help="roster | daily | ics (see README, HR export).")] = "daily",
    allow_violations: AllowViolations = False,
) -> None:
    """HR exports of a roster: per-agent daily rows with paid/unpaid/night/weekend/overtime/holiday minutes, or an
    iCalendar file per agent. The roster is checked against the hard rules first: exit 1 on a violation unless
    --allow-violations (then OUTPUT's violations are written beside it, or inside the ics folder)."""
    from scheduler.contracts.center import load_center
    from scheduler.contracts.plan_tables import read_roster
    from scheduler.reports.folders import write_exports
    from scheduler.reports.hr_export import FORMATS
    from staffcast.atomic import check_output_file, check_output_folder, write_into_folder

    if export_format not in FORMATS:
        raise typer.BadParameter(f"'{export_format}' is not one of {', '.join(FORMATS)}", param_hint="--format")
    in_folder = export_format == "ics"
    (check_output_folder if in_folder else check_output_file)(output)
    loaded, shifts, now = load_center(center), read_roster(roster_csv), datetime.datetime.now(datetime.UTC)
    violations = _check_entering(loaded, roster_csv, shifts, None, allow_violations)

    def write_ics(folder: Path) -> list[Path]:
        paths = write_exports(loaded, shifts, folder, "ics", now)
        return paths + ([_write_violations(violations, folder / "violations.csv")] if violations else [])

    if in_folder:
        paths = write_into_folder(output, write_ics)
    else:
        paths = write_exports(loaded, shifts, output, export_format, now)
        if violations:
            paths.append(_write_violations(violations, output.with_name(f"{output.stem}.violations.csv")))
    print(f"wrote {len(paths)} file(s): {paths[0] if len(paths) == 1 else output}")


if __name__ == "__main__":
    app()
