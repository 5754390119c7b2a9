"""Simulation benchmark: speed on a flagship-store week, and simulated vs analytic service levels.

1. Single-skill agreement: constant staffing on one queue (Erlang C, Erlang A, chat slots), where the
   simulation must reproduce the formulas within its 95% replication interval.
2. The flagship store's 11.11 week of 2025 (its history's actual contacts used as the forecast, so no
   forecast is needed): roster with CP-SAT, analytic evaluation, then the simpy simulation (5
   replications on 2 worker processes) timed, with simulated vs analytic service per queue. With
   skill-based routing, agents help on every queue they hold, which the per-queue formulas miss.

    python benchmarks/simulation.py [--start 2025-11-08] [--days 7] [--time-limit 60] [--replications 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from forecasts import read_history  # noqa: E402
from scheduler.contracts.center import Agent, load_center  # noqa: E402
from scheduler.contracts.schema import CenterConfig  # noqa: E402
from scheduler.evaluation.evaluate import evaluate_roster  # noqa: E402
from scheduler.evaluation.simulation import SimulationOptions, simulate_roster  # noqa: E402
from scheduler.examples import center_path  # noqa: E402
from scheduler.roster import build_roster  # noqa: E402
from scheduler.staffing.requirements import compute_requirements, queue_performance  # noqa: E402

AGREEMENT_CASES = [
    ("Erlang C voice", {"channel": "voice", "answer_within_seconds": 20}, 10, 48, 300),
    ("Erlang A voice", {"channel": "voice", "answer_within_seconds": 20, "patience_seconds": 120}, 8, 50, 300),
    ("Erlang A voice, light", {"channel": "voice", "answer_within_seconds": 20, "patience_seconds": 90}, 12, 50, 300),
    ("chat, 3 slots/agent", {"channel": "chat", "answer_within_seconds": 30, "concurrency": 3, "patience_seconds": 180}, 5, 80, 300),
]


def _single_queue(queue: dict, agents: int, contacts: float, aht: float, days: int):
    config = CenterConfig.model_validate(
        {
            "name": "agreement",
            "queues": [{"id": "q", "skill": "s", **queue}],
            "staffing": {"shrinkage": 0.0},
            "shifts": [{"id": "d", "start_times": ["00:00"], "length_hours": 8, "paid_hours": 8, "breaks": []}],
        }
    )
    starts = pd.date_range("2026-03-02", periods=48 * days, freq="30min")
    people = [Agent(f"A{i}", f"A{i}", "t", "full_time", {"s": 1}, 0, 48) for i in range(agents)]
    activities = pd.DataFrame([(a.agent_id, t, "q") for a in people for t in starts], columns=["agent_id", "interval_start", "activity"])
    workload = pd.DataFrame({"queue": "q", "interval_start": starts, "contacts": float(contacts), "aht_seconds": float(aht)})
    return config, people, activities, workload


def agreement_rows(replications: int, seeds: int) -> list[dict]:
    """Per case: one 7-day run, and how often the 95% interval of a 2-day run holds the formula over `seeds` seeds."""
    rows = []
    for label, queue, agents, contacts, aht in AGREEMENT_CASES:
        config, people, activities, workload = _single_queue(queue, agents, contacts, aht, days=7)
        simulated = simulate_roster(
            config, people, activities, workload, SimulationOptions(replications=replications, seed=1, workers=1)
        ).queues.iloc[0]
        analytic = queue_performance(config.queues[0], np.array([contacts]), np.array([aht]), np.array([float(agents)]), 30).iloc[0]
        short = _single_queue(queue, agents, contacts, aht, days=2)
        hits = 0
        for seed in range(seeds):
            run = simulate_roster(*short, SimulationOptions(replications=replications, seed=100 + seed, workers=1)).queues.iloc[0]
            hits += run.service_level_lo <= analytic.service_level <= run.service_level_hi
        rows.append(
            {
                "case": label,
                "agents": agents,
                "contacts/30min": contacts,
                "analytic SL": f"{analytic.service_level:.3f}",
                "simulated SL, 7 days [95%]": f"{simulated.service_level:.3f} [{simulated.service_level_lo:.3f}, {simulated.service_level_hi:.3f}]",
                "analytic aband.": f"{analytic.abandon_rate:.3f}",
                "simulated aband.": f"{simulated.abandon_rate:.3f}",
                f"intervals holding the formula ({seeds} seeds)": f"{hits}/{seeds}",
            }
        )
    return rows


def flagship(start: dt.date, days: int, time_limit: float, replications: int) -> tuple[list[dict], dict]:
    center = load_center(center_path("flagship_store"))
    history = read_history(center.path("history")).table
    end = pd.Timestamp(start) + pd.Timedelta(days=days)
    workload = history[(history.interval_start >= pd.Timestamp(start)) & (history.interval_start < end)]
    requirements = compute_requirements(center.config, workload)
    clock = time.perf_counter()
    roster = build_roster(center, requirements, start, days, time_limit_seconds=time_limit, seed=0)
    roster_seconds = time.perf_counter() - clock
    evaluation = evaluate_roster(center, roster.shifts, roster.activities, workload, requirements=requirements)
    timings = {"roster_seconds": roster_seconds, "roster_status": roster.status}
    for routing in ("skills", "assigned"):
        clock = time.perf_counter()
        simulated = simulate_roster(
            center.config,
            center.agents,
            roster.activities,
            workload,
            SimulationOptions(replications=replications, seed=0, routing=routing, workers=2),
        )
        timings[f"simulate_{routing}_seconds"] = time.perf_counter() - clock
        timings[f"{routing}_queues"] = simulated.queues.set_index("queue")
    rows = []
    for queue in evaluation.queues.itertuples(index=False):
        row = {"queue": queue.queue, "contacts": f"{queue.contacts:,.0f}", "analytic SL": f"{queue.service_level:.3f}"}
        for routing in ("assigned", "skills"):
            sim = timings[f"{routing}_queues"].loc[queue.queue]
            row[f"sim SL, {routing} [95%]"] = f"{sim.service_level:.3f} [{sim.service_level_lo:.3f}, {sim.service_level_hi:.3f}]"
        row["analytic aband."] = f"{queue.abandon_rate:.3f}"
        row["sim aband., skills"] = f"{timings['skills_queues'].loc[queue.queue].abandon_rate:.3f}"
        rows.append(row)
    return rows, timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--start", type=dt.date.fromisoformat, default=dt.date(2025, 11, 8))
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--time-limit", type=float, default=60)
    parser.add_argument("--replications", type=int, default=5)
    parser.add_argument("--seeds", type=int, default=20, help="seeds for the interval-coverage check")
    args = parser.parse_args()

    clock = time.perf_counter()
    table = pd.DataFrame(agreement_rows(args.replications, args.seeds))
    print(f"Single-skill agreement with the formulas, constant load, {args.replications} replications ({time.perf_counter() - clock:.1f} s):")
    print(table.to_string(index=False))
    rows, timings = flagship(args.start, args.days, args.time_limit, args.replications)
    print(
        f"\nFlagship store {args.start} + {args.days} days: roster {timings['roster_seconds']:.1f} s ({timings['roster_status']}); "
        f"simulation ({args.replications} replications, 2 processes): skills routing {timings['simulate_skills_seconds']:.1f} s, "
        f"assigned routing {timings['simulate_assigned_seconds']:.1f} s"
    )
    print(pd.DataFrame(rows).to_string(index=False))


if __name__ == "__main__":
    main()
