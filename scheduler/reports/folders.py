"""The files of evaluate, plan and whatif: CSVs, PNG plots and the HTML report (all written atomically).

The library computes (evaluation, plan, whatif); this module is the one place that lays their
results out as files, so the CLI commands stay thin.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from scheduler.contracts.center import Center
from scheduler.contracts.plan_tables import COVERAGE_COLUMNS
from scheduler.evaluation.evaluate import ROUTING_NOTE, Evaluation, format_finite, headline_lines, summary_table, summary_text
from scheduler.reports.hr_export import agent_calendars, daily_hours
from scheduler.reports.html import Section, figure_png, render_report
from scheduler.roster.progress import quality_lines
from staffcast.atomic import write_atomic, write_csv_atomic
from staffcast.errors import ConfigError

SCENARIO_METRICS = {
    "cost": "cost of paid hours with overtime, rest-day, holiday and night premiums",
    "paid_hours": "paid hours",
    "service_level": "service level (all queues)",
    "asa_seconds": "ASA, voice + chat (s)",
    "abandon_rate": "abandon rate, voice + chat",
    "understaffed_agent_hours": "understaffed agent-hours",
    "occupancy": "occupancy",
}


def read_center_inputs(center_path: Path | str) -> tuple[Center, pd.DataFrame, list]:
    """The center with its history and events, as plan and whatif need them.

    Raises:
        ConfigError: when the center YAML names no history file.
    """
    from forecasts import read_events, read_history
    from scheduler.contracts.center import load_center

    center = load_center(center_path)
    history_path = center.path("history")
    if history_path is None:
        raise ConfigError(f"{center.source}: field history is missing; planning needs the contact history (e.g. history: history.csv).")
    events_path = center.path("events")
    return center, read_history(history_path), read_events(events_path) if events_path else []


def _stamp(frame: pd.DataFrame, column: str = "interval_start") -> pd.DataFrame:
    out = frame.copy()
    out[column] = pd.to_datetime(out[column]).dt.strftime("%Y-%m-%d %H:%M")
    return out


def save_png(figure: Figure, path: Path, dpi: int = 110) -> bytes:
    png = figure_png(figure, dpi)
    write_atomic(path, lambda tmp: tmp.write_bytes(png))
    _release(figure)
    return png


def _release(figure) -> None:
    """Close pyplot-managed figures (forecasts.plot_forecast uses pyplot); plain Figures need nothing."""
    import matplotlib.pyplot as plt

    if plt.fignum_exists(getattr(figure, "number", -1)):
        plt.close(figure)


def write_evaluation(evaluation: Evaluation, directory: Path | str, *, roster_lines: Sequence[str] = ()) -> list[Path]:
    """coverage.csv (contract), summary.csv, summary.txt, service_by_day.csv, worst_intervals.csv, agent_hours.csv
    and, when simulated, simulation.csv (per queue and interval, means and 95% intervals)."""
    directory = Path(directory)
    coverage = _stamp(evaluation.coverage[COVERAGE_COLUMNS])
    for column, digits in (("service_level", 4), ("asa_seconds", 2), ("abandon_rate", 4), ("occupancy", 4)):
        coverage[column] = coverage[column].astype(float).round(digits)
    files = {
        "coverage.csv": coverage,
        "summary.csv": summary_table(evaluation).assign(value=lambda f: f.value.map(lambda v: round(v, 6) if isinstance(v, float) else v)),
        "service_by_day.csv": evaluation.daily.round(4),
        "worst_intervals.csv": _stamp(evaluation.worst).round(4),
        "agent_hours.csv": evaluation.agents.round(2),
    }
    if evaluation.simulation is not None:
        files["simulation.csv"] = _stamp(evaluation.simulation.intervals).round(4)
        files["simulation_assigned.csv"] = _stamp(evaluation.simulation_assigned.intervals).round(4)
    paths = []
    for name, frame in files.items():
        write_csv_atomic(frame, directory / name)
        paths.append(directory / name)
    write_atomic(directory / "summary.txt", lambda tmp: tmp.write_text(summary_text(evaluation, roster_lines) + "\n", encoding="utf-8"))
    return paths + [directory / "summary.txt"]


def write_exports(center: Center, shifts: pd.DataFrame, path: Path | str, export_format: str, generated_at: dt.datetime) -> list[Path]:
    """HR exports: `daily` -> one CSV; `ics` -> a folder with one .ics per agent; `roster` -> roster.csv rows."""
    path = Path(path)
    if export_format == "daily":
        write_csv_atomic(daily_hours(center, shifts), path)
        return [path]
    if export_format == "ics":
        written = []
        for agent_id, text in agent_calendars(center, shifts, generated_at).items():
            target = path / f"{agent_id}.ics"
            write_atomic(target, lambda tmp, body=text: tmp.write_bytes(body.encode("utf-8")))
            written.append(target)
        return written
    roster = shifts[["agent_id", "date", "shift", "start", "end", "paid_minutes", "breaks"]].copy()
    roster["date"] = pd.to_datetime(roster.date).dt.strftime("%Y-%m-%d")
    for column in ("start", "end"):
        roster[column] = pd.to_datetime(roster[column]).dt.strftime("%Y-%m-%d %H:%M")
    write_csv_atomic(roster, path)
    return [path]


# --- report tables -------------------------------------------------------------------------------


def _percent(value: float, digits: int = 1) -> str:
    return "" if pd.isna(value) else f"{100 * value:.{digits}f}%"


def _hours(value: float) -> str:
    return format_finite(value, ",.1f", "")


def headline_table(evaluation: Evaluation) -> pd.DataFrame:
    """The figures a manager reads first, as text."""
    t = evaluation.totals
    rows = [
        ("Service level, all queues (volume-weighted)", _percent(t["service_level"])),
        ("Average speed of answer, voice + chat", format_finite(t["asa_seconds"], ",.1f", "") + " s"),
        ("Abandoned, voice + chat", _percent(t["abandon_rate"], 2)),
        ("Occupancy", _percent(t["occupancy"])),
        ("Understaffed agent-hours", format_finite(t["understaffed_agent_hours"], ",.1f", "")),
        ("Overstaffed agent-hours", format_finite(t["overstaffed_agent_hours"], ",.1f", "")),
        ("Paid hours", format_finite(t["paid_hours"], ",.1f", "")),
        (f"Cost ({t['currency']})", format_finite(t["cost"], ",.0f", "")),
        (
            f"of which premiums ({t['currency']})",
            format_finite(t["premium_cost"], ",.0f", "")
            + f" (overtime {t['overtime_hours']:,.1f} h, rest days {t['rest_day_hours']:,.1f} h, "
            + f"holidays {t['holiday_hours']:,.1f} h, night allowance)",
        ),
        ("Agents rostered", f"{t['agents_rostered']:.0f} of {t['agents_available']:.0f}"),
        (
            "Paid hours per agent (min / median / max)",
            f"{t['paid_hours_per_agent_min']:.1f} / {t['paid_hours_per_agent_median']:.1f} / {t['paid_hours_per_agent_max']:.1f}",
        ),
        (
            "Night shifts per agent (min / median / max)",
            f"{t['night_shifts_per_agent_min']:.0f} / {t['night_shifts_per_agent_median']:.0f} / {t['night_shifts_per_agent_max']:.0f}",
        ),
        (
            "Weekend days per agent (min / median / max)",
            f"{t['weekend_days_per_agent_min']:.0f} / {t['weekend_days_per_agent_median']:.0f} / {t['weekend_days_per_agent_max']:.0f}",
        ),
    ]
    return pd.DataFrame(rows, columns=["measure", "value"])


def queue_display(evaluation: Evaluation) -> pd.DataFrame:
    """Per queue service, as text."""
    q = evaluation.queues
    table = pd.DataFrame(
        {
            "queue": q.queue,
            "channel": q.channel,
            "contacts": q.contacts.map(lambda v: format_finite(v, ",.0f", "")),
            "service level": q.service_level.map(_percent),
            "target": q.service_level_target.map(lambda v: _percent(v, 0)),
            "ASA (s)": q.asa_seconds.map(_hours),
            "abandoned": q.abandon_rate.map(lambda v: _percent(v, 2)),
            "occupancy": q.occupancy.map(_percent),
            "understaffed h": q.understaffed_agent_hours.map(_hours),
            "overstaffed h": q.overstaffed_agent_hours.map(_hours),
        }
    )
    if "simulated_service_level" in q:
        table["simulated SL, assigned queues"] = q.assigned_simulated_service_level.map(_percent)
        table["simulated SL, skill-based [95% interval]"] = [
            f"{_percent(m)} [{_percent(lo)}, {_percent(hi)}]"
            for m, lo, hi in zip(q.simulated_service_level, q.simulated_service_level_lo, q.simulated_service_level_hi)
        ]
        table["simulated abandoned"] = q.simulated_abandon_rate.map(lambda v: _percent(v, 2))
    return table


def daily_display(evaluation: Evaluation) -> pd.DataFrame:
    """Service level per day (rows) and queue (columns), as text."""
    pivot = evaluation.daily.pivot(index="date", columns="queue", values="service_level")
    ordered = [q for q in evaluation.queues.queue if q in pivot] + ["all"]
    return pivot[ordered].map(_percent).reset_index()


def plan_report(result, figures: dict[str, bytes]) -> str:
    """The plan's HTML report."""
    evaluation = result.evaluation
    config = result.center.config
    end = result.start + dt.timedelta(days=result.days - 1)
    roster = result.roster
    timing = ", ".join(f"{name.removesuffix('_seconds')} {seconds:.1f} s" for name, seconds in result.timings.items())
    sections = [
        Section(
            "Headline",
            [
                *headline_lines(evaluation),
                *quality_lines(roster.summary),
                f"Understaffing is priced at {config.weights.understaffing:g} per missing agent and interval "
                f"and late deferred work at {config.weights.late_work:g} per agent-interval of work per interval overdue, so the roster "
                "covers the requirements and deadlines wherever the agents, their contracts and the labor rules allow.",
            ],
            tables={"Key figures": headline_table(evaluation), "Service per queue": queue_display(evaluation)},
        ),
        Section(
            "Coverage",
            [
                "Required agents are gross (net requirement / (1 - shrinkage)); scheduled agents are on shift, on the queue and not on break. "
                "Red areas are understaffed."
            ],
            figures={"Required vs scheduled agents per queue": figures["coverage"], "Service level by day and hour": figures["service_heatmap"]},
        ),
        Section("Service by day", tables={"Service level per day and queue": daily_display(evaluation)}),
        Section("Worst intervals", tables={"Lowest service level (intervals with contacts)": _worst_display(evaluation)}),
        Section(
            "Roster",
            [f"{len(roster.shifts)} shifts for {int(evaluation.totals['agents_rostered'])} agents."],
            figures={
                f"Roster of team {name.removeprefix('roster_')}, leave shown": png for name, png in figures.items() if name.startswith("roster_")
            },
        ),
        forecast_section(result.forecast_source, {"Contact forecast": figures["forecast"]}),
    ]
    if evaluation.simulation is not None:
        sections.append(
            Section(
                "Simulation",
                [
                    f"Discrete-event simulation (simpy), {evaluation.simulation.replications} replications: Poisson arrivals, chat "
                    "concurrency, abandonment from patience, shrinkage as randomly absent agents; run twice, with agents kept on the queue "
                    "the roster assigned and with skill-based routing to the least-skilled available agent. Compare with the analytic "
                    "service level in the queue table above.",
                    ROUTING_NOTE,
                ],
            )
        )
    subtitle = f"{config.name}: {result.start:%Y-%m-%d} to {end:%Y-%m-%d} ({result.days} days)." + (f" Timings: {timing}." if timing else "")
    return render_report(f"Staffing plan: {config.name}", subtitle, sections)


def forecast_section(source, figures: dict[str, bytes]) -> Section:
    """Where the forecast came from, the adjustments a planner made to it (with reasons) and its warnings."""
    from forecasts.adjustments import ADJUSTMENT_COLUMNS

    paragraphs = [f"Forecast: {source.description}." + (" Contacts per interval with the 80% band; event days shaded." if figures else "")]
    paragraphs += [f"Warning: {warning}" for warning in source.warnings]
    tables = {}
    if source.adjustments is not None and len(source.adjustments):
        shown = source.adjustments[ADJUSTMENT_COLUMNS].drop(columns=["entry"]).copy()
        for column in ("contacts_before", "contacts_after"):
            shown[column] = shown[column].map(lambda v: f"{v:,.0f}")
        tables["Forecast adjustments (applied in this order)"] = shown.rename(columns=lambda c: c.replace("_", " "))
    elif source.adjustments is not None:
        paragraphs.append("No forecast adjustments (forecast_adjustments in the center YAML).")
    return Section("Forecast", paragraphs, tables, figures)


def _write_forecast_file(source, forecast: pd.DataFrame, path: Path) -> None:
    """forecast.csv: the approved file byte for byte when one was given, else the forecast as computed."""
    from forecasts import write_forecast

    if source.given_path is not None:
        data = Path(source.given_path).read_bytes()
        write_atomic(path, lambda tmp: tmp.write_bytes(data))
    else:
        write_forecast(forecast, path)


def _worst_display(evaluation: Evaluation) -> pd.DataFrame:
    w = evaluation.worst
    return pd.DataFrame(
        {
            "interval": pd.to_datetime(w.interval_start).dt.strftime("%Y-%m-%d %H:%M"),
            "queue": w.queue,
            "contacts": w.contacts.map(lambda v: format_finite(v, ",.0f", "")),
            "agents required": w.agents_required_gross,
            "agents scheduled": w.agents_scheduled,
            "service level": w.service_level.map(_percent),
        }
    )


# --- plan and what-if ----------------------------------------------------------------------------


def plan_figures(result, team: str | None = None) -> dict[str, Figure]:
    """The plan's figures: coverage, service heatmap, the forecast, and a Gantt chart of the plan per team
    (`roster_<team>`, leave shown; only `team` when given)."""
    from forecasts.plots import plot_forecast
    from scheduler.reports.plots import plot_coverage, plot_roster_gantt, plot_service_heatmap

    evaluation = result.evaluation
    agents = pd.DataFrame({"agent_id": [a.agent_id for a in result.center.agents], "team": [a.team for a in result.center.agents]})
    teams = [team] if team else sorted(agents.team.unique())
    unknown = [name for name in teams if name not in set(agents.team)]
    if unknown:
        raise ConfigError(f"--team {unknown[0]}: no agent of the center is in that team; the teams are {', '.join(sorted(agents.team.unique()))}.")
    time_off = pd.DataFrame([(t.agent_id, t.date, t.kind) for t in result.center.time_off], columns=["agent_id", "date", "kind"])
    figures = {
        "coverage": plot_coverage(evaluation.coverage, [q.id for q in result.center.config.queues], frozenset(evaluation.deferred)),
        "service_heatmap": plot_service_heatmap(evaluation.intervals),
        "forecast": plot_forecast(result.history.table, result.forecast, result.events, interval_minutes=result.center.config.interval_minutes),
    }
    for name in teams:
        figures[f"roster_{_file_safe(name)}"] = plot_roster_gantt(
            result.roster.shifts, agents, name, pd.Timestamp(result.start), result.days, time_off
        )
    return figures


def _file_safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)


def write_plan(result, directory: Path | str, *, team: str | None = None) -> list[Path]:
    """Every file of the chain: forecast, requirements, roster, activities, coverage, evaluation, the tickets open
    at the end (backlog.csv, for the next plan's --backlog), HR daily export, plots/*.png and report.html."""
    from scheduler.contracts.plan_tables import write_backlog, write_requirements, write_roster_outputs

    directory = Path(directory)
    _write_forecast_file(result.forecast_source, result.forecast, directory / "forecast.csv")
    write_requirements(result.requirements, directory / "requirements.csv")
    paths = [directory / "forecast.csv", directory / "requirements.csv"]
    paths += write_roster_outputs(result.roster.shifts, result.roster.activities, result.roster.coverage, directory)
    paths += write_evaluation(result.evaluation, directory, roster_lines=quality_lines(result.roster.summary))
    write_backlog(result.evaluation.open_backlog, directory / "backlog.csv")
    paths.append(directory / "backlog.csv")
    paths += write_exports(result.center, result.roster.shifts, directory / "hr_daily.csv", "daily", dt.datetime.now(dt.UTC))
    pngs = {}
    for name, figure in plan_figures(result, team).items():
        pngs[name] = save_png(figure, directory / "plots" / f"{name}.png")
        paths.append(directory / "plots" / f"{name}.png")
    write_atomic(directory / "report.html", lambda tmp: tmp.write_text(plan_report(result, pngs), encoding="utf-8"))
    return paths + [directory / "report.html"]


def side_by_side(table: pd.DataFrame, name_column: str) -> pd.DataFrame:
    """A table of one row per scenario (or site) turned to one column each (fits the page), shares as percent."""
    shown = table.astype(object)
    for column in shown.columns:
        if column.startswith("service_level") or column in ("abandon_rate", "occupancy"):
            shown[column] = shown[column].map(_percent)
    return shown.set_index(name_column).T.rename_axis("measure").reset_index()


def write_whatif(result, directory: Path | str, title: str, *, forecast_source=None, forecast: pd.DataFrame | None = None) -> list[Path]:
    """comparison.csv, plots (cost vs service level, bars per metric), each scenario's roster and summary, report.html;
    with `forecast_source`, also the shared forecast as forecast.csv and where it came from in the report."""
    from scheduler.reports.plots import plot_scenario_bars, plot_scenario_tradeoff

    directory = Path(directory)
    comparison = result.comparison
    write_csv_atomic(comparison, directory / "comparison.csv")
    paths = [directory / "comparison.csv"]
    if forecast_source is not None:
        _write_forecast_file(forecast_source, forecast, directory / "forecast.csv")
        paths.append(directory / "forecast.csv")
    for name, outcome in result.outcomes.items():
        if outcome.evaluation is None:
            continue
        folder = directory / "scenarios" / name
        paths += write_exports(outcome.center, outcome.shifts, folder / "roster.csv", "roster", dt.datetime.now(dt.UTC))
        write_atomic(folder / "summary.txt", lambda tmp, e=outcome.evaluation: tmp.write_text(summary_text(e) + "\n", encoding="utf-8"))
        paths.append(folder / "summary.txt")
    metrics = dict(SCENARIO_METRICS)
    metrics.update({c: f"service level {c.removeprefix('service_level_')}" for c in comparison.columns if c.startswith("service_level_")})
    pngs = {
        "tradeoff": save_png(plot_scenario_tradeoff(comparison), directory / "plots" / "cost_vs_service_level.png"),
        "metrics": save_png(plot_scenario_bars(comparison, metrics), directory / "plots" / "scenario_metrics.png"),
    }
    paths += [directory / "plots" / "cost_vs_service_level.png", directory / "plots" / "scenario_metrics.png"]
    shown = side_by_side(comparison.drop(columns=["description"]), "scenario")
    sections = [
        Section(
            "Scenarios side by side",
            [
                "Each scenario ran the whole chain (requirements, roster, evaluation) on the shared forecast; "
                "service levels are analytic (the staffing engine's queueing models on the agents each roster puts on each queue)."
            ],
            tables={"comparison.csv (required_paid_hours: what meeting every target takes; paid_hours: what the roster has)": shown},
        ),
        Section("Trade-offs", figures={"Cost vs service level": pngs["tradeoff"], "Metrics per scenario": pngs["metrics"]}),
    ]
    if forecast_source is not None:
        sections.append(forecast_section(forecast_source, {}))
    write_atomic(directory / "report.html", lambda tmp: tmp.write_text(render_report(title, "What-if comparison", sections), encoding="utf-8"))
    return paths + [directory / "report.html"]
