"""Deferred work in the roster: cumulative work against deadlines, priced the same by the model, the
best-response ledger and the independent checker."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from roster_worlds import MONDAY, Solved, make_agent, make_center, requirements_frame

from scheduler.roster.best_response import CoverageLedger, ledger_hint
from scheduler.roster.deferred_work import DeferredQueue, fifo_done, late_units, marginal_values
from scheduler.roster.model import RosterModel
from scheduler.roster.proto_edits import solution_reader
from scheduler.roster.rules import apply_rules

QUEUES = [
    {"id": "q", "channel": "voice", "skill": "s", "answer_within_seconds": 20},
    {"id": "mail", "channel": "email", "skill": "s", "respond_within_hours": 4, "work_hours": ["08:00", "22:00"]},
]


def _world(voice_until: str = "12:00"):
    """One agent on a day shift from 08:00; voice wants one agent from 08:00 to `voice_until`; 60 minutes of mail
    arrive at 08:00, due by 12:00 (the agent clears 25 minutes of it per interval at max_occupancy 0.85)."""
    center = make_center([make_agent("A1")], queues=QUEUES)
    hours = pd.date_range(f"{MONDAY} 08:00", f"{MONDAY} {voice_until}", freq="30min", inclusive="left")
    requirements = requirements_frame([("q", t, 1) for t in hours], MONDAY, 1, ("q", "mail"))
    requirements.loc[(requirements.queue == "mail") & (requirements.interval_start == pd.Timestamp(f"{MONDAY} 08:00")), "contacts"] = 6.0
    requirements.loc[requirements.queue == "mail", "aht_seconds"] = 600.0
    return center, requirements


def test_work_is_done_before_its_deadline_even_at_the_cost_of_a_realtime_queue():
    center, requirements = _world()
    solved = Solved(center, 1, {("A1", MONDAY): "day@08:00"}, requirements=requirements)
    assert solved.feasible and solved.report.violations == []
    # 60 minutes of mail take three 25-minute intervals before 12:00: voice goes short three intervals, nothing is late
    assert solved.penalties["cover_requirements"] == 3 * 1000
    assert solved.report.penalties["cover_requirements"] == pytest.approx(solved.penalties["cover_requirements"])
    mail = solved.activities.loc[solved.activities.activity == "mail", "interval_start"]
    assert (mail < pd.Timestamp(f"{MONDAY} 12:00")).sum() == 3


def test_without_capacity_before_the_deadline_lateness_is_priced_and_the_checker_agrees():
    center, requirements = _world()
    off_hours = make_center([make_agent("A1")], queues=[QUEUES[0], {**QUEUES[1], "work_hours": ["13:00", "22:00"]}])
    solved = Solved(off_hours, 1, {("A1", MONDAY): "day@08:00"}, requirements=requirements)
    # mail can only start at 13:00: 60 units overdue at the end of 11:30, 12:00 and 12:30, 35 at 13:00, 10 at 13:30
    late_points = round(4000 * 2 / 30)
    assert solved.penalties["cover_requirements"] * 2 == (60 + 60 + 60 + 35 + 10) * late_points
    assert solved.report.penalties["cover_requirements"] == pytest.approx(solved.penalties["cover_requirements"])


def test_fifo_is_the_cheapest_way_to_serve_and_its_marginal_value_is_zero_without_backlog():
    queue = DeferredQueue("mail", np.array([30, 0, 0, 0]), np.array([10, 10, 10, 10]), deadline=2)
    done = fifo_done(queue, np.array([1, 1, 1, 1]))
    assert done.tolist() == [10, 20, 30, 30]
    assert late_units(queue, done).tolist() == [0, 10, 0, 0]
    values = marginal_values(queue, np.array([1, 1, 1, 1]), late_points=5)
    assert values[0] == 10 * 5 and values[3] == 0  # an agent at t=0 takes 10 units off the one late interval


def test_the_ledger_prices_deferred_work_exactly_as_the_model():
    center, requirements = _world()
    evening = (requirements.queue == "mail") & (requirements.interval_start == pd.Timestamp(f"{MONDAY} 21:30"))
    requirements.loc[evening, "contacts"] = 3.0  # after the shift: open at the horizon end
    m = RosterModel(center, requirements, MONDAY, 1)
    variables = apply_rules(m)
    ledger = CoverageLedger(m)
    plan = {(0, 0): next(o for o, option in enumerate(m.options) if option.label == "day@08:00")}
    ledger.add(0, {0: plan[0, 0]}, [0, 1])
    ledger.rebalance()
    value = solution_reader(m.model, ledger_hint(m, variables, ledger, plan))
    assert ledger.total() == round(m.penalty_totals(value)["cover_requirements"] * m.scale)
    mail = ledger.cover[1, : m.horizon.intervals]
    assert late_units(m.deferred["mail"], fifo_done(m.deferred["mail"], mail)).sum() == 0  # the ledger clears the mail in time
