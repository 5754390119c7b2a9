"""A backlog carried into a plan: tickets of a deferred queue that arrived before the start and are still open
are worked off first, by their own deadlines, priced alike by the model and the independent checker, and
reported by the evaluation; the tickets open at the end are the next plan's backlog."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from roster_worlds import MONDAY, Solved, make_agent, make_center, requirements_frame

from scheduler.evaluation.evaluate import evaluate_roster

QUEUES = [
    {"id": "q", "channel": "voice", "skill": "s", "answer_within_seconds": 20},
    {"id": "mail", "channel": "email", "skill": "s", "respond_within_hours": 12, "work_hours": ["08:00", "22:00"]},
]
SUNDAY_EVENING = pd.Timestamp(f"{MONDAY - dt.timedelta(days=1)} 22:00")


def _world(carried_contacts: float):
    """One agent from 08:00; voice wants one agent 08:00-12:00; `carried_contacts` tickets of 10 minutes arrived
    on Sunday at 22:00 (due Monday 10:00, 12 hours later) and are still open at the start."""
    center = make_center([make_agent("A1")], queues=QUEUES)
    hours = pd.date_range(f"{MONDAY} 08:00", f"{MONDAY} 12:00", freq="30min", inclusive="left")
    requirements = requirements_frame([("q", t, 1) for t in hours], MONDAY, 1, ("q", "mail"))
    requirements.loc[requirements.queue == "mail", "aht_seconds"] = 600.0
    if carried_contacts:
        carried = pd.DataFrame(
            [{"queue": "mail", "interval_start": SUNDAY_EVENING, "contacts": carried_contacts, "aht_seconds": 600.0, "agents_required": 0.0}]
        )
        requirements = pd.concat([carried, requirements], ignore_index=True)
    return center, requirements


def test_the_carried_backlog_is_cleared_by_its_deadline_and_the_checker_prices_it_alike():
    center, requirements = _world(6.0)
    solved = Solved(center, 1, {("A1", MONDAY): "day@08:00"}, requirements=requirements)
    assert solved.feasible and solved.report.violations == []
    # 60 minutes of carried mail take three 25-minute intervals before 10:00: voice goes short three intervals
    assert solved.penalties["cover_requirements"] == 3 * 1000
    assert solved.report.penalties["cover_requirements"] == pytest.approx(solved.penalties["cover_requirements"])
    mail = solved.activities.loc[solved.activities.activity == "mail", "interval_start"]
    assert (mail < pd.Timestamp(f"{MONDAY} 10:00")).sum() == 3


def test_without_a_backlog_nothing_takes_the_agent_off_voice():
    center, requirements = _world(0.0)
    solved = Solved(center, 1, {("A1", MONDAY): "day@08:00"}, requirements=requirements)
    assert solved.penalties["cover_requirements"] == 0


def test_a_backlog_overdue_before_the_first_shift_is_late_in_the_model_and_the_checker_alike():
    center, requirements = _world(6.0)
    requirements.loc[requirements.interval_start == SUNDAY_EVENING, "interval_start"] = SUNDAY_EVENING - pd.Timedelta(hours=8)
    solved = Solved(center, 1, {("A1", MONDAY): "day@08:00"}, requirements=requirements)
    # due Monday 02:00, before anyone works: late from the first interval until the agent clears it
    assert solved.penalties["cover_requirements"] > 3 * 1000
    assert solved.report.penalties["cover_requirements"] == pytest.approx(solved.penalties["cover_requirements"])


def test_evaluation_counts_the_carried_tickets_and_hands_on_the_open_ones():
    center, requirements = _world(6.0)
    late_mail = (requirements.queue == "mail") & (requirements.interval_start == pd.Timestamp(f"{MONDAY} 21:30"))
    requirements.loc[late_mail, "contacts"] = 3.0  # after the shift: open at the end
    solved = Solved(center, 1, {("A1", MONDAY): "day@08:00"}, requirements=requirements)
    workload = requirements.loc[requirements.interval_start >= pd.Timestamp(MONDAY), ["queue", "interval_start", "contacts", "aht_seconds"]]
    evaluation = evaluate_roster(center, solved.shifts, solved.activities, workload, requirements=requirements, start=MONDAY)
    mail = evaluation.deferred["mail"]
    assert mail.tickets == pytest.approx(9.0)
    assert mail.tickets_late == pytest.approx(0.0)
    open_at_end = evaluation.open_backlog
    assert open_at_end.to_dict("records") == [
        {"queue": "mail", "interval_start": pd.Timestamp(f"{MONDAY} 21:30"), "contacts": 3.0, "aht_seconds": 600.0}
    ]
