"""A terminal's Ctrl-C reaches every process of `whatif`: the scenario processes end their searches early with
their best rosters and the command writes the comparison (slow: two flagship weeks at once)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.slow

SCRIPT = textwrap.dedent(
    """
    import sys, pandas as pd
    from scheduler.contracts.center import load_center
    from scheduler.contracts.plan_tables import read_workload
    from scheduler.examples import center_path
    from scheduler.workflows.whatif import ScenarioFile, run_whatif
    from staffcast.interrupts import deferred_interrupt

    center = load_center(center_path("flagship_store"))
    history = read_workload(center.path("history"), center.config)
    start = (history.interval_start.max().normalize() - pd.Timedelta(days=6)).date()
    workload = history.loc[history.interval_start >= pd.Timestamp(start)]
    spec = ScenarioFile(center="center.yaml", start=start, days=7, time_limit_seconds=900,
                        scenarios=[{"name": "base"}, {"name": "busier", "volume": [{"uplift": 0.2}]}])
    with deferred_interrupt() as stopped:
        print("running", flush=True)
        result = run_whatif(center, workload, [], spec, processes=2, progress=lambda m: print(m, flush=True))
    result.comparison.to_csv(sys.argv[1], index=False)
    print("interrupted" if stopped() else "not interrupted", flush=True)
    """
)


def test_ctrl_c_to_the_process_group_keeps_every_running_scenario(tmp_path: Path):
    out = tmp_path / "comparison.csv"
    process = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    assert process.stdout.readline().strip() == "running"
    time.sleep(60)  # both scenario processes are in their roster searches (900 s each)
    started = time.monotonic()
    os.killpg(process.pid, signal.SIGINT)  # what a terminal does: every process of the command gets it
    for _ in range(6):  # and pressed again while the scenario processes evaluate, wait for work or exit
        time.sleep(2)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
    stdout, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr and stdout.strip().endswith("interrupted")
    assert time.monotonic() - started < 200
    table = pd.read_csv(out).set_index("scenario")
    assert (table.cost > 0).all(), table.roster_status.tolist()
