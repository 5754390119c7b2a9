"""`staffcast roster`: writes the three contract files, re-checks them from disk, explains conflicts with exit 1."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
from roster_worlds import MONDAY, requirements_frame
from typer.testing import CliRunner

from scheduler.cli import app
from scheduler.contracts.center import load_center
from scheduler.contracts.plan_tables import COVERAGE_COLUMNS, read_roster, write_requirements
from scheduler.roster import check_roster

TINY = Path(__file__).parents[2] / "fixtures" / "tiny_center"
QUEUES = ("sales_chat", "service_voice", "complaints_email")


def write_tiny_requirements(path: Path, days: int = 1) -> None:
    rows = [("sales_chat", f"{h:02d}:00", 2) for h in range(8, 18)] + [("service_voice", "23:00", 1)]
    table = requirements_frame(rows, MONDAY, days, QUEUES)
    table["service_level"], table["asa_seconds"] = 0.0, 0.0
    write_requirements(table, path)


def test_roster_command_writes_checked_contract_files(tmp_path):
    write_tiny_requirements(tmp_path / "requirements.csv")
    result = CliRunner().invoke(
        app,
        [
            "roster",
            str(TINY / "center.yaml"),
            str(tmp_path / "requirements.csv"),
            "--start",
            str(MONDAY),
            "--days",
            "1",
            "-o",
            str(tmp_path / "out"),
            "--time-limit",
            "20",
            "--workers",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "paid hours" in result.stdout and "0 hard-rule violations" in result.stdout
    out = tmp_path / "out"
    assert (out / "roster.csv").read_text().splitlines()[0] == "agent_id,date,shift,start,end,paid_minutes,breaks"
    assert (out / "activities.csv").read_text().splitlines()[0] == "agent_id,interval_start,activity"
    assert (out / "coverage.csv").read_text().splitlines()[0] == (
        "queue,interval_start,agents_required,agents_required_gross,agents_scheduled,service_level,asa_seconds,abandon_rate,occupancy"
    )
    center = load_center(TINY / "center.yaml")
    shifts = read_roster(out / "roster.csv")
    activities = pd.read_csv(out / "activities.csv", parse_dates=["interval_start"])
    coverage = pd.read_csv(out / "coverage.csv", parse_dates=["interval_start"])
    assert len(shifts) > 0
    required = requirements_frame([], MONDAY, 1, QUEUES).merge(coverage[["queue", "interval_start"]])
    report = check_roster(center, shifts, activities, required, MONDAY, 1)
    assert report.violations == []


def test_roster_command_explains_conflicts_and_writes_nothing(tmp_path):
    folder = tmp_path / "center"
    shutil.copytree(TINY, folder)
    # 50 h a week needs 7 shifts of 8 h, but the center requires a day off each week
    agents = (
        (folder / "agents.csv").read_text().replace("A03,Zhang Min,day,part_time,presales:3,0,24", "A03,Zhang Min,day,full_time,presales:3,50,56")
    )
    (folder / "agents.csv").write_text(agents)
    write_tiny_requirements(tmp_path / "requirements.csv", days=7)
    result = CliRunner().invoke(
        app,
        [
            "roster",
            str(folder / "center.yaml"),
            str(tmp_path / "requirements.csv"),
            "--start",
            str(MONDAY),
            "--days",
            "7",
            "-o",
            str(tmp_path / "out"),
            "--time-limit",
            "20",
            "--workers",
            "1",
        ],
    )
    assert result.exit_code == 1
    assert "agent A03" in result.stderr and "weekly_hours_within_contract" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_roster_round_trips_through_csv(tmp_path):
    from scheduler.contracts.plan_tables import write_roster_outputs

    shifts = pd.DataFrame(
        [
            {
                "agent_id": "A1",
                "date": MONDAY,
                "shift": "night",
                "start": pd.Timestamp(f"{MONDAY} 22:00"),
                "end": pd.Timestamp(f"{MONDAY} 22:00") + pd.Timedelta(hours=9),
                "paid_minutes": 480,
                "breaks": "01:00-02:00;04:00-04:15",
            }
        ]
    )
    empty = pd.DataFrame(columns=["agent_id", "interval_start", "activity"])
    coverage = pd.DataFrame(columns=COVERAGE_COLUMNS)
    write_roster_outputs(shifts, empty, coverage, tmp_path)
    back = read_roster(tmp_path / "roster.csv")
    pd.testing.assert_frame_equal(back, shifts, check_dtype=False)


def test_roster_command_continues_a_previous_roster(tmp_path):
    write_tiny_requirements(tmp_path / "requirements.csv")
    (tmp_path / "previous.csv").write_text(
        "agent_id,date,shift,start,end,paid_minutes,breaks\n"
        f"A04,{MONDAY - dt.timedelta(days=1)},night,{MONDAY - dt.timedelta(days=1)} 22:00,{MONDAY} 06:00,480,\n"
    )
    result = CliRunner().invoke(
        app,
        [
            "roster",
            str(TINY / "center.yaml"),
            str(tmp_path / "requirements.csv"),
            "--start",
            str(MONDAY),
            "--days",
            "1",
            "-o",
            str(tmp_path / "out"),
            "--time-limit",
            "20",
            "--workers",
            "1",
            "--previous",
            str(tmp_path / "previous.csv"),
        ],
    )
    assert result.exit_code == 0, result.output
    activities = pd.read_csv(tmp_path / "out" / "activities.csv", parse_dates=["interval_start"])
    early = activities.loc[(activities.agent_id == "A04") & (activities.interval_start < pd.Timestamp(f"{MONDAY} 06:00"))]
    assert len(early) == 12  # 00:00-06:00 of the previous night shift
    coverage = pd.read_csv(tmp_path / "out" / "coverage.csv", parse_dates=["interval_start"])
    assert coverage.interval_start.min() == pd.Timestamp(f"{MONDAY} 00:00")
