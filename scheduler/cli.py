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
    """Turn library errors into a clear message on stderr and exit code 1 (bugs keep their traceback)."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except StaffcastError as exc:
            print(f"error: {exc}", file=sys.stderr)
            raise typer.Exit(code=1) from None

    return run


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
    from scheduler.staffing.requirements import compute_requirements

    loaded = load_center(center)
    workload = read_workload(forecast, loaded.config)
    table = compute_requirements(loaded.config, workload)
    write_requirements(table, output)
    print(f"wrote {output}: {len(table)} queue-intervals, peak {int(table.agents_required.max())} agents on one queue")


@app.command()
@planner_errors
def roster(
    center: Annotated[Path, typer.Argument(help="Center YAML.")],
    requirements_csv: Annotated[Path, typer.Argument(metavar="REQUIREMENTS", help="Requirements CSV (from `staffcast requirements`).")],
    start: Annotated[datetime.datetime, typer.Option(formats=["%Y-%m-%d"], help="First day of the roster (YYYY-MM-DD).")],
    days: Annotated[int, typer.Option(min=1, max=42, help="Number of days (1-42).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for roster.csv, activities.csv, coverage.csv.")],
    time_limit: Annotated[float, typer.Option(min=1, help="Solver time limit in seconds.")] = 60,
    previous: Annotated[Path | None, typer.Option(help="The roster before START (rest, streaks, weeks begun before it, first night).")] = None,
    seed: Annotated[int, typer.Option(help="Random seed (same seed and workers: same roster).")] = 0,
    workers: Annotated[int | None, typer.Option(min=1, help="Solver threads (default: all cores).")] = None,
) -> None:
    """Build a 24/7 roster (shifts, breaks, queue activities) with CP-SAT; Ctrl-C keeps the best found."""
    from scheduler.contracts.center import load_center
    from scheduler.contracts.plan_tables import read_requirements, read_roster, write_roster_outputs
    from scheduler.roster import build_roster
    from scheduler.roster.progress import format_progress, format_summary

    loaded = load_center(center)
    table = read_requirements(requirements_csv, loaded.config)
    before = read_roster(previous) if previous else None
    result = build_roster(
        loaded,
        table,
        start.date(),
        days,
        time_limit_seconds=time_limit,
        seed=seed,
        workers=workers,
        previous=before,
        progress=lambda report: print(format_progress(report), file=sys.stderr),
    )
    if not result.check.ok:
        print(
            "error: the roster fails the independent check, so it was not written:\n  " + "\n  ".join(map(str, result.check.violations[:20])),
            file=sys.stderr,
        )
        raise typer.Exit(code=1)
    paths = write_roster_outputs(result.shifts, result.activities, result.coverage, output)
    _check_written(loaded, output, table, start.date(), days, before)
    print("\n".join(format_summary(result.summary) + [f"wrote {', '.join(str(p) for p in paths)}"]))


def _check_written(center, folder: Path, requirements, start: datetime.date, days: int, previous) -> None:
    """Re-read roster.csv and activities.csv from `folder` and check them; exit 1 naming every violation."""
    from scheduler.contracts.plan_tables import read_activities, read_roster
    from scheduler.roster import check_roster

    shifts, worked = read_roster(folder / "roster.csv"), read_activities(folder / "activities.csv", center.config)
    report = check_roster(center, shifts, worked, requirements, start, days, previous=previous)
    if not report.ok:
        print(f"error: the roster written to {folder} fails the independent check:\n" + _violation_lines(report.violations), file=sys.stderr)
        raise typer.Exit(code=1)


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
    import pandas as pd

    from scheduler.contracts.center import load_center
    from scheduler.contracts.plan_tables import read_activities, read_roster
    from scheduler.roster import check_roster
    from staffcast.errors import DataError

    loaded = load_center(center)
    shifts = read_roster(roster_csv)
    if shifts.empty:
        raise DataError(f"{roster_csv}: no shift rows, so there are no planned days to check; add the roster's shifts.")
    first, last = min(shifts.date), max(shifts.date)
    days = (last - first).days + 1
    worked = read_activities(activities, loaded.config) if activities else None
    before = read_roster(previous) if previous else None
    none_required = pd.DataFrame({"queue": [], "interval_start": pd.to_datetime([]), "agents_required": []})
    report = check_roster(loaded, shifts, worked, none_required, first, days, previous=before)
    scope = f"{len(shifts)} shifts of {shifts.agent_id.nunique()} agents, {first} to {last}" + ("" if activities else ", activities not checked")
    if not report.ok:
        print(f"{roster_csv}: {len(report.violations)} hard-rule violation(s) in {scope}:\n" + _violation_lines(report.violations))
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
) -> None:
    """Forecast contacts (with an 80% band) and AHT per queue and interval."""
    from forecasts import forecast_contacts, read_events, read_history, write_forecast

    past = read_history(history)
    calendar = read_events(events) if events else []
    for warning in past.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    result = forecast_contacts(past, calendar, start.date(), days, progress=_say)
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
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
    from staffcast.atomic import write_csv_atomic

    past = read_history(history)
    calendar = read_events(events) if events else []
    for warning in past.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    result = run_backtest(past, calendar, days, folds, progress=_say, on_warning=lambda warning: print(f"warning: {warning}", file=sys.stderr))
    print(format_backtest(result))
    if output:
        write_csv_atomic(result.round(5), output)
        print(f"wrote {output}")


def _say(message: str) -> None:
    print(message, file=sys.stderr)


@app.command()
@planner_errors
def capacity(
    center: Annotated[Path, typer.Argument(help="Center YAML (its capacity: section, agents, history and events).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for capacity.csv, capacity_actions.csv and the plots.")],
    weeks: Annotated[int, typer.Option(min=1, max=104, help="Weeks to plan.")] = 52,
    start: Annotated[
        datetime.datetime | None, typer.Option(help="First day of week 1 (default: the day after the history ends).", formats=["%Y-%m-%d"])
    ] = None,
    forecast: Annotated[Path | None, typer.Option(help="Forecast CSV to use instead of forecasting from the center's history.")] = None,
    time_limit: Annotated[
        float,
        typer.Option(min=1, help="Solver time limit in seconds (a safety net: the search stops after a fixed number of nodes, so runs repeat)."),
    ] = 120,
) -> None:
    """Weekly required vs available FTE per skill, and the hires, cross-training and temps that cover it at least cost."""
    from forecasts import forecast_contacts, read_events, read_history
    from scheduler.capacity import check_capacity, format_capacity_summary, plan_capacity, write_capacity_outputs
    from scheduler.contracts.center import load_center
    from scheduler.contracts.plan_tables import read_workload
    from staffcast.errors import ConfigError

    loaded = load_center(center)
    calendar = read_events(loaded.path("events")) if loaded.path("events") else []
    if forecast is None and loaded.path("history") is None:
        raise ConfigError(f"{center}: no history: field in the center YAML; add one or pass --forecast FORECAST.csv.")
    if forecast is not None:
        workload = read_workload(forecast, loaded.config)
        first = start.date() if start else workload.interval_start.min().date()
    else:
        history = read_history(loaded.path("history"))
        first = start.date() if start else history.table.interval_start.max().date() + datetime.timedelta(days=1)
        workload = forecast_contacts(history, calendar, first, 7 * weeks, progress=_say).table
    plan = plan_capacity(loaded, workload, first, weeks, time_limit_seconds=time_limit, progress=_say)
    problems = check_capacity(plan)
    if problems:
        raise RuntimeError("the capacity plan fails its independent check (a bug):\n" + "\n".join(problems[:20]))
    paths = write_capacity_outputs(plan, output, calendar)
    print(
        "\n".join(
            format_capacity_summary(plan)
            + ["  independent check: supply, gaps and costs recomputed week by week agree", f"wrote {', '.join(str(p) for p in paths)}"]
        )
    )


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
) -> None:
    """Service level, ASA, abandons, staffing gaps, hours and cost of a roster (analytic, and simulated with --simulate)."""
    from scheduler.contracts.center import load_center
    from scheduler.contracts.plan_tables import read_activities, read_roster, read_workload
    from scheduler.evaluation.evaluate import evaluate_roster, summary_text
    from scheduler.evaluation.simulation import SimulationOptions
    from scheduler.reports.folders import write_evaluation

    loaded = load_center(center)
    shifts = read_roster(roster_csv)
    worked = read_activities(activities or roster_csv.parent / "activities.csv", loaded.config)
    options = (
        SimulationOptions(
            replications=replications, seed=seed, handle_time_distribution=handle_times, handle_time_cv=handle_time_cv, overdispersion=overdispersion
        )
        if simulate
        else None
    )
    workload = read_workload(forecast_csv, loaded.config)
    result = evaluate_roster(loaded, shifts, worked, workload, has_previous=previous, simulation=options, progress=_say)
    paths = write_evaluation(result, output)
    print(summary_text(result) + f"\nwrote {', '.join(str(p) for p in paths)}")


@app.command()
@planner_errors
def plan(
    center: Annotated[Path, typer.Argument(help="Center YAML (with history, events, agents, time_off paths).")],
    start: Annotated[datetime.datetime, typer.Option(formats=["%Y-%m-%d"], help="First day of the plan (YYYY-MM-DD).")],
    days: Annotated[int, typer.Option(min=1, max=42, help="Number of days (1-42).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for every file of the chain, plots and report.html.")],
    time_limit: Annotated[float, typer.Option(min=1, help="Roster solver time limit in seconds.")] = 60,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    workers: Annotated[int | None, typer.Option(min=1, help="Solver threads (default: all cores).")] = None,
    simulate: Annotated[bool, typer.Option(help="Also simulate the roster (simpy, 5 replications).")] = False,
    team: Annotated[str | None, typer.Option(help="Team drawn in the Gantt chart (default: the largest).")] = None,
    previous: Annotated[Path | None, typer.Option(help="The roster before START (rest, streaks, weeks begun before it).")] = None,
) -> None:
    """The whole chain: forecast -> requirements -> roster -> evaluation, with plots and an HTML report."""
    from scheduler.contracts.plan_tables import read_roster
    from scheduler.evaluation.evaluate import summary_text
    from scheduler.evaluation.simulation import SimulationOptions
    from scheduler.reports.folders import read_center_inputs, write_plan
    from scheduler.workflows.plan import run_plan

    loaded, history, events = read_center_inputs(center)
    before = read_roster(previous) if previous else None
    result = run_plan(
        loaded,
        history,
        events,
        start.date(),
        days,
        time_limit_seconds=time_limit,
        seed=seed,
        workers=workers,
        simulation=SimulationOptions(seed=seed) if simulate else None,
        previous=before,
        progress=_say,
    )
    if result.roster.check is not None and not result.roster.check.ok:
        print(
            "error: the roster fails the independent check, so nothing was written:\n  " + "\n  ".join(map(str, result.roster.check.violations[:20])),
            file=sys.stderr,
        )
        raise typer.Exit(code=1)
    paths = write_plan(result, output, team=team)
    _check_written(loaded, output, result.requirements, start.date(), days, before)
    print(summary_text(result.evaluation, result.roster.status) + f"\nwrote {len(paths)} files under {output}; open {output / 'report.html'}")


@app.command()
@planner_errors
def whatif(
    scenarios_yaml: Annotated[Path, typer.Argument(metavar="SCENARIOS", help="Scenarios YAML (base center + named overrides).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for comparison.csv, plots, scenario rosters and report.html.")],
    time_limit: Annotated[float | None, typer.Option(min=1, help="Roster time limit per scenario (default: the file's).")] = None,
    processes: Annotated[int, typer.Option(min=1, help="Scenarios run at once, each in its own process.")] = 2,
    previous: Annotated[Path | None, typer.Option(help="The roster before the scenarios' start (rest, streaks, weeks begun before it).")] = None,
    cluster: Annotated[str | None, typer.Option(help="Dask scheduler address (tcp://HOST:PORT): run the scenarios on its workers.")] = None,
) -> None:
    """Run every scenario through requirements, roster and evaluation on one shared forecast and compare them."""
    from forecasts import forecast_contacts
    from scheduler.contracts.plan_tables import read_roster
    from scheduler.reports.folders import read_center_inputs, write_whatif
    from scheduler.workflows.whatif import load_scenarios, run_whatif, scenario_center_path

    spec = load_scenarios(scenarios_yaml)
    loaded, history, events = read_center_inputs(scenario_center_path(scenarios_yaml, spec))
    forecast = forecast_contacts(history, events, spec.start, spec.days, progress=_say).table
    before = read_roster(previous) if previous else None
    result = run_whatif(
        loaded, forecast, events, spec, time_limit_seconds=time_limit, processes=processes, cluster=cluster, previous=before, progress=_say
    )
    paths = write_whatif(result, output, f"What-if: {loaded.config.name}")
    print(result.comparison.drop(columns=["description"]).to_string(index=False) + f"\nwrote {len(paths)} files under {output}")
    _exit_if_interrupted(result.interrupted)


def _exit_if_interrupted(interrupted: bool) -> None:
    """After Ctrl-C the finished tasks were written; exit 130 (interrupted) so scripts know the rest is missing."""
    if interrupted:
        print("interrupted: the tasks that had finished were written; the others are marked cancelled", file=sys.stderr)
        raise typer.Exit(code=130)


@app.command()
@planner_errors
def network(
    network_yaml: Annotated[Path, typer.Argument(metavar="NETWORK", help="Network YAML (sites, each a center YAML; start, days, time limit).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for one plan folder per site, network.csv and report.html.")],
    time_limit: Annotated[float | None, typer.Option(min=1, help="Roster time limit per site (default: the file's).")] = None,
    processes: Annotated[int, typer.Option(min=1, help="Sites planned at once, each in its own process.")] = 2,
    cluster: Annotated[str | None, typer.Option(help="Dask scheduler address (tcp://HOST:PORT): plan the sites on its workers.")] = None,
) -> None:
    """Plan every site of a network (forecast, requirements, roster, evaluation) and compare the sites side by side."""
    from scheduler.reports.network_files import format_network, read_network_sites, write_network
    from scheduler.workflows.network import load_network, run_network

    spec = load_network(network_yaml)
    sites = read_network_sites(network_yaml, spec)
    result = run_network(spec, sites, time_limit_seconds=time_limit, processes=processes, cluster=cluster, progress=_say)
    paths = write_network(result, spec, output, f"Network plan: {network_yaml.stem}")
    print(format_network(result.table) + f"\nwrote {len(paths)} files under {output}; open {output / 'report.html'}")
    _exit_if_interrupted(result.interrupted)


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
) -> None:
    """HR exports of a roster: per-agent daily rows with paid/unpaid/night/weekend minutes, or an iCalendar file per agent."""
    from scheduler.contracts.center import load_center
    from scheduler.contracts.plan_tables import read_roster
    from scheduler.reports.folders import write_exports
    from scheduler.reports.hr_export import FORMATS

    if export_format not in FORMATS:
        raise typer.BadParameter(f"'{export_format}' is not one of {', '.join(FORMATS)}", param_hint="--format")
    paths = write_exports(load_center(center), read_roster(roster_csv), output, export_format, datetime.datetime.now(datetime.UTC))
    print(f"wrote {len(paths)} file(s): {paths[0] if len(paths) == 1 else output}")


if __name__ == "__main__":
    app()
