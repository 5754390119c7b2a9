"""Ctrl-C in plan, whatif and capacity: what finished is written (complete, atomically) and the command says
it was interrupted; a Ctrl-C while the files are written never leaves half a folder."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

import forecasts
from scheduler.cli import app
from scheduler.reports import folders
from scheduler.roster import best_response
from scheduler.staffing import requirements
from scheduler.workflows import plan as plan_workflow

PLAN_FILES = ["forecast.csv", "requirements.csv", "roster.csv", "activities.csv", "coverage.csv", "summary.txt", "hr_daily.csv", "report.html"]
PLOTS = ["plots/coverage.png", "plots/service_heatmap.png", "plots/roster_day.png", "plots/roster_night.png", "plots/forecast.png"]


def _interrupt_at(monkeypatch, owner, name: str, calls: list[int]) -> list[int]:
    """Raise SIGINT at the given calls of `owner.name` (a second Ctrl-C too when two calls are given)."""
    original, count, raised = getattr(owner, name), [0], []

    def wrapper(*args, **kwargs):
        count[0] += 1
        if count[0] in calls:
            raised.append(count[0])
            signal.raise_signal(signal.SIGINT)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, wrapper)
    return raised


def _check_roster_file(center_dir: Path, folder: Path) -> None:
    """The written roster passes `staffcast check` in a separate process (no code shared with the writer's run)."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "scheduler.cli",
            "check",
            str(center_dir / "center.yaml"),
            str(folder / "roster.csv"),
            "--activities",
            str(folder / "activities.csv"),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


PLAN_POINTS = {
    "forecasting": (forecasts, "forecast_contacts", [1]),
    "requirements": (requirements, "compute_requirements", [1]),
    "best response": (best_response.CoverageLedger, "remove", [3]),
    "evaluation": (plan_workflow, "evaluate_roster", [1]),
    "writing, twice": (folders, "save_png", [1, 3]),
}


@pytest.mark.parametrize("stage", sorted(PLAN_POINTS))
def test_ctrl_c_in_plan_writes_what_finished_and_says_so(monkeypatch, center_dir, tmp_path, stage):
    owner, name, calls = PLAN_POINTS[stage]
    raised = _interrupt_at(monkeypatch, owner, name, calls)
    out = tmp_path / "plan"
    out.mkdir()
    (out / "notes.txt").write_text("the planner's own file\n", encoding="utf-8")
    (out / "roster.csv").write_text("an old roster\n", encoding="utf-8")
    args = ["plan", str(center_dir / "center.yaml"), "--start", "2025-11-10", "--days", "2", "-o", str(out), "--time-limit", "20", "--workers", "1"]
    result = CliRunner().invoke(app, args)
    assert raised == calls
    assert result.exit_code == 0, result.output
    assert "interrupted (Ctrl-C)" in result.stderr and "Traceback" not in result.output
    for file in PLAN_FILES + PLOTS:
        assert (out / file).is_file() and (out / file).stat().st_size > 0, file
    assert (out / "notes.txt").read_text(encoding="utf-8") == "the planner's own file\n"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".plan.")], "a staging folder was left behind"
    _check_roster_file(center_dir, out)


def test_a_failed_write_leaves_the_earlier_folder_byte_identical(monkeypatch, center_dir, tmp_path):
    out = tmp_path / "plan"
    args = ["plan", str(center_dir / "center.yaml"), "--start", "2025-11-10", "--days", "1", "-o", str(out), "--time-limit", "10", "--workers", "1"]
    assert CliRunner().invoke(app, args).exit_code == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def broken_report(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(folders, "plan_report", broken_report)
    result = CliRunner().invoke(app, [*args[:-4], "--time-limit", "10", "--workers", "1", "--seed", "7"])
    assert result.exit_code != 0
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".plan.")]


def _scenarios(center_dir: Path, names: list[str]) -> Path:
    path = center_dir / "scenarios.yaml"
    data = {"center": "center.yaml", "start": "2025-11-10", "days": 1, "time_limit_seconds": 10, "scenarios": [{"name": n} for n in names]}
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_ctrl_c_in_whatif_keeps_the_running_scenario_and_skips_the_rest(monkeypatch, center_dir, tmp_path):
    raised = _interrupt_at(monkeypatch, best_response.CoverageLedger, "remove", [3])
    out = tmp_path / "whatif"
    result = CliRunner().invoke(app, ["whatif", str(_scenarios(center_dir, ["base", "second", "third"])), "-o", str(out), "--processes", "1"])
    assert raised == [3]
    assert result.exit_code == 0, result.output
    assert "interrupted (Ctrl-C)" in result.stderr
    table = pd.read_csv(out / "comparison.csv").set_index("scenario")
    assert table.loc["base", "cost"] > 0 and (out / "scenarios" / "base" / "roster.csv").is_file()
    assert list(table.loc[["second", "third"], "roster_status"]) == ["not run: interrupted (Ctrl-C)"] * 2
    assert (out / "report.html").is_file() and (out / "plots" / "scenario_metrics.png").is_file()


def test_ctrl_c_in_capacity_writes_the_plan_and_says_so(monkeypatch, center_dir, tmp_path):
    from scheduler.capacity import planning

    raised = _interrupt_at(monkeypatch, planning, "optimize_capacity", [1])
    out = tmp_path / "capacity"
    result = CliRunner().invoke(app, ["capacity", str(center_dir / "center.yaml"), "-o", str(out), "--weeks", "6", "--time-limit", "30"])
    assert raised == [1]
    assert result.exit_code == 0, result.output
    assert "interrupted (Ctrl-C)" in result.stderr
    for name in ("capacity.csv", "capacity_actions.csv", "capacity.png", "hiring_calendar.png"):
        assert (out / name).is_file(), name
