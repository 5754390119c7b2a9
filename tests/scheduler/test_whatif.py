"""What-if scenarios: the schema (errors name scenario and field), each override, and a parallel run."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from forecasts import Event
from scheduler.contracts.center import load_center
from scheduler.workflows.whatif import Scenario, load_scenarios, run_whatif, scenario_center, scenario_center_path, scenario_workload
from staffcast.errors import ConfigError

TINY = Path(__file__).parents[1] / "fixtures" / "tiny_center"
START = dt.date(2025, 11, 10)


@pytest.fixture(scope="module")
def center():
    return load_center(TINY / "center.yaml")


def _write(tmp_path: Path, scenarios: list[dict], **top) -> Path:
    data = {"center": "center.yaml", "start": "2025-11-10", "days": 1, "time_limit_seconds": 2, "scenarios": scenarios, **top}
    for name in ("center.yaml", "agents.csv", "time_off.csv"):
        shutil.copy(TINY / name, tmp_path / name)
    path = tmp_path / "scenarios.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def _workload(days: int = 1) -> pd.DataFrame:
    starts = pd.date_range(pd.Timestamp(START), periods=48 * days, freq="30min")
    busy = (starts.hour >= 9) & (starts.hour < 17)
    return pd.concat(
        [
            pd.DataFrame(
                {
                    "queue": queue,
                    "interval_start": starts,
                    "contacts": np.where(busy, volume, 0.0),
                    "contacts_lo": 0.0,
                    "contacts_hi": np.where(busy, 2 * volume, 0.0),
                    "aht_seconds": aht,
                }
            )
            for queue, volume, aht in (("sales_chat", 4.0, 300.0), ("service_voice", 2.0, 240.0), ("complaints_email", 0.5, 600.0))
        ],
        ignore_index=True,
    )


def test_scenario_file_loads_and_resolves_the_center(tmp_path):
    path = _write(tmp_path, [{"name": "base"}, {"name": "more_chat", "volume": [{"uplift": 0.2, "queues": ["sales_chat"]}]}])
    spec = load_scenarios(path)
    assert [s.name for s in spec.scenarios] == ["base", "more_chat"]
    assert scenario_center_path(path, spec) == (tmp_path / "center.yaml").resolve()


@pytest.mark.parametrize(
    ("scenario", "expected"),
    [
        ({"name": "bot", "chatbot": {"deflection": 1.5}}, "scenario 'bot', field chatbot.deflection: Input should be less than 1"),
        ({"name": "typo", "volumes": []}, "scenario 'typo', field volumes: unknown field"),
        ({"name": "rules", "rules": {"min_rest_hourz": 8}}, "scenario 'rules', field rules.min_rest_hourz: unknown field"),
        ({"name": "temps", "temp_agents": [{"count": 0, "skills": {"presales": 1}}]}, "scenario 'temps', field temp_agents[0].count"),
        ({"description": "no name"}, "scenario number 1, field name: required field is missing"),
    ],
)
def test_bad_scenario_names_scenario_and_field(tmp_path, scenario, expected):
    with pytest.raises(ConfigError) as error:
        load_scenarios(_write(tmp_path, [scenario]))
    assert expected in str(error.value)


def test_repeated_scenario_names_are_refused(tmp_path):
    with pytest.raises(ConfigError, match="base appear more than once"):
        load_scenarios(_write(tmp_path, [{"name": "base"}, {"name": "base"}]))


def test_volume_uplift_per_queue_and_per_event(center):
    workload = _workload(days=2)
    events = [Event(name="flash_sale", kind="promotion", start=dt.date(2025, 11, 11), end=dt.date(2025, 11, 11))]
    scenario = Scenario(name="s", volume=[{"uplift": 0.5, "queues": ["sales_chat"], "event": "flash_sale"}])
    changed = scenario_workload(center.config, workload, events, scenario)
    ratio = (changed.contacts / workload.contacts).where(workload.contacts > 0)
    on_event = (workload.queue == "sales_chat") & (workload.interval_start.dt.date == dt.date(2025, 11, 11)) & (workload.contacts > 0)
    assert np.allclose(ratio[on_event], 1.5)
    assert np.allclose(ratio[~on_event].dropna(), 1.0)
    assert np.allclose(changed.contacts_hi[on_event], 1.5 * workload.contacts_hi[on_event])


def test_chatbot_scales_chat_by_remaining_share_and_aht_changes(center):
    scenario = Scenario(name="s", chatbot={"current_deflection": 0.4, "deflection": 0.65}, aht=[{"change": -0.1, "queues": ["service_voice"]}])
    workload = _workload()
    changed = scenario_workload(center.config, workload, [], scenario)
    chat = workload.queue == "sales_chat"
    assert np.allclose(changed.contacts[chat], workload.contacts[chat] * 0.35 / 0.6)
    assert np.allclose(changed.contacts[~chat], workload.contacts[~chat])
    voice = workload.queue == "service_voice"
    assert np.allclose(changed.aht_seconds[voice], 216.0)


def test_unknown_event_or_queue_names_scenario_and_field(center):
    with pytest.raises(ConfigError, match="scenario 's', field volume\\[0\\].event: no event 'nope'"):
        scenario_workload(center.config, _workload(), [], Scenario(name="s", volume=[{"uplift": 0.1, "event": "nope"}]))
    with pytest.raises(ConfigError, match="scenario 's', field targets\\[0\\].queue: unknown queue 'phone'"):
        scenario_center(center, Scenario(name="s", targets=[{"queue": "phone", "answer_within_seconds": 15}]), START, 1)


def test_center_overrides_targets_staffing_rules_shifts(center):
    scenario = Scenario(
        name="s",
        targets=[{"queue": "service_voice", "answer_within_seconds": 15}],
        staffing={"shrinkage": 0.3},
        rules={"min_rest_hours": 12},
        add_shifts=[{"id": "late", "start_times": ["14:00"], "length_hours": 8, "paid_hours": 8, "breaks": []}],
    )
    changed = scenario_center(center, scenario, START, 1).config
    assert changed.queue("service_voice").answer_within_seconds == 15
    assert changed.staffing.shrinkage == 0.3 and changed.staffing.max_occupancy == center.config.staffing.max_occupancy
    assert changed.rules.min_rest_hours == 12 and changed.rules.max_consecutive_workdays == center.config.rules.max_consecutive_workdays
    assert [s.id for s in changed.shifts] == ["day", "night", "late"]
    assert center.config.queue("service_voice").answer_within_seconds == 20  # the base is untouched


def test_headcount_and_temp_agents(center):
    scenario = Scenario(
        name="s",
        remove_agents=["A01"],
        remove_from_teams={"night": 1},
        temp_agents=[{"count": 3, "skills": {"presales": 2}, "first_date": "2025-11-11", "last_date": "2025-11-12"}],
    )
    changed = scenario_center(center, scenario, START, 4)
    ids = [a.agent_id for a in changed.agents]
    assert "A01" not in ids and "A05" not in ids and "A04" in ids  # the night team loses its last id
    temps = [a for a in changed.agents if a.contract == "temp"]
    assert len(temps) == 3 and all(a.skills == {"presales": 2} and a.team == "temp" for a in temps)
    leave = sorted({t.date for t in changed.time_off if t.agent_id == temps[0].agent_id})
    assert leave == [dt.date(2025, 11, 10), dt.date(2025, 11, 13)]
    assert all(t.agent_id != "A01" for t in changed.time_off)


def test_removing_every_holder_of_a_skill_is_refused(center):
    with pytest.raises(ConfigError, match="no agent left holds skill 'complaints'"):
        scenario_center(center, Scenario(name="s", remove_agents=["A01", "A04", "A06"]), START, 1)


def test_scenarios_run_in_parallel_and_compare(tmp_path, center):
    path = _write(
        tmp_path,
        [
            {"name": "base"},
            {"name": "double_chat", "volume": [{"uplift": 1.0, "queues": ["sales_chat"]}]},
            {"name": "tight_voice", "targets": [{"queue": "service_voice", "service_level": 0.95, "answer_within_seconds": 10}]},
        ],
    )
    spec = load_scenarios(path)
    messages = []
    result = run_whatif(center, _workload(), [], spec, processes=2, progress=messages.append)
    table = result.comparison.set_index("scenario")
    assert list(table.index) == ["base", "double_chat", "tight_voice"]
    for column in (
        "cost",
        "paid_hours",
        "service_level",
        "service_level_sales_chat",
        "service_level_service_voice",
        "asa_seconds",
        "abandon_rate",
        "understaffed_agent_hours",
        "occupancy",
    ):
        assert table[column].notna().all(), column
    base, more = result.outcomes["base"], result.outcomes["double_chat"]

    def chat_need(outcome):
        return outcome.requirements[outcome.requirements.queue == "sales_chat"].agents_required.sum()

    assert chat_need(more) > chat_need(base)
    assert sum(m.startswith("scenario ") for m in messages) == 3
    # what meeting every target takes, against what each roster has (sized in test_required_hours_answer_what_a_target_takes)
    assert (table.required_paid_hours - table.paid_hours).round(1).equals(table.paid_hours_gap)
    assert (table.required_fte > 0).all()
    # the hours a fixed team lacks, priced at the overtime rate of its mean hourly cost (tiny center: 30 per hour)
    for row in table.reset_index().itertuples(index=False):
        team = result.outcomes[row.scenario].center
        rate = sum(a.hourly_cost or team.config.costs.hourly_cost for a in team.agents) / len(team.agents) * team.config.costs.overtime_multiplier
        assert row.cost_to_meet_targets == pytest.approx(row.cost + max(0.0, row.paid_hours_gap) * rate, abs=0.01)


def test_required_hours_answer_what_a_target_takes(center):
    from scheduler.capacity.requirements import on_queue_share
    from scheduler.staffing.requirements import compute_requirements
    from scheduler.workflows.whatif import required_hours

    busy = _workload().assign(contacts=lambda f: f.contacts * 15)  # a real center's volumes: 60 chats, 30 calls per interval
    base = compute_requirements(center.config, busy)
    hours = required_hours(center, base, rostered_paid_hours=100.0)
    assert hours["required_paid_hours"] == pytest.approx(base.agents_required_gross.sum() * 0.5 / on_queue_share(center.config.shifts), abs=0.05)
    assert hours["paid_hours_gap"] == pytest.approx(hours["required_paid_hours"] - 100.0, abs=0.05)
    strict = center.config.queue("service_voice").model_copy(update={"service_level": 0.95, "answer_within_seconds": 10})
    queues = [strict if q.id == strict.id else q for q in center.config.queues]
    stricter = dataclasses.replace(center, config=center.config.model_copy(update={"queues": queues}))
    tighter = required_hours(stricter, compute_requirements(stricter.config, busy), rostered_paid_hours=100.0)
    assert tighter["required_paid_hours"] > hours["required_paid_hours"]  # the same team, a stricter target: more hours to meet it
    doubled = compute_requirements(center.config, busy.assign(contacts=lambda f: f.contacts.where(f.queue != "sales_chat", f.contacts * 2)))
    assert required_hours(center, doubled, 100.0)["required_paid_hours"] > hours["required_paid_hours"]


def test_a_scenario_without_roster_is_reported_and_the_others_still_compare(tmp_path, center):
    impossible = {"name": "impossible", "add_agents": [{"count": 1, "skills": {"presales": 1}, "min_hours_per_week": 84, "max_hours_per_week": 84}]}
    spec = load_scenarios(_write(tmp_path, [{"name": "base"}, impossible]))
    messages = []
    result = run_whatif(center, _workload(), [], spec, processes=1, progress=messages.append)
    table = result.comparison.set_index("scenario")
    assert table.loc["impossible", "roster_status"].startswith("no roster: ")
    assert pd.isna(table.loc["impossible", "cost"]) and table.loc["base", "cost"] > 0
    assert list(result.comparison.columns)[-1] == "roster_status"
    assert any(m.startswith("warning: scenario impossible") for m in messages)
