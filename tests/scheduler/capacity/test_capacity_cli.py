"""`staffcast capacity`: files written with the exact columns, and bad input exits 1 with a clear message."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from capacity_worlds import START, write_center
from typer.testing import CliRunner

from scheduler.capacity import CAPACITY_COLUMNS
from scheduler.cli import app

runner = CliRunner()
CAPACITY = {
    "attrition_rate_per_week": 0.01,
    "hiring": {"lead_weeks": 1, "training_days": 10},
    "temps": [{"id": "agency", "skills": ["presales", "aftersales"], "hourly_cost": 60, "max_agents_per_week": 20}],
}


def write_forecast(path, weeks: int) -> None:
    """A smooth daily-cycle forecast for the tiny center's three queues, with a tripled 11.11."""
    times = pd.date_range(pd.Timestamp(START), periods=weeks * 7 * 48, freq="30min")
    daily = 1 + np.clip(np.sin((times.hour.to_numpy() + times.minute.to_numpy() / 60 - 7) / 24 * 2 * np.pi), 0, None)
    peak = np.where(times.normalize() == pd.Timestamp("2026-11-11"), 3.0, 1.0)
    frames = [
        pd.DataFrame(
            {"queue": queue, "interval_start": times.strftime("%Y-%m-%d %H:%M"), "contacts": np.round(base * daily * peak, 2), "aht_seconds": aht}
        )
        for queue, base, aht in (("sales_chat", 20, 300), ("service_voice", 10, 360), ("complaints_email", 3, 600))
    ]
    pd.concat(frames).to_csv(path, index=False)


def run(center, forecast, outdir, weeks: int = 5):
    return runner.invoke(
        app, ["capacity", str(center), "--weeks", str(weeks), "--forecast", str(forecast), "--start", START.isoformat(), "-o", str(outdir)]
    )


def test_capacity_writes_the_table_the_actions_and_the_plots(tmp_path):
    center = write_center(tmp_path, CAPACITY)
    write_forecast(tmp_path / "forecast.csv", 5)
    result = run(center, tmp_path / "forecast.csv", tmp_path / "out")
    assert result.exit_code == 0, result.output
    table = pd.read_csv(tmp_path / "out" / "capacity.csv")
    assert list(table.columns) == CAPACITY_COLUMNS
    assert len(table) == 5 * 3 and table.week.iloc[0] == "2026-11-02"
    assert (table.gap >= 0).all() and (table.cost >= 0).all()
    eleven = table[table.week == "2026-11-09"]
    assert eleven.required_fte.sum() > table[table.week == "2026-11-23"].required_fte.sum()  # the 11.11 week is the peak
    assert "peak week 2026-11-09" in result.output and "independent check" in result.output
    for name in ("capacity_actions.csv", "capacity.png", "hiring_calendar.png"):
        assert (tmp_path / "out" / name).stat().st_size > 0


@pytest.mark.parametrize(
    ("capacity", "weeks", "message"),
    [
        ({"attrition_rate_per_week": -0.02}, 5, "capacity.attrition_rate_per_week"),
        ({"hiring": {"lead_weeks": 6}}, 5, "capacity.hiring.lead_weeks is 6 weeks, not shorter than the 5-week horizon"),
        ({"cross_training": [{"skill": "vip", "seats_per_week": 2}]}, 5, "capacity.cross_training[0].skill: unknown skill 'vip'"),
    ],
)
def test_bad_capacity_input_exits_1_with_a_clear_message(tmp_path, capacity, weeks, message):
    center = write_center(tmp_path, capacity)
    write_forecast(tmp_path / "forecast.csv", weeks)
    result = run(center, tmp_path / "forecast.csv", tmp_path / "out", weeks)
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out" / "capacity.csv").exists()


def test_a_forecast_shorter_than_the_horizon_exits_1(tmp_path):
    center = write_center(tmp_path, CAPACITY)
    write_forecast(tmp_path / "forecast.csv", 3)
    result = run(center, tmp_path / "forecast.csv", tmp_path / "out", 5)
    assert result.exit_code == 1 and "no rows in week 4 of the 5 weeks" in result.output


def test_what_if_overrides_reach_the_plan(tmp_path):
    from scheduler import load_center
    from scheduler.capacity import plan_capacity
    from scheduler.contracts.plan_tables import read_workload

    center = load_center(write_center(tmp_path, CAPACITY))
    write_forecast(tmp_path / "forecast.csv", 5)
    forecast = read_workload(tmp_path / "forecast.csv", center.config)
    base = plan_capacity(center, forecast, START, 5)
    grown = plan_capacity(center, forecast, START, 5, overrides={"growth_rate_per_year": 1.0, "attrition_rate_per_week": 0.05})
    assert grown.problem.settings.attrition_rate_per_week == 0.05
    assert grown.table.required_fte.sum() > base.table.required_fte.sum()
    late_base, late_grown = (p.table[p.table.week == "2026-11-30"].required_fte.sum() for p in (base, grown))
    assert late_grown > late_base * 1.01  # 4 weeks of +100 %/year: 5.5 % more contacts, fewer % more FTE (pooling)


def test_weeks_start_on_the_first_monday_of_the_forecast_by_default(tmp_path):
    center = write_center(tmp_path, CAPACITY)
    write_forecast(tmp_path / "full.csv", 5)
    forecast = pd.read_csv(tmp_path / "full.csv")
    forecast.loc[forecast.interval_start >= "2026-11-04"].to_csv(tmp_path / "forecast.csv", index=False)  # from a Wednesday
    result = runner.invoke(app, ["capacity", str(center), "--weeks", "3", "--forecast", str(tmp_path / "forecast.csv"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert pd.read_csv(tmp_path / "out" / "capacity.csv").week.unique().tolist() == ["2026-11-09", "2026-11-16", "2026-11-23"]
