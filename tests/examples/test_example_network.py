"""The example network of express sites: generated files as committed, sites that differ, and a runnable copy."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from scheduler.cli import app
from scheduler.contracts.center import load_center
from scheduler.examples.network import NETWORK_DIR, SITES, network_path, write_network_files
from scheduler.workflows.network import load_network, site_center_path

runner = CliRunner()


def test_the_committed_files_are_what_the_generator_writes(tmp_path):
    write_network_files(tmp_path)
    written = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    committed = sorted(p.relative_to(NETWORK_DIR) for p in NETWORK_DIR.rglob("*") if p.is_file() and p.name != "history.csv")
    assert written == committed
    for relative in written:
        assert (tmp_path / relative).read_bytes() == (NETWORK_DIR / relative).read_bytes(), relative


@pytest.fixture(scope="module")
def sites():
    path = network_path()
    spec = load_network(path)
    return {site.name: load_center(site_center_path(path, site)) for site in spec.sites}


def test_five_or_six_small_sites_with_their_own_teams_volumes_and_queues(sites):
    assert 5 <= len(sites) <= 6 and list(sites) == [s.name for s in SITES]
    sizes = {name: len(center.agents) for name, center in sites.items()}
    assert all(10 <= size <= 40 for size in sizes.values()) and len(set(sizes.values())) >= 4
    mixes = {name: tuple(sorted(pd.Series([a.team for a in center.agents]).value_counts().items())) for name, center in sites.items()}
    assert len(set(mixes.values())) == len(sites)  # every site its own team mix
    daily = {}
    for name, center in sites.items():
        history = pd.read_csv(center.path("history"), parse_dates=["interval_start"])
        october = history[history.interval_start >= "2026-10-01"]
        daily[name] = october.contacts.sum() / october.interval_start.dt.date.nunique()
    shares = {s.name: s.volume_share for s in SITES}
    assert sorted(daily, key=daily.get) == sorted(shares, key=shares.get)  # volumes follow the sites' shares
    queues = {name: {q.id for q in center.config.queues} for name, center in sites.items()}
    assert {name for name, ids in queues.items() if "vip_business_voice" in ids} == {s.name for s in SITES if s.business_line}


def test_staffcast_example_writes_a_runnable_network(tmp_path):
    result = runner.invoke(app, ["example", "express_network", "-o", str(tmp_path / "net")])
    assert result.exit_code == 0, result.output
    assert "staffcast network" in result.output
    spec = load_network(tmp_path / "net" / "network.yaml")
    for site in spec.sites:
        center = load_center(site_center_path(tmp_path / "net" / "network.yaml", site))
        assert center.path("history").is_file() and center.path("events").is_file()


@pytest.mark.slow
def test_the_example_network_plans_every_site(tmp_path):
    path = network_path()
    short = tmp_path / "network.yaml"
    spec = load_network(path)
    sites = [{"name": s.name, "center": str(site_center_path(path, s))} for s in spec.sites]
    short.write_text(yaml.safe_dump({"start": spec.start, "days": 1, "time_limit_seconds": 3, "sites": sites}), encoding="utf-8")
    result = runner.invoke(app, ["network", str(short), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(tmp_path / "out" / "network.csv")
    assert (table.status == "ok").all(), table.message.tolist()
    assert all((tmp_path / "out" / name / "roster.csv").is_file() for name in table.site)
