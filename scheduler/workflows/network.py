"""A network of sites planned together: each site's whole plan (forecast, requirements, roster, evaluation) is a task.

A network YAML lists the sites (each a center YAML, relative to the network file, with its own history,
agents, time off and events) and one horizon and time limit:

    start: 2026-11-02
    days: 7
    time_limit_seconds: 20          # each site's whole plan
    seed: 0
    sites:
      - {name: shenzhen_hub, center: shenzhen_hub/center.yaml}
      - {name: dongguan, center: dongguan/center.yaml}

Sites run as tasks (`scheduler.workflows.tasks`): in local processes or on a Dask cluster. A site that
fails (bad input, rules that cannot hold, a worker that died twice) gets its row with the reason; the
others finish.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import Field, model_validator

from scheduler.workflows.plan import PlanResult, run_plan
from staffcast.errors import StaffcastError
from staffcast.strict_model import StrictModel, load_listing, repeated_names

NETWORK_COLUMNS = ["site", "status", "cost", "currency", "paid_hours", "agents_rostered", "service_level"]
"""network.csv starts with these; `service_level_<queue>` of every queue of any site follow, then TAIL_COLUMNS."""
TAIL_COLUMNS = ["understaffed_agent_hours", "tickets_late", "roster_status", "message"]


class SiteEntry(StrictModel):
    """One site of the network file."""

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$", description="the site's folder name under the output")
    center: str = Field(description="the site's center YAML, relative to the network file")


class NetworkFile(StrictModel):
    """The network YAML."""

    start: dt.date
    days: int = Field(ge=1, le=42)
    time_limit_seconds: float = Field(60, gt=0)
    seed: int = 0
    sites: list[SiteEntry] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_names(self) -> NetworkFile:
        repeated = repeated_names(s.name for s in self.sites)
        if repeated:
            raise ValueError(f"site name(s) {', '.join(repeated)} appear more than once")
        return self


def load_network(path: Path | str) -> NetworkFile:
    """Read and validate a network YAML.

    Raises:
        ConfigError: naming the file, the site and the field.
    """
    return load_listing(path, NetworkFile, "network file", "sites", "site", "see the network file in the README", by_name=False)


def site_center_path(network_path: Path | str, site: SiteEntry) -> Path:
    """The site's center YAML, resolved relative to the network file."""
    return (Path(network_path).parent / site.center).resolve()


@dataclasses.dataclass(frozen=True)
class SiteInputs:
    """A site's parsed inputs, as they travel to a worker: the center (with agents and time off), history, events."""

    center: Any  # scheduler.contracts.center.Center
    history: Any  # forecasts.History
    events: list


@dataclasses.dataclass(frozen=True)
class SiteOutcome:
    """A site's plan, or why it has none."""

    name: str
    plan: PlanResult | None
    problem: str | None = None


@dataclasses.dataclass(frozen=True)
class NetworkResult:
    """network.csv as a frame (one row per site, in the file's order) and every plan that came back."""

    table: pd.DataFrame
    plans: dict[str, PlanResult]
    interrupted: bool = False


def plan_site(
    name: str, inputs: SiteInputs, start: dt.date, days: int, time_limit_seconds: float, seed: int, workers: int | None, deterministic: bool = False
) -> SiteOutcome:
    """One site's plan (a task): a problem of the inputs or rules that cannot hold comes back as the site's problem."""
    try:
        plan = run_plan(
            inputs.center,
            inputs.history,
            inputs.events,
            start,
            days,
            time_limit_seconds=time_limit_seconds,
            seed=seed,
            workers=workers,
            deterministic=deterministic,
        )
    except StaffcastError as exc:
        return SiteOutcome(name, None, f"{type(exc).__name__}: {exc}")
    check = plan.roster.check
    if check is not None and not check.ok:
        return SiteOutcome(name, None, "the roster fails the independent check: " + "; ".join(map(str, check.violations[:3])))
    return SiteOutcome(name, plan)


def run_network(
    spec: NetworkFile,
    sites: dict[str, SiteInputs | str],
    *,
    time_limit_seconds: float | None = None,
    processes: int = 2,
    cluster: str | None = None,
    progress: Callable[[str], None] | None = None,
    deterministic: bool = False,
) -> NetworkResult:
    """Plan every site whose inputs loaded, each as a task; a site given as a message (its inputs failed) only gets its row.

    Args:
        spec: the validated network file.
        sites: site name -> its inputs, or the message saying why they could not be read.
        time_limit_seconds: each site's whole plan (default: the file's).
        processes: sites planned at once in local processes (1 = in this process); ignored with `cluster`.
        cluster: a Dask scheduler address (tcp://HOST:PORT): the sites run on its workers instead.
        progress: receives a line per finished site and the tasks' progress.
        deterministic: limits counted in CP-SAT deterministic seconds (the same files on any machine and load).
    """
    from scheduler.workflows.tasks import Task, run_tasks, task_pool

    limit = time_limit_seconds if time_limit_seconds is not None else spec.time_limit_seconds
    runnable = [site.name for site in spec.sites if isinstance(sites[site.name], SiteInputs)]
    run = None
    if runnable:
        with task_pool(cluster, min(processes, len(runnable))) as pool:
            tasks = [
                Task(name, plan_site, (name, sites[name], spec.start, spec.days, limit, spec.seed, pool.solver_workers, deterministic))
                for name in runnable
            ]
            run = run_tasks(pool, tasks, progress=progress, announce=_finished)
    outcomes = run.results if run else {}
    rows = []
    for site in spec.sites:
        given = sites[site.name]
        if isinstance(given, str):
            rows.append(site_row(site.name, None, f"bad input: {given}"))
        elif site.name in outcomes:
            rows.append(site_row(site.name, outcomes[site.name].plan, outcomes[site.name].problem))
        elif site.name in run.failures:
            rows.append(site_row(site.name, None, f"task failed: {run.failures[site.name]}"))
        else:
            rows.append(site_row(site.name, None, "not run: interrupted (Ctrl-C)", status="cancelled"))
    plans = {name: outcome.plan for name, outcome in outcomes.items() if outcome.plan is not None}
    return NetworkResult(network_table(rows), plans, interrupted=bool(run and run.interrupted))


def _finished(name: str, outcome: SiteOutcome) -> str:
    if outcome.plan is None:
        return f"warning: site {name}: {outcome.problem}"
    return f"site {name} done (roster {outcome.plan.roster.status})"


def site_row(name: str, plan: PlanResult | None, problem: str | None, status: str = "failed") -> dict[str, Any]:
    """One network.csv row: the site's cost, hours, agents, service per queue, understaffing and late tickets."""
    if plan is None:
        return {"site": name, "status": status, "message": problem}
    evaluation = plan.evaluation
    totals = evaluation.totals
    row: dict[str, Any] = {
        "site": name,
        "status": "ok",
        "cost": round(float(totals["cost"]), 2),
        "currency": totals["currency"],
        "paid_hours": round(float(totals["paid_hours"]), 2),
        "agents_rostered": int(totals["agents_rostered"]),
        "service_level": round(float(totals["service_level"]), 4),
    }
    for queue in evaluation.queues.itertuples(index=False):
        row[f"service_level_{queue.queue}"] = round(float(queue.service_level), 4)
    row["understaffed_agent_hours"] = round(float(totals["understaffed_agent_hours"]), 2)
    row["tickets_late"] = round(float(evaluation.queues.tickets_late.fillna(0).sum()), 1)
    row["roster_status"] = str(plan.roster.status)
    row["message"] = ""
    return row


def network_table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The rows as network.csv: fixed columns first, the union of the sites' queues, then the tail."""
    queues = list(dict.fromkeys(key for row in rows for key in row if key.startswith("service_level_")))
    table = pd.DataFrame(rows, columns=NETWORK_COLUMNS + queues + TAIL_COLUMNS)
    return table.astype({"agents_rostered": "Int64"})  # a count, empty for a site without a plan
