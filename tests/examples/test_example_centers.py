"""The example centers load, and their agents, rules and calendars are those of a real center."""

from __future__ import annotations

import datetime as dt

import pytest

from forecasts import read_events
from scheduler import ConfigError, examples
from scheduler.roster.grid import shift_options

CHANNEL_COUNTS = {"flagship_store": {"chat": 3, "voice": 1, "email": 1}, "express_service": {"chat": 1, "voice": 3, "email": 1}}
AGENT_RANGES = {"flagship_store": (110, 130), "express_service": (185, 215)}


@pytest.mark.parametrize("name", examples.CENTER_NAMES)
def test_center_loads_with_its_files(centers, name):
    center = centers[name]
    channels = [q.channel for q in center.config.queues]
    assert {c: channels.count(c) for c in set(channels)} == CHANNEL_COUNTS[name]
    assert center.config.interval_minutes == 30
    for field in ("history", "events", "agents", "time_off"):
        assert center.path(field).is_file()
    low, high = AGENT_RANGES[name]
    assert low <= len(center.agents) <= high


@pytest.mark.parametrize("name", examples.CENTER_NAMES)
def test_every_queue_has_a_deep_bench(centers, name):
    center = centers[name]
    for queue in center.config.queues:
        eligible = [a for a in center.agents if a.can_serve(queue.skill, queue.min_skill_level)]
        assert len(eligible) >= 0.1 * len(center.agents), queue.id
        night = [a for a in eligible if a.night_ok]
        assert len(night) >= 3, f"{queue.id} cannot be staffed at night"


@pytest.mark.parametrize("name", examples.CENTER_NAMES)
def test_agents_mix_contracts_skills_and_limits(centers, name):
    agents = centers[name].agents
    multi_skilled = sum(len(a.skills) >= 3 for a in agents)
    assert multi_skilled >= 0.6 * len(agents)
    part_time = [a for a in agents if a.contract == "part_time"]
    assert len(part_time) >= 0.08 * len(agents)
    assert all(20 <= a.max_hours_per_week <= 30 for a in part_time)
    # night work is any minute in 22:00-06:00, so the evening shifts need night-eligible agents too
    assert 0.15 <= sum(a.night_ok for a in agents) / len(agents) <= 0.5
    assert sum(a.earliest_start is not None or a.latest_end is not None for a in agents) >= 5
    assert all(a.hourly_cost for a in agents)
    levels = {level for a in agents for level in a.skills.values()}
    assert levels >= {2, 3, 4, 5}


@pytest.mark.parametrize("name", examples.CENTER_NAMES)
def test_shifts_cover_the_whole_day(centers, name):
    config = centers[name].config
    covered = set()
    for shift in config.shifts:
        for start in shift.start_times:
            first = int(start[:2]) * 2 + int(start[3:]) // 30
            covered |= {(first + k) % 48 for k in range(round(shift.length_hours * 2))}
    assert covered == set(range(48))
    assert any(option.night for option in shift_options(config))
    assert any(s.length_hours <= 5 for s in config.shifts), "a part-time shift"
    assert 0.2 <= config.staffing.shrinkage <= 0.3
    assert 0.85 <= config.staffing.max_occupancy <= 0.9


@pytest.mark.parametrize("name", examples.CENTER_NAMES)
@pytest.mark.parametrize("year", [2025, 2026])
def test_time_off_around_the_planned_novembers(centers, name, year):
    entries = [t for t in centers[name].time_off if t.date.year == year and t.date.month == 11]
    kinds = {kind: sum(t.kind == kind for t in entries) for kind in ("leave", "preference")}
    assert kinds["leave"] >= 20 and kinds["preference"] >= 20
    assert len({t.agent_id for t in entries}) >= 0.3 * len(centers[name].agents)


@pytest.mark.parametrize("name", examples.CENTER_NAMES)
def test_calendar_recurs_and_reaches_the_forecast_horizon(centers, name):
    events = read_events(centers[name].path("events"))
    by_name: dict[str, list] = {}
    for event in events:
        by_name.setdefault(event.name, []).append(event)
    for recurring in ("618", "double11", "double12", "national_day"):
        assert {e.start.year for e in by_name[recurring]} == {2023, 2024, 2025, 2026}
    assert [e.start for e in by_name["spring_festival"]] == [
        dt.date(2023, 1, 21),
        dt.date(2024, 2, 10),
        dt.date(2025, 1, 28),
        dt.date(2026, 2, 15),
        dt.date(2027, 2, 5),
    ]
    assert all(e.end == dt.date(e.start.year, 11, 11) for e in by_name["double11"])
    assert sum(e.kind == "outage" for e in events) == 1
    queue_ids = {q.id for q in centers[name].config.queues}
    assert all(set(e.queues or ()) <= queue_ids for e in events)


def test_unknown_example_names_the_choices():
    with pytest.raises(ConfigError, match="flagship_store, express_service"):
        examples.center_path("flagship")
