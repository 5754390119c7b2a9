"""The generated scale center: deterministic for a seed, a valid center, requirements sized to its agents."""

from __future__ import annotations

from collections import Counter

import pytest

from scheduler import ConfigError, load_center
from scheduler.contracts.plan_tables import read_workload
from scheduler.examples.scale import DEMAND_SHARE, SCALE_DAYS, SCALE_START, gross_agent_hours, write_scale_center
from scheduler.roster.model import agent_queues

FILES = ("center.yaml", "agents.csv", "time_off.csv", "history.csv")


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """A 60-agent scale center, loaded."""
    return load_center(write_scale_center(tmp_path_factory.mktemp("scale"), agents=60, seed=3))


def test_same_seed_same_files_other_seed_other_agents(tmp_path):
    first = write_scale_center(tmp_path / "a", agents=60, seed=3).parent
    again = write_scale_center(tmp_path / "b", agents=60, seed=3).parent
    other = write_scale_center(tmp_path / "c", agents=60, seed=4).parent
    for name in FILES:
        assert (first / name).read_bytes() == (again / name).read_bytes(), name
    assert (first / "agents.csv").read_bytes() != (other / "agents.csv").read_bytes()


def test_a_valid_center_with_six_queues_all_staffable(small):
    assert len(small.agents) == 60
    assert [q.id for q in small.config.queues] == [
        "presales_chat",
        "aftersales_chat",
        "vip_chat",
        "aftersales_voice",
        "logistics_voice",
        "complaints_email",
    ]
    for queue in small.config.queues:
        assert any(a.can_serve(queue.skill, queue.min_skill_level) for a in small.agents), queue.id
    assert all(agent_queues(a, small) for a in small.agents)


def test_agents_mix_contracts_skills_nights_and_leave(small):
    agents = small.agents
    assert {a.contract for a in agents} == {"full_time", "part_time", "temp"}
    assert sum(len(agent_queues(a, small)) >= 2 for a in agents) >= 0.5 * len(agents)
    assert 0.08 <= sum(a.night_ok for a in agents) / len(agents) <= 0.35
    assert {level for a in agents for level in a.skills.values()} >= {2, 3, 4, 5}
    kinds = {t.kind for t in small.time_off}
    assert kinds == {"leave", "preference"}
    assert all(0 <= (t.date - SCALE_START).days < SCALE_DAYS for t in small.time_off)


def test_history_covers_the_planned_days(small):
    history = read_workload(small.path("history"), small.config)
    assert history.interval_start.min().date() == SCALE_START
    assert len(history) == SCALE_DAYS * 48 * len(small.config.queues)
    assert (history.groupby("queue").contacts.sum() > 0).all()


def test_requirements_take_the_demand_share_of_the_agents_hours(tmp_path):
    center = load_center(write_scale_center(tmp_path, agents=200, seed=3))
    leave_days = Counter(t.agent_id for t in center.time_off if t.kind == "leave")
    capacity = sum((a.min_hours_per_week + a.max_hours_per_week) / 2 * (SCALE_DAYS - leave_days[a.agent_id]) / 7 for a in center.agents)
    history = read_workload(center.path("history"), center.config)
    assert gross_agent_hours(center.config, history) == pytest.approx(DEMAND_SHARE * capacity, rel=0.03)


def test_too_few_agents_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="at least 20"):
        write_scale_center(tmp_path, agents=10)


@pytest.mark.slow
def test_a_small_scale_center_gets_a_valid_roster(small):
    from scheduler.roster import build_roster
    from scheduler.staffing.requirements import compute_requirements

    history = read_workload(small.path("history"), small.config)
    result = build_roster(small, compute_requirements(small.config, history), SCALE_START, SCALE_DAYS, time_limit_seconds=120, seed=0, workers=2)
    assert result.check.violations == []
    assert result.summary["understaffed_agent_hours"] < 0.1 * result.coverage.agents_required.sum() / 2
