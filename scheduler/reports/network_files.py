"""The files of `staffcast network`: each site's inputs read, each site's plan folder, network.csv and report.html."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from scheduler.reports.folders import SCENARIO_METRICS, read_center_inputs, save_png, side_by_side, write_plan
from scheduler.reports.html import Section, render_report
from scheduler.workflows.network import NetworkFile, NetworkResult, SiteInputs, site_center_path
from staffcast.atomic import write_atomic, write_csv_atomic
from staffcast.errors import StaffcastError


def read_network_sites(network_path: Path | str, spec: NetworkFile) -> dict[str, SiteInputs | str]:
    """Each site's center, history and events; a site whose files are wrong gets the message instead (the others still run)."""
    sites: dict[str, SiteInputs | str] = {}
    for site in spec.sites:
        try:
            sites[site.name] = SiteInputs(*read_center_inputs(site_center_path(network_path, site)))
        except StaffcastError as exc:
            sites[site.name] = str(exc)
    return sites


def write_network(result: NetworkResult, spec: NetworkFile, directory: Path | str, title: str = "Network plan") -> list[Path]:
    """<site>/ (every file of `plan`) per planned site, network.csv (one row per site) and report.html (sites side by side).

    Each site's written roster is re-read and checked; a site whose files fail the check is marked failed in its row.
    """
    directory = Path(directory)
    table = result.table.copy()
    paths: list[Path] = []
    for name, plan in result.plans.items():
        paths += write_plan(plan, directory / name)
        problem = _written_roster_problem(plan, directory / name)
        if problem:
            table.loc[table.site == name, ["status", "message"]] = ["failed", problem]
    write_csv_atomic(table, directory / "network.csv")
    paths.append(directory / "network.csv")
    planned = table[table.status == "ok"]
    sections = [
        Section(
            "Sites side by side",
            [
                f"{len(planned)} of {len(table)} sites planned, {spec.start:%Y-%m-%d} + {spec.days} days; each site's full plan and "
                "report are in its own folder (<site>/report.html). Service levels are analytic, volume-weighted."
            ],
            tables={"network.csv": side_by_side(table, "site")},
        )
    ]
    if not planned.empty:
        from scheduler.reports.plots import plot_scenario_bars, plot_scenario_tradeoff

        metrics = {k: v for k, v in SCENARIO_METRICS.items() if k in planned}
        metrics["tickets_late"] = "tickets late (deferred queues)"
        pngs = {
            "Cost vs service level": save_png(
                plot_scenario_tradeoff(planned, "site", "Sites: cost vs service level"), directory / "plots" / "cost_vs_service_level.png"
            ),
            "Metrics per site": save_png(
                plot_scenario_bars(planned, metrics, "site", "Sites side by side"), directory / "plots" / "site_metrics.png"
            ),
        }
        paths += [directory / "plots" / "cost_vs_service_level.png", directory / "plots" / "site_metrics.png"]
        sections.append(Section("Trade-offs", figures=pngs))
    failed = table[table.status != "ok"]
    if not failed.empty:
        sections.append(Section("Sites without a plan", tables={"status and reason": failed[["site", "status", "message"]]}))
    write_atomic(directory / "report.html", lambda tmp: tmp.write_text(render_report(title, "Sites planned together", sections), encoding="utf-8"))
    return paths + [directory / "report.html"]


def _written_roster_problem(plan, folder: Path) -> str | None:
    """Re-read the site's roster.csv and activities.csv and check them (as `plan` does); the first violations, or None."""
    from scheduler.contracts.plan_tables import read_activities, read_roster
    from scheduler.roster import check_roster

    shifts, worked = read_roster(folder / "roster.csv"), read_activities(folder / "activities.csv", plan.center.config)
    report = check_roster(plan.center, shifts, worked, plan.requirements, plan.start, plan.days)
    if report.ok:
        return None
    return f"the roster written to {folder} fails the independent check: " + "; ".join(map(str, report.violations[:3]))


def format_network(table: pd.DataFrame) -> str:
    """network.csv as text for the terminal (no per-queue columns)."""
    shown = table[[c for c in table.columns if not c.startswith("service_level_") and c not in ("currency", "roster_status")]]
    return shown.to_string(index=False, na_rep="")
