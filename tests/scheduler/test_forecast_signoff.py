"""The planner steers the forecast: plan and whatif take an approved forecast as given, `forecast --adjust` and
the center's forecast_adjustments change it (listed in the report), and `requirements` says what the
requirement means in hours and FTE against the team. Checked from the files written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from scheduler.cli import app

runner = CliRunner()
START, DAYS = "2025-11-10", 2


def _plan(center: Path, out: Path, *extra: str):
    return runner.invoke(
        app, ["plan", str(center), "--start", START, "--days", str(DAYS), "-o", str(out), "--time-limit", "3", "--workers", "1", *extra]
    )


@pytest.fixture(scope="module")
def computed_forecast(center_dir) -> Path:
    path = center_dir / "computed_forecast.csv"
    result = runner.invoke(app, ["forecast", str(center_dir / "history.csv"), "--start", START, "--days", str(DAYS), "-o", str(path)])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def approved(center_dir, computed_forecast) -> Path:
    """The computed forecast with sales_chat doubled by hand: a forecast the planner signed off."""
    frame = pd.read_csv(computed_forecast)
    chat = frame.queue == "sales_chat"
    frame.loc[chat, ["contacts", "contacts_lo", "contacts_hi"]] *= 2
    path = center_dir / "approved.csv"
    frame.to_csv(path, index=False, float_format="%.4f")  # not how staffcast writes a forecast: a copy shows
    return path


def test_plan_uses_the_approved_forecast_as_given_and_copies_it(center_dir, approved):
    out = center_dir / "plan_approved"
    result = _plan(center_dir / "center.yaml", out, "--forecast", str(approved))
    assert result.exit_code == 0, result.output
    assert (out / "forecast.csv").read_bytes() == approved.read_bytes()
    given = pd.read_csv(approved).set_index(["queue", "interval_start"]).contacts
    staffed = pd.read_csv(out / "requirements.csv").set_index(["queue", "interval_start"]).contacts
    pd.testing.assert_series_equal(staffed.sort_index(), given.sort_index(), check_exact=False, rtol=1e-9)
    assert f"approved forecast {approved}, used as given" in (out / "report.html").read_text(encoding="utf-8")


def test_plan_refuses_a_forecast_that_stops_early_naming_queue_and_interval(center_dir, approved):
    frame = pd.read_csv(approved)
    last_day = (frame.queue == "service_voice") & frame.interval_start.str.startswith("2025-11-11")
    opening = frame[(frame.queue == "service_voice") & ~last_day].interval_start.str[11:].min()  # its first interval on the days it has
    short = center_dir / "short_forecast.csv"
    frame[~last_day].to_csv(short, index=False)
    out = center_dir / "plan_short"
    result = _plan(center_dir / "center.yaml", out, "--forecast", str(short))
    assert result.exit_code == 1
    assert f"{short}: queue service_voice has no forecast rows on 2025-11-11 (first missing interval 2025-11-11 {opening})" in result.output
    assert "Traceback" not in result.output and not out.exists()


def test_plan_refuses_a_forecast_without_a_queue_of_the_center(center_dir, approved):
    frame = pd.read_csv(approved)
    path = center_dir / "no_email.csv"
    frame[frame.queue != "complaints_email"].to_csv(path, index=False)
    result = _plan(center_dir / "center.yaml", center_dir / "plan_no_email", "--forecast", str(path))
    assert (
        result.exit_code == 1
        and f"{path}: queue complaints_email has no forecast rows on {START} (first missing interval {START} 00:00)" in result.output
    )


def test_forecast_adjust_changes_the_forecast_and_says_so(center_dir, computed_forecast, tmp_path):
    adjust = tmp_path / "adjust.yaml"
    entries = [
        {"queues": ["sales_chat"], "start": START, "multiply": 1.15, "reason": "live-stream campaign"},
        {"queues": ["service_voice"], "start": "2025-11-11", "set": 300, "reason": "last year's figure"},
    ]
    adjust.write_text(yaml.safe_dump({"adjustments": entries}), encoding="utf-8")
    out = tmp_path / "adjusted.csv"
    result = runner.invoke(
        app, ["forecast", str(center_dir / "history.csv"), "--start", START, "--days", str(DAYS), "-o", str(out), "--adjust", str(adjust)]
    )
    assert result.exit_code == 0, result.output
    assert "live-stream campaign" in result.output and "last year's figure" in result.output
    before, after = pd.read_csv(computed_forecast), pd.read_csv(out)
    day = before.interval_start.str[:10]
    chat_first_day = (before.queue == "sales_chat") & (day == START)
    voice_second_day = (before.queue == "service_voice") & (day == "2025-11-11")
    assert after[chat_first_day].contacts.to_numpy() == pytest.approx(1.15 * before[chat_first_day].contacts.to_numpy(), abs=2e-3)
    assert after[voice_second_day].contacts.sum() == pytest.approx(300, abs=0.05)
    shares = before[voice_second_day].contacts / before[voice_second_day].contacts.sum()
    assert (after[voice_second_day].contacts / 300).to_numpy() == pytest.approx(shares.to_numpy(), abs=1e-4)
    untouched = ~chat_first_day & ~voice_second_day
    assert after[untouched].contacts.to_numpy() == pytest.approx(before[untouched].contacts.to_numpy())


def test_forecast_adjust_with_a_bad_entry_exits_1_naming_entry_and_field(center_dir, tmp_path):
    adjust = tmp_path / "adjust.yaml"
    adjust.write_text(yaml.safe_dump({"adjustments": [{"start": START, "multiply": 1.1}]}), encoding="utf-8")
    out = tmp_path / "adjusted.csv"
    result = runner.invoke(
        app, ["forecast", str(center_dir / "history.csv"), "--start", START, "--days", "1", "-o", str(out), "--adjust", str(adjust)]
    )
    assert result.exit_code == 1 and f"{adjust}: adjustments[0], field reason: required field is missing" in result.output
    assert "Traceback" not in result.output and not out.exists()


def test_the_centers_forecast_adjustments_show_in_the_plan_forecast_and_report(center_dir, computed_forecast, tmp_path):
    config = yaml.safe_load((center_dir / "center.yaml").read_text(encoding="utf-8"))
    config["forecast_adjustments"] = [
        {"queues": ["sales_chat"], "start": START, "end": "2025-11-11", "multiply": 1.5, "reason": "Singles' Day live stream"}
    ]
    for name in ("agents", "time_off", "history"):
        config[name] = str(center_dir / config[name])
    center = tmp_path / "center.yaml"
    center.write_text(yaml.safe_dump(config), encoding="utf-8")
    out = tmp_path / "plan"
    result = _plan(center, out)
    assert result.exit_code == 0, result.output
    assert "forecast adjusted: sales_chat 2025-11-10..2025-11-11 x1.5 (Singles' Day live stream)" in result.output
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "Forecast adjustments (applied in this order)" in report and "<td>Singles' Day live stream</td>" in report
    planned, computed = pd.read_csv(out / "forecast.csv"), pd.read_csv(computed_forecast)
    chat = computed.queue == "sales_chat"
    assert planned[chat].contacts.to_numpy() == pytest.approx(1.5 * computed[chat].contacts.to_numpy(), abs=2e-3)
    assert planned[~chat].contacts.to_numpy() == pytest.approx(computed[~chat].contacts.to_numpy())


def test_a_center_adjustment_on_an_unknown_queue_names_the_field(center_dir, tmp_path):
    config = yaml.safe_load((center_dir / "center.yaml").read_text(encoding="utf-8"))
    config["forecast_adjustments"] = [{"queues": ["sales_chats"], "start": START, "multiply": 1.5, "reason": "typo"}]
    center = tmp_path / "center.yaml"
    center.write_text(yaml.safe_dump(config), encoding="utf-8")
    result = _plan(center, tmp_path / "plan")
    assert result.exit_code == 1 and "forecast_adjustments[0].queues: unknown queue(s) sales_chats" in result.output


def test_whatif_takes_the_approved_forecast_from_the_scenarios_file(center_dir, approved, tmp_path):
    scenarios = tmp_path / "scenarios.yaml"
    scenarios.write_text(
        yaml.safe_dump(
            {
                "center": str(center_dir / "center.yaml"),
                "forecast": str(approved),
                "start": START,
                "days": DAYS,
                "time_limit_seconds": 3,
                "scenarios": [{"name": "base"}],
            }
        ),
        encoding="utf-8",
    )
    out = tmp_path / "whatif"
    result = runner.invoke(app, ["whatif", str(scenarios), "-o", str(out), "--processes", "1"])
    assert result.exit_code == 0, result.output
    assert (out / "forecast.csv").read_bytes() == approved.read_bytes()
    assert f"approved forecast {approved}, used as given" in (out / "report.html").read_text(encoding="utf-8")


def test_requirements_prints_paid_hours_per_day_and_fte_against_the_team(center_dir, computed_forecast, tmp_path):
    out = tmp_path / "requirements.csv"
    result = runner.invoke(app, ["requirements", str(center_dir / "center.yaml"), str(computed_forecast), "-o", str(out)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    by_day = (table.agents_required_gross * 0.5).groupby(table.interval_start.str[:10]).sum()  # 30-minute intervals
    for day, hours in by_day.items():
        assert f"{day} {pd.Timestamp(day):%a} {hours:>10,.1f} h" in result.output
    weekly = by_day.sum() * 7 / len(by_day)
    assert f"= {weekly:,.1f} h a week = {weekly / 40:,.1f} FTE at 40 h" in result.output  # rules.standard_hours_per_week
    config = yaml.safe_load((center_dir / "center.yaml").read_text(encoding="utf-8"))
    config.setdefault("rules", {})["standard_hours_per_week"] = 44
    (tmp_path / "center44.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    for name in ("agents.csv", "time_off.csv", "history.csv"):
        shutil.copy(center_dir / name, tmp_path / name)
    longer = runner.invoke(app, ["requirements", str(tmp_path / "center44.yaml"), str(computed_forecast), "-o", str(tmp_path / "r44.csv")])
    assert longer.exit_code == 0, longer.output
    assert f"= {weekly:,.1f} h a week = {weekly / 44:,.1f} FTE at 44 h" in longer.output
    agents = pd.read_csv(center_dir / "agents.csv")
    most = agents.max_hours_per_week.sum()
    assert f"team: {len(agents)} agents contracted for {agents.min_hours_per_week.sum():,.0f} to {most:,.0f} h a week" in result.output
    assert f"the requirement is {weekly / most:.0%} of their most hours" in result.output
