"""Scale-out benchmark: the example network and a 16-scenario what-if sweep on a local Dask cluster of 1, 2 and 4 workers.

For each job and worker count a fresh `distributed.LocalCluster` (worker processes, one thread each) runs the
job through the same code as `staffcast network --cluster` and `staffcast whatif --cluster`, and the table
gives the wall time, the speed-up over one worker, the tasks' compute time (Dask's task stream), the idle
worker-seconds per task (workers x wall - compute, over tasks: scheduling, shipping inputs and results,
worker start-up and imbalance), the round trip of a no-op task carrying one task's inputs, and the peak
memory (max RSS) of the busiest worker. Needs the extra: pip install 'staffcast[cluster]'.

    python benchmarks/cluster.py [--workers 1 2 4] [--days 3] [--time-limit 20] [--sweep-time-limit 8]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from forecasts import forecast_contacts  # noqa: E402
from scheduler.examples.network import network_path  # noqa: E402
from scheduler.reports.network_files import read_network_sites  # noqa: E402
from scheduler.workflows.network import load_network, run_network  # noqa: E402
from scheduler.workflows.whatif import Scenario, ScenarioFile, run_whatif  # noqa: E402

SWEEP_SITE = "dongguan"


def sweep_scenarios() -> list[Scenario]:
    """16 scenarios: volume from -10% to +40%, chatbot deflection, handle times, temps, fewer agents, stricter targets."""
    scenarios = [Scenario(name="base")]
    scenarios += [Scenario(name=f"volume_{round(100 * u)}pct", volume=[{"uplift": u}]) for u in (-0.1, 0.1, 0.2, 0.3, 0.4)]
    scenarios += [Scenario(name=f"chatbot_{round(100 * d)}pct", chatbot={"deflection": d}) for d in (0.2, 0.4)]
    scenarios += [Scenario(name=f"aht_{round(100 * c)}pct", aht=[{"change": c}]) for c in (0.1,)]
    scenarios += [Scenario(name=f"temps_{n}", temp_agents=[{"count": n, "skills": {"tracking": 2}}]) for n in (2, 4)]
    scenarios += [Scenario(name=f"minus_{n}_tracking", remove_from_teams={"tracking": n}) for n in (1, 2)]
    scenarios += [
        Scenario(name="tracking_15s", targets=[{"queue": "tracking_voice", "answer_within_seconds": 15}]),
        Scenario(name="exceptions_90pct", targets=[{"queue": "exceptions_voice", "service_level": 0.9}]),
        Scenario(name="shrinkage_30pct", staffing={"shrinkage": 0.3}),
    ]
    assert len(scenarios) == 16
    return scenarios


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _noop(*_inputs) -> None:
    return None


def measure(workers: int, job: Callable[[str], int], probe_inputs: tuple) -> dict:
    """Run `job(address)` on a fresh cluster of `workers` workers; wall, compute, idle per task, no-op round trip, peak memory."""
    from distributed import Client, LocalCluster, get_task_stream

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, Client(cluster) as client:
        trips = []
        for _ in range(5):
            clock = time.perf_counter()
            client.submit(_noop, *probe_inputs, pure=False).result()
            trips.append(time.perf_counter() - clock)
        with get_task_stream(client=client) as stream:
            clock = time.perf_counter()
            tasks = job(cluster.scheduler_address)
            wall = time.perf_counter() - clock
        compute = sum(
            part["stop"] - part["start"]
            for record in stream.data
            if str(record["key"]).startswith("staffcast-")
            for part in record["startstops"]
            if part["action"] == "compute"
        )
        peaks = client.run(_peak_rss_mb)
    return {
        "workers": workers,
        "tasks": tasks,
        "wall_s": wall,
        "compute_s": compute,
        "idle_s_per_task": (workers * wall - compute) / tasks,
        "noop_round_trip_ms": 1000 * sorted(trips)[len(trips) // 2],
        "peak_mb_per_worker": max(peaks.values()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=20, help="time limit of each site's whole plan (s)")
    parser.add_argument("--sweep-time-limit", type=float, default=8, help="time limit of each scenario (s)")
    args = parser.parse_args()

    path = network_path()
    spec = load_network(path).model_copy(update={"days": args.days, "time_limit_seconds": args.time_limit})
    sites = read_network_sites(path, spec)
    site = sites[SWEEP_SITE]
    workload = forecast_contacts(site.history, site.events, spec.start, spec.days).table
    sweep = ScenarioFile(
        center=f"{SWEEP_SITE}/center.yaml", start=spec.start, days=spec.days, time_limit_seconds=args.sweep_time_limit, scenarios=sweep_scenarios()
    )

    def network_job(address: str) -> int:
        result = run_network(spec, sites, cluster=address)
        assert (result.table.status == "ok").all(), result.table[["site", "message"]]
        return len(result.table)

    def sweep_job(address: str) -> int:
        result = run_whatif(site.center, workload, site.events, sweep, cluster=address)
        assert result.comparison.cost.notna().all(), result.comparison[["scenario", "roster_status"]]
        return len(result.comparison)

    rows = []
    jobs = (
        (f"network: {len(spec.sites)} sites x {spec.days} days, {args.time_limit:g} s", network_job, (site,)),
        (f"what-if: 16 scenarios of {SWEEP_SITE}, {args.sweep_time_limit:g} s", sweep_job, (site.center, workload, site.events)),
    )
    for label, job, probe in jobs:
        for workers in args.workers:
            print(f"{label}: {workers} worker(s)...", file=sys.stderr)
            rows.append({"job": label, **measure(workers, job, probe)})
    table = pd.DataFrame(rows)
    table.insert(4, "speed_up", table.groupby("job").wall_s.transform(lambda wall: wall.iloc[0] / wall))
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"{os.cpu_count()} cores; load average after the runs {load} (1, 5, 15 min)")
    print(table.to_string(index=False, float_format=lambda v: f"{v:,.2f}"))


if __name__ == "__main__":
    main()
