"""Tasks on a real Dask cluster (`distributed.LocalCluster` with worker processes, tests/scheduler/conftest.py) give the
same files as local processes (a network: test_network.py); an unreachable scheduler, a dying worker and Ctrl-C end the
way the README says."""

from __future__ import annotations

import os
import signal
import socket
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml
from tiny_network import csv_files, write_network, write_site
from typer.testing import CliRunner

from scheduler.cli import app
from scheduler.workflows.tasks import ClusterPool, LocalPool, Task, run_tasks

distributed = pytest.importorskip("distributed")
runner = CliRunner()
SITES = {"north": {"volume": 1.0, "seed": 1}, "south": {"volume": 1.8, "seed": 2}}
SCENARIOS = [
    {"name": "base"},
    {"name": "double_chat", "volume": [{"uplift": 1.0, "queues": ["sales_chat"]}]},
    {"name": "tight_voice", "targets": [{"queue": "service_voice", "service_level": 0.95, "answer_within_seconds": 10}]},
]


def _invoke(*args: str) -> None:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output


def test_whatif_on_the_cluster_writes_the_same_comparison_as_local_processes(tmp_path, cluster):
    write_site(tmp_path / "center", volume=1.0, seed=5)
    spec = {"center": "center/center.yaml", "start": "2025-11-10", "days": 1, "time_limit_seconds": 3, "scenarios": SCENARIOS}
    (tmp_path / "scenarios.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    _invoke("whatif", str(tmp_path / "scenarios.yaml"), "-o", str(tmp_path / "local"), "--processes", "2", "--deterministic")
    _invoke("whatif", str(tmp_path / "scenarios.yaml"), "-o", str(tmp_path / "cluster"), "--cluster", cluster.scheduler_address, "--deterministic")
    local, remote = csv_files(tmp_path / "local"), csv_files(tmp_path / "cluster")
    assert set(local) == {"comparison.csv", "forecast.csv", *(f"scenarios/{s['name']}/roster.csv" for s in SCENARIOS)}
    assert remote == local
    assert pd.read_csv(tmp_path / "local" / "comparison.csv").roster_status.isin(["OPTIMAL", "FEASIBLE"]).all()


def test_an_unreachable_cluster_exits_1_naming_the_address_within_30_seconds(tmp_path):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{probe.getsockname()[1]}"
    path = write_network(tmp_path, {"north": SITES["north"]})
    started = time.monotonic()
    result = runner.invoke(app, ["network", str(path), "-o", str(tmp_path / "out"), "--cluster", address])
    assert result.exit_code == 1, result.output
    assert time.monotonic() - started < 30
    assert address in result.output and "dask scheduler" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def _attempt(marker: Path, deaths: int) -> int:
    """Count this attempt in `marker`; the first `deaths` attempts kill the worker process running them."""
    with marker.open("a") as log:
        log.write("attempt\n")
    attempts = len(marker.read_text().splitlines())
    if attempts <= deaths:
        time.sleep(0.5)  # mid-task
        os._exit(1)
    return attempts


@pytest.fixture
def by_value():
    """Ship this module's functions to the workers by value (the workers cannot import the test folder)."""
    import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    yield
    cloudpickle.unregister_pickle_by_value(sys.modules[__name__])


def test_a_worker_dying_mid_task_gets_it_retried_once_then_reported_failed(tmp_path, cluster, by_value):
    # one dying task at a time: a task waiting on a worker that another task kills counts that death too (Dask's rule)
    pool = ClusterPool(cluster.scheduler_address)
    runs = {}
    try:
        for name, deaths in (("dies_once", 1), ("dies_twice", 2), ("dies_always", 99)):
            cluster.wait_for_workers(2, timeout=60)
            runs[name] = run_tasks(
                pool, [Task(name, _attempt, (tmp_path / f"{name}.log", deaths)), Task("steady", _attempt, (tmp_path / f"steady_{name}.log", 0))]
            )
    finally:
        pool.close()
    assert runs["dies_once"].results == {"dies_once": 2, "steady": 1} and not runs["dies_once"].failures
    for name in ("dies_twice", "dies_always"):
        assert runs[name].results == {"steady": 1} and set(runs[name].failures) == {name}
        assert "died 2 times" in runs[name].failures[name]
    assert len((tmp_path / "dies_always.log").read_text().splitlines()) == 2  # retried once, not more
    cluster.wait_for_workers(2, timeout=60)


@pytest.mark.slow
def test_a_worker_killed_during_a_site_plan_is_replaced_and_the_network_still_matches(tmp_path, cluster):
    from scheduler.reports.network_files import read_network_sites
    from scheduler.workflows.network import load_network, run_network

    path = write_network(tmp_path, SITES, days=2, time_limit_seconds=10)
    spec = load_network(path)
    sites = read_network_sites(path, spec)
    local = run_network(spec, sites, processes=2)
    results = {}
    thread = threading.Thread(target=lambda: results.update(run=run_network(spec, sites, cluster=cluster.scheduler_address)))
    with distributed.Client(cluster.scheduler_address) as client:
        thread.start()
        busy = {}
        while not busy and thread.is_alive():
            busy = {worker: keys for worker, keys in client.processing().items() if any(str(k).startswith("staffcast-") for k in keys)}
            time.sleep(0.05)
        assert busy, "no site was ever running on the cluster"
        victim = next(iter(busy))
        pid = client.run(os.getpid, workers=[victim])[victim]
        os.kill(pid, signal.SIGKILL)
        thread.join(timeout=600)
    remote = results["run"].table
    assert (remote.status == "ok").all(), remote.message.tolist()
    pd.testing.assert_frame_equal(remote, local.table)
    cluster.wait_for_workers(2, timeout=60)


def _sleep_then(seconds: float, marker: Path) -> float:
    marker.write_text("started")
    time.sleep(seconds)
    return seconds


def test_ctrl_c_cancels_what_has_not_finished_and_keeps_what_has(tmp_path):
    tasks = [
        Task("quick", _sleep_then, (0.1, tmp_path / "quick")),
        Task("slow", _sleep_then, (120, tmp_path / "slow")),
        Task("long", _sleep_then, (120, tmp_path / "long")),
        Task("queued", _sleep_then, (0.1, tmp_path / "queued")),
    ]
    pool = LocalPool(2)
    timer = threading.Timer(8, lambda: os.kill(os.getpid(), signal.SIGINT))
    started = time.monotonic()
    timer.start()
    try:
        run = run_tasks(pool, tasks)
    finally:
        timer.cancel()
        pool.close()
    assert time.monotonic() - started < 30  # the running sleeps were stopped, not waited for
    assert run.results == {"quick": 0.1}
    assert set(run.cancelled) == {"slow", "long", "queued"} and run.interrupted
    assert not (tmp_path / "queued").exists()  # never started
