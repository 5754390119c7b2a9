"""`staffcast network`: every site planned as a task, one row per site in network.csv, failing sites reported in their row."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml
from tiny_network import csv_files, make_infeasible, write_network
from typer.testing import CliRunner

from scheduler.cli import app
from scheduler.workflows.network import load_network
from staffcast.errors import ConfigError

runner = CliRunner()


@pytest.fixture(scope="module")
def network_run(tmp_path_factory):
    """Two good sites (different volumes), one with a bad center YAML, one whose rules cannot hold; planned in 2 local processes."""
    root = tmp_path_factory.mktemp("network")
    path = write_network(
        root,
        {
            "north": {"volume": 1.0, "seed": 1},
            "south": {"volume": 1.8, "seed": 2},
            "broken": {"volume": 1.0, "seed": 3, "interval_minutes": 7},
            "stuck": {"volume": 1.0, "seed": 4},
        },
    )
    make_infeasible(root / "stuck")
    result = runner.invoke(app, ["network", str(path), "-o", str(root / "out"), "--processes", "2", "--deterministic"])
    return root, result


def test_every_site_gets_a_row_and_failing_sites_say_why(network_run):
    root, result = network_run
    assert result.exit_code == 0, result.output
    table = pd.read_csv(root / "out" / "network.csv", keep_default_na=False).set_index("site")
    assert list(table.index) == ["north", "south", "broken", "stuck"]
    assert list(table.status) == ["ok", "ok", "failed", "failed"]
    assert "interval_minutes" in table.loc["broken", "message"] and "center.yaml" in table.loc["broken", "message"]
    assert "A01" in table.loc["stuck", "message"] and "min_hours_per_week" in table.loc["stuck", "message"]
    for column in ("cost", "paid_hours", "agents_rostered", "service_level", "service_level_sales_chat", "understaffed_agent_hours", "tickets_late"):
        assert table.loc["broken", column] == "" and table.loc["north", column] != "", column
    assert not (root / "out" / "broken").exists() and not (root / "out" / "stuck").exists()


@pytest.mark.parametrize("site", ["north", "south"])
def test_each_site_folder_holds_the_plan_files_and_its_row_adds_up_from_them(network_run, site):
    root, _ = network_run
    folder = root / "out" / site
    for name in ("forecast.csv", "requirements.csv", "roster.csv", "activities.csv", "coverage.csv", "summary.csv", "agent_hours.csv", "report.html"):
        assert (folder / name).is_file(), name
    row = pd.read_csv(root / "out" / "network.csv").set_index("site").loc[site]
    roster = pd.read_csv(folder / "roster.csv")
    assert row.paid_hours == pytest.approx(roster.paid_minutes.sum() / 60)  # re-derived from the written roster, not the evaluation
    assert row.agents_rostered == roster.agent_id.nunique()
    assert row.cost == pytest.approx(pd.read_csv(folder / "agent_hours.csv").cost.sum(), abs=0.05)
    summary = pd.read_csv(folder / "summary.csv")
    by_queue = summary[summary.metric == "service_level"].set_index("queue").value.astype(float)
    assert row.service_level_sales_chat == pytest.approx(by_queue["sales_chat"], abs=1e-4)
    assert row.service_level == pytest.approx(by_queue["all"], abs=1e-4)


def test_the_bigger_site_needs_more(network_run):
    root, _ = network_run
    table = pd.read_csv(root / "out" / "network.csv").set_index("site")
    requirements = {s: pd.read_csv(root / "out" / s / "requirements.csv").agents_required.sum() for s in ("north", "south")}
    assert requirements["south"] > requirements["north"]
    assert table.loc["south", "paid_hours"] >= table.loc["north", "paid_hours"]


def test_the_report_shows_the_sites_side_by_side(network_run):
    root, _ = network_run
    page = (root / "out" / "report.html").read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == 2
    for site in ("north", "south", "broken", "stuck"):
        assert f"<th>{site}</th>" in page


def test_the_same_network_on_a_dask_cluster_writes_the_same_files(network_run, cluster):
    root, _ = network_run
    args = ["network", str(root / "network.yaml"), "-o", str(root / "on_cluster"), "--cluster", cluster.scheduler_address, "--deterministic"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    local, remote = csv_files(root / "out"), csv_files(root / "on_cluster")
    assert set(local) == set(remote) and "north/roster.csv" in local and "south/coverage.csv" in local
    for name in local:
        assert remote[name] == local[name], name


def test_a_bad_network_file_names_the_site_and_field(tmp_path):
    path = tmp_path / "network.yaml"
    path.write_text(yaml.safe_dump({"start": "2025-11-10", "days": 1, "sites": [{"name": "a", "center": "a.yaml"}, {"name": "b b"}]}))
    with pytest.raises(ConfigError) as error:
        load_network(path)
    assert "site number 2, field name" in str(error.value) and "site number 2, field center: required field is missing" in str(error.value)
    result = runner.invoke(app, ["network", str(path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1 and "site number 2" in result.output and not (tmp_path / "out").exists()
