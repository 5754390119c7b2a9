"""Roster benchmark: the example centers over 28 days; prints one table.

Requirements come from the center's own history (the last 28 days that the history holds, as if they
had been forecast exactly), so the benchmark needs no forecast. Every roster goes through the
independent checker. `bound` and `gap` are the roster's own (the better of CP-SAT's bound and the LP
relaxation of the merged model, `scheduler.roster.bound`, `bound_s` seconds); `under_lb_agent_h` is the
understaffing no roster can avoid (LP bound, blank when not proven in time) and `under_above_lb` the
roster's understaffing above it as a share of the required agent-hours (target: within 1%). With
--lp-bound the LP relaxation of the whole (unmerged) model is solved too, for comparison (`whole_lp`).

    python benchmarks/roster.py [--centers flagship_store express_service] [--days 28] [--time-limit 300] [--workers 2] [--lp-bound]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time

import pandas as pd

from scheduler.contracts.center import load_center
from scheduler.contracts.plan_tables import read_workload
from scheduler.examples import center_path
from scheduler.roster import build_roster
from scheduler.roster.lp_relaxation import lp_lower_bound
from scheduler.roster.model import RosterModel
from scheduler.roster.progress import RosterProgress, format_progress
from scheduler.roster.rules import apply_rules
from scheduler.staffing.requirements import compute_requirements


def requirements_for(name: str, days: int) -> tuple[object, pd.DataFrame, dt.date]:
    """The center, the requirements of the last `days` full days of its history, and the first of those days."""
    center = load_center(center_path(name))
    history = read_workload(center.path("history"), center.config)
    last_day = history.interval_start.max().normalize()
    start = (last_day - pd.Timedelta(days=days - 1)).date()
    window = history.loc[history.interval_start >= pd.Timestamp(start)]
    return center, compute_requirements(center.config, window[["queue", "interval_start", "contacts", "aht_seconds"]]), start


def whole_lp_bound(center, requirements: pd.DataFrame, start: dt.date, days: int) -> float:
    """The LP relaxation of the whole roster model, every agent apart (weight units)."""
    m = RosterModel(center, requirements, start, days)
    apply_rules(m)
    return lp_lower_bound(m.model) / m.scale


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--centers", nargs="+", default=["flagship_store", "express_service"])
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--time-limit", type=float, default=300)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--verbose", action="store_true", help="print each improving roster")
    parser.add_argument("--lp-bound", action="store_true", help="also solve the whole model's LP relaxation (minutes per center)")
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
        under_bound = summary["understaffed_bound_agent_hours"]
        bounds = {
            "under_lb_agent_h": "" if under_bound is None else round(under_bound, 1),
            "under_above_lb": "" if under_bound is None else f"{(summary['understaffed_agent_hours'] - under_bound) / required:.2%}",
        }
        if args.lp_bound:
            clock = time.monotonic()
            bounds |= {"whole_lp": round(whole_lp_bound(center, requirements, start, args.days), 1), "whole_lp_s": round(time.monotonic() - clock, 1)}
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
                "gap": "none" if summary["gap"] is None else f"{summary['gap']:.1%}",
                "bound_s": round(summary["bound_seconds"], 1),
                "checker_objective": round(summary["checker_objective"], 1),
                "violations": summary["violations"],
                **bounds,
            }
        )
    print(pd.DataFrame(rows).to_string(index=False))


if __name__ == "__main__":
    main()
