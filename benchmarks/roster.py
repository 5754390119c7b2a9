"""Roster benchmark: the example centers over 28 days; prints one table.

Requirements come from the center's own history (the last 28 days that the history holds, as if they
had been forecast exactly), so the benchmark needs no forecast. Every roster goes through the
independent checker. With --lp-bound, two LP relaxations of the same model (HiGHS, `lp_bound`) give
lower bounds: of the whole objective (`lp_bound`, `lp_gap`) and of the understaffed agent-hours alone
(`under_lb_agent_h`); `under_above_lb` is the roster's understaffing above that bound, as a share of the
required agent-hours (target: within 1%).

    python benchmarks/roster.py [--centers flagship_store express_service] [--days 28] [--time-limit 300] [--workers 2] [--lp-bound]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time

import pandas as pd

from lp_bound import lp_lower_bound
from scheduler.contracts.center import load_center
from scheduler.contracts.plan_tables import read_workload
from scheduler.examples import center_path
from scheduler.roster import build_roster
from scheduler.roster.model import RosterModel
from scheduler.roster.progress import RosterProgress, format_progress
from scheduler.roster.rules import apply_rules
from scheduler.roster.solve import relative_gap
from scheduler.staffing.requirements import compute_requirements


def requirements_for(name: str, days: int) -> tuple[object, pd.DataFrame, dt.date]:
    """The center, the requirements of the last `days` full days of its history, and the first of those days."""
    center = load_center(center_path(name))
    history = read_workload(center.path("history"), center.config)
    last_day = history.interval_start.max().normalize()
    start = (last_day - pd.Timedelta(days=days - 1)).date()
    window = history.loc[history.interval_start >= pd.Timestamp(start)]
    return center, compute_requirements(center.config, window[["queue", "interval_start", "contacts", "aht_seconds"]]), start


def lp_bounds(center, requirements: pd.DataFrame, start: dt.date, days: int) -> tuple[float, float]:
    """LP lower bounds of the roster objective (weight units) and of the understaffed agent-hours."""
    m = RosterModel(center, requirements, start, days)
    variables = apply_rules(m)
    objective = lp_lower_bound(m.model) / m.scale
    m.model.minimize(sum(variables.coverage.shortfalls.values()))
    understaffed = lp_lower_bound(m.model) * center.config.interval_minutes / 60
    return objective, understaffed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--centers", nargs="+", default=["flagship_store", "express_service"])
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--time-limit", type=float, default=300)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--verbose", action="store_true", help="print each improving roster")
    parser.add_argument("--lp-bound", action="store_true", help="also compute the LP lower bounds (minutes per center)")
    args = parser.parse_args()
    rows = []
    for name in args.centers:
        center, requirements, start = requirements_for(name, args.days)
        started = time.monotonic()
        first: list[float] = []

        def report(progress: RosterProgress, first: list[float] = first, name: str = name) -> None:
            first.append(progress.elapsed_seconds) if not first else None
            if args.verbose:
                print(f"{name}: {format_progress(progress)}", file=sys.stderr)

        result = build_roster(
            center, requirements, start, args.days, time_limit_seconds=args.time_limit, seed=args.seed, workers=args.workers, progress=report
        )
        summary = result.summary
        total_seconds = time.monotonic() - started
        required = sum(result.coverage.agents_required) * center.config.interval_minutes / 60
        bounds = {}
        if args.lp_bound:
            clock = time.monotonic()
            objective_bound, under_bound = lp_bounds(center, requirements, start, args.days)
            bounds = {
                "lp_bound": round(objective_bound, 1),
                "lp_gap": f"{relative_gap(summary['objective'], objective_bound):.1%}",
                "under_lb_agent_h": round(under_bound, 1),
                "under_above_lb": f"{(summary['understaffed_agent_hours'] - under_bound) / required:.2%}",
                "lp_s": round(time.monotonic() - clock, 1),
            }
        rows.append(
            {
                "center": name,
                "agents": summary["agents"],
                "days": args.days,
                "status": summary["status"],
                "first_s": round(first[0], 1) if first else None,
                "total_s": round(total_seconds, 1),
                "shifts": summary["shifts"],
                "paid_h": round(summary["paid_hours"], 1),
                "required_agent_h": round(required, 1),
                "under_agent_h": round(summary["understaffed_agent_hours"], 1),
                "over_agent_h": round(summary["overstaffed_agent_hours"], 1),
                "objective": round(summary["objective"], 1),
                "bound": round(summary["bound"], 1),
                "gap": f"{summary['gap']:.1%}",
                "checker_objective": round(summary["checker_objective"], 1),
                "violations": summary["violations"],
                **bounds,
            }
        )
    print(pd.DataFrame(rows).to_string(index=False))


if __name__ == "__main__":
    main()
