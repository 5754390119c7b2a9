"""Roster at scale: a generated center (default 1,000 agents, 6 queues) over 28 days; prints one table.

The center comes from `scheduler.examples.scale.write_scale_center` in a temporary directory and its requirements
from its generated history (the planned days, as if forecast exactly). First the single-threaded phases
are timed on their own (model and rules, greedy roster and hint, extraction and independent check of
the greedy roster); then `build_roster` runs end to end and its roster goes through the independent
checker. Times are wall-clock seconds; first_roster_s counts from the call to `build_roster` (so it
includes building the model again). Required and understaffed agent-hours are gross (targets grossed up
for shrinkage, as the roster places them). Peak memory is the process's maximum resident set size.

    python benchmarks/roster_scale.py [--agents 1000] [--time-limit 900] [--workers 2] [--seed 0] [--verbose]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time

import pandas as pd

from scheduler.contracts.center import load_center
from scheduler.contracts.plan_tables import read_workload
from scheduler.examples.scale import SCALE_DAYS, SCALE_START, write_scale_center
from scheduler.roster import build_roster, check_roster
from scheduler.roster.extract import extract_roster
from scheduler.roster.hint import greedy_roster, hint_values
from scheduler.roster.model import RosterModel
from scheduler.roster.progress import RosterProgress, format_progress
from scheduler.roster.rules import apply_rules
from scheduler.roster.solve import planned_requirements
from scheduler.staffing.requirements import compute_requirements
from staffcast.deadline import Deadline
from staffcast.errors import InfeasibleError


def peak_memory_gb() -> float:
    """Maximum resident set size of this process so far (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def time_phases(center, requirements, days: int) -> dict:
    """Seconds of each single-threaded phase on the greedy roster, and that roster's check."""
    started = time.perf_counter()
    m = RosterModel(center, requirements, SCALE_START, days)
    variables = apply_rules(m)
    built = time.perf_counter()
    plan, stuck = greedy_roster(m, Deadline(60))
    values = {variable.index: value for variable, value in hint_values(m, variables, plan)}
    greedy = time.perf_counter()
    shifts, activities = extract_roster(m, variables, lambda variable: values[variable.index])
    extracted = time.perf_counter()
    report = check_roster(center, shifts, activities, planned_requirements(m, requirements), SCALE_START, days)
    checked = time.perf_counter()
    return {
        "model_and_rules_s": built - started,
        "greedy_and_hint_s": greedy - built,
        "extract_s": extracted - greedy,
        "check_s": checked - extracted,
        "variables": len(m.model.proto.variables),
        "constraints": len(m.model.proto.constraints),
        "greedy_stuck_agents": len(stuck),
        "greedy_objective": report.objective,
        "greedy_understaffed_agent_h": report.understaffed_agent_hours,
        "greedy_violations": len(report.violations),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=1000)
    parser.add_argument("--days", type=int, default=SCALE_DAYS)
    parser.add_argument("--time-limit", type=float, default=900)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-phases", action="store_true", help="do not time the single-threaded phases on their own")
    parser.add_argument("--verbose", action="store_true", help="print each improving roster")
    args = parser.parse_args()
    rows: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as directory:
        started = time.perf_counter()
        center = load_center(write_scale_center(directory, agents=args.agents, seed=args.seed))
        history = read_workload(center.path("history"), center.config)
        requirements = compute_requirements(center.config, history)
        rows["generate_s"] = time.perf_counter() - started
    rows.update(agents=len(center.agents), queues=len(center.config.queues), days=args.days, workers=args.workers)
    if not args.skip_phases:
        rows.update(time_phases(center, requirements, args.days))
        if args.verbose:
            print_table(rows, file=sys.stderr)
    started = time.perf_counter()
    first: list[tuple[float, str]] = []

    def report(progress: RosterProgress) -> None:
        stage = progress.stage
        if not first:
            first.append((time.perf_counter() - started, stage))
        if args.verbose:
            print(f"{time.perf_counter() - started:7.1f} s wall | {stage:13} | {format_progress(progress)}", file=sys.stderr, flush=True)

    try:
        result = build_roster(
            center, requirements, SCALE_START, args.days, time_limit_seconds=args.time_limit, seed=args.seed, workers=args.workers, progress=report
        )
    except InfeasibleError as error:
        rows.update(status="NO_ROSTER", total_s=time.perf_counter() - started, error=str(error).splitlines()[0], peak_memory_gb=peak_memory_gb())
        print_table(rows)
        sys.exit(1)
    total = time.perf_counter() - started
    summary = result.summary
    required = sum(result.coverage.agents_required) * center.config.interval_minutes / 60
    rows.update(
        {
            "first_roster_s": first[0][0] if first else None,
            "first_roster_stage": first[0][1] if first else None,
            "solve_s": summary["solve_seconds"],
            "total_s": total,
            "status": summary["status"],
            "shifts": summary["shifts"],
            "paid_h": summary["paid_hours"],
            "objective": summary["objective"],
            "bound": summary["bound"],
            "gap": "none" if summary["gap"] is None else f"{summary['gap']:.1%}",
            "bound_s": summary["bound_seconds"],
            "understaffed_agent_h": summary["understaffed_agent_hours"],
            "understaffed_bound_agent_h": summary["understaffed_bound_agent_hours"],
            "required_agent_h (gross)": required,
            "understaffed_share": f"{summary['understaffed_agent_hours'] / required:.2%}" if required else "-",
            "overstaffed_agent_h": summary["overstaffed_agent_hours"],
            "checker_objective": summary["checker_objective"],
            "violations": summary["violations"],
            "peak_memory_gb": peak_memory_gb(),
        }
    )
    print_table(rows)


def print_table(rows: dict, file=sys.stdout) -> None:
    """The metrics as a two-column table."""
    table = pd.DataFrame({"metric": list(rows), "value": [_shown(v) for v in rows.values()]})
    print(table.to_string(index=False), file=file, flush=True)


def _shown(value: object) -> str:
    return f"{value:,.1f}" if isinstance(value, float) else str(value)


if __name__ == "__main__":
    main()
