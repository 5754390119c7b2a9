"""The independent deferred-work replay against the evaluation's deferred outcome on a hand-made backlog."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from deferred_replay import replay_queue

from scheduler.contracts.center import Agent, Center
from scheduler.contracts.schema import CenterConfig
from scheduler.evaluation.deferred_outcome import deferred_outcome

START = pd.Timestamp("2025-11-10")
CONFIG = {
    "name": "mail world",
    "interval_minutes": 30,
    "queues": [{"id": "mail", "channel": "email", "skill": "m", "respond_within_hours": 2, "work_hours": ["08:00", "22:00"]}],
    "staffing": {"shrinkage": 0.2},
    "shifts": [{"id": "day", "start_times": ["08:00"], "length_hours": 8, "paid_hours": 8, "breaks": []}],
}


def _case(agents_per_interval: int):
    times = pd.date_range(START, periods=48, freq="30min")
    contacts = [6.0 if 8 <= t.hour < 12 else 0.0 for t in times]  # 48 tickets of 10 minutes from 08:00 to 12:00
    scheduled = [agents_per_interval if 8 <= t.hour < 16 else 0 for t in times]
    intervals = pd.DataFrame({"queue": "mail", "interval_start": times, "contacts": contacts, "aht_seconds": 600.0, "agents_scheduled": scheduled})
    agent = Agent(agent_id="A1", name="A1", team="t", contract="full_time", skills={"m": 3}, min_hours_per_week=0, max_hours_per_week=60)
    center = Center(config=CenterConfig.model_validate(CONFIG), source="mail.yaml", agents=[agent], time_off=[])
    activities = pd.DataFrame({"agent_id": "A1", "interval_start": times[16:32], "activity": "mail"})
    arrivals = [(t.to_pydatetime(), c, 600.0) for t, c in zip(times, contacts)]
    on = {t.to_pydatetime(): a for t, a in zip(times, scheduled)}
    replay = replay_queue(arrivals, on, lambda hour: 0.2, dt.timedelta(minutes=30), 2.0)
    return deferred_outcome(center, center.config.queues[0], intervals, activities), replay


@pytest.mark.parametrize("agents", [1, 2, 3])
def test_replay_and_evaluation_agree_on_tickets_on_time(agents):
    outcome, (total, judged, on_time, _) = _case(agents)
    assert total == outcome.tickets == 48
    assert on_time / judged == pytest.approx(outcome.on_time, abs=0.03)


def test_a_backlog_reports_late_tickets_missing_hours_and_the_skill_limit():
    outcome, _ = _case(1)  # one agent clears 24 minutes per interval; 60 minutes arrive per interval until noon
    assert outcome.tickets_late > 20 and outcome.on_time < 0.5
    assert outcome.late_by_day and outcome.oldest_hours > 2
    assert outcome.late_with_every_skilled_agent > 20  # the only skilled agent is on shift and already on the queue
    assert outcome.missing_agent_hours > 0
    enough, _ = _case(3)
    assert enough.tickets_late < 0.5 and enough.missing_agent_hours == 0
