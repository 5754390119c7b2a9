"""Tiny worlds for the roster rules: one queue, a day and a night shift, one or two agents, a few days."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from ortools.sat.python import cp_model

from scheduler.contracts.center import Agent, Center, TimeOff
from scheduler.contracts.schema import CenterConfig
from scheduler.roster.checker import check_roster
from scheduler.roster.extract import extract_roster
from scheduler.roster.grid import shift_options
from scheduler.roster.model import RosterModel
from scheduler.roster.rules import apply_rules
from scheduler.roster.solve import planned_requirements

MONDAY = dt.date(2025, 11, 10)

BASE = {
    "name": "rule world",
    "interval_minutes": 30,
    "queues": [{"id": "q", "channel": "voice", "skill": "s", "answer_within_seconds": 20}],
    "staffing": {"shrinkage": 0.0},
    "shifts": [
        {"id": "day", "start_times": ["08:00", "09:00"], "length_hours": 8, "paid_hours": 8, "breaks": []},
        {"id": "night", "start_times": ["22:00"], "length_hours": 8, "paid_hours": 8, "breaks": [], "night": True},
    ],
    "rules": {"min_rest_hours": 11, "max_consecutive_workdays": 6, "min_days_off_per_week": 0, "max_nights_per_week": 7},
    "weights": {
        "understaffing": 1000,
        "overstaffing": 0,
        "paid_hour": 0,
        "time_off_preference": 50,
        "start_time_change": 0,
        "weekend_fairness": 0,
        "night_fairness": 0,
    },
}


def make_agent(agent_id: str = "A1", **fields) -> Agent:
    values = {"name": agent_id, "team": "t", "contract": "full_time", "skills": {"s": 3}, "min_hours_per_week": 0, "max_hours_per_week": 60, **fields}
    return Agent(agent_id=agent_id, **values)


def make_center(agents=None, time_off=(), **overrides) -> Center:
    """A center from BASE with top-level fields replaced and `rules`/`weights` entries merged."""
    data = {**BASE, **{k: v for k, v in overrides.items() if k not in ("rules", "weights")}}
    for key in ("rules", "weights"):
        data[key] = {**BASE[key], **overrides.get(key, {})}
    return Center(config=CenterConfig.model_validate(data), source=Path("world.yaml"), agents=list(agents or [make_agent()]), time_off=list(time_off))


def leave(agent_id: str, date: dt.date, kind: str = "leave", weight: float = 0.0) -> TimeOff:
    return TimeOff(agent_id=agent_id, date=date, kind=kind, weight=weight)


def shift_row(center: Center, agent_id: str, date: dt.date, label: str, breaks: str = "") -> dict:
    """A roster.csv row for shift option `label` ('day@08:00') on `date`."""
    option = next(o for o in shift_options(center.config) if o.label == label)
    start = pd.Timestamp(date) + pd.Timedelta(minutes=option.start_minute)
    return {
        "agent_id": agent_id,
        "date": date,
        "shift": option.shift_id,
        "start": start,
        "end": start + pd.Timedelta(minutes=option.length_minutes),
        "paid_minutes": option.paid_minutes,
        "breaks": breaks,
    }


def requirements_frame(rows, start=MONDAY, days=1, queues=("q",)) -> pd.DataFrame:
    """Requirements for every queue and interval: 0 except the given (queue, 'HH:MM' or Timestamp, agents) rows."""
    index = pd.date_range(pd.Timestamp(start), periods=days * 48, freq="30min")
    frame = pd.DataFrame([(q, t) for q in queues for t in index], columns=["queue", "interval_start"])
    frame["contacts"], frame["aht_seconds"], frame["agents_required"] = 0.0, 300.0, 0.0
    for queue, when, agents in rows:
        moment = pd.Timestamp(f"{start} {when}") if isinstance(when, str) else when
        frame.loc[(frame.queue == queue) & (frame.interval_start == moment), "agents_required"] = float(agents)
    return frame


class Solved:
    """A solved tiny model: status, per-rule penalties, roster frames and the checker's report."""

    def __init__(self, center, days, fixed=None, requirements=None, previous=None, extra=None, start=MONDAY):
        self.model = RosterModel(center, requirements, start, days, previous=previous)
        variables = apply_rules(self.model)
        self.model.fix(fixed or {})
        if extra:
            extra(self.model)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = 20
        self.status = solver.solve(self.model.model)
        self.feasible = self.status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        if self.feasible:
            assert self.status == cp_model.OPTIMAL
            self.objective = solver.objective_value / self.model.scale
            self.penalties = self.model.penalty_totals(solver.value)
            self.shifts, self.activities = extract_roster(self.model, variables, solver.value)
            given = requirements if requirements is not None else requirements_frame([], start, days, [q.id for q in center.config.queues])
            planned = planned_requirements(self.model, given)
            self.report = check_roster(center, self.shifts, self.activities, planned, start, days, previous=previous)


TINY = Path(__file__).parents[2] / "fixtures" / "tiny_center" / "center.yaml"


def tiny_requirements(days: int) -> pd.DataFrame:
    """A day curve on every queue of the tiny center, and one voice agent through each night."""
    rows = []
    for day in range(days):
        date = MONDAY + dt.timedelta(days=day)
        for hour in range(8, 20):
            rows += [("sales_chat", pd.Timestamp(f"{date} {hour:02d}:00"), 2), ("service_voice", pd.Timestamp(f"{date} {hour:02d}:30"), 1)]
        night = pd.date_range(pd.Timestamp(f"{date} 22:00"), periods=16, freq="30min")
        rows += [("service_voice", moment, 1) for moment in night if moment.date() < MONDAY + dt.timedelta(days=days)]
        rows += [("complaints_email", pd.Timestamp(f"{date} 10:00"), 1)]
    return requirements_frame(rows, MONDAY, days, ("sales_chat", "service_voice", "complaints_email"))
