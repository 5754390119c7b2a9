"""Evaluation of a hand-made roster on the tiny center: coverage, service, gaps, hours, cost, fairness."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scheduler.contracts.center import load_center
from scheduler.contracts.plan_tables import COVERAGE_COLUMNS
from scheduler.evaluation.evaluate import evaluate_roster, summary_table, summary_text
from scheduler.evaluation.simulation import SimulationOptions, simulate_roster
from staffcast.errors import DataError

TINY = Path(__file__).parents[1] / "fixtures" / "tiny_center" / "center.yaml"
DAY = pd.Timestamp("2025-11-15")  # a Saturday


@pytest.fixture(scope="module")
def center():
    return load_center(TINY)


def _workload() -> pd.DataFrame:
    starts = pd.date_range(DAY, periods=48, freq="30min")
    busy = (starts.hour >= 8) & (starts.hour < 18)
    rows = []
    for queue, contacts, aht in (("sales_chat", 8, 300), ("service_voice", 5, 240), ("complaints_email", 1, 600)):
        rows.append(pd.DataFrame({"queue": queue, "interval_start": starts, "contacts": np.where(busy, contacts, 0.0), "aht_seconds": float(aht)}))
    return pd.concat(rows, ignore_index=True)


def _roster(extra_voice_agent: bool = False):
    shifts = pd.DataFrame(
        [
            ("A02", DAY.date(), "day", DAY + pd.Timedelta(hours=8), DAY + pd.Timedelta(hours=17), 480, "12:00-13:00"),
            ("A03", DAY.date(), "day", DAY + pd.Timedelta(hours=9), DAY + pd.Timedelta(hours=18), 480, "13:00-14:00"),
            ("A04", DAY.date(), "night", DAY + pd.Timedelta(hours=22), DAY + pd.Timedelta(hours=30), 480, ""),
        ]
        + ([("A05", DAY.date(), "day", DAY + pd.Timedelta(hours=8), DAY + pd.Timedelta(hours=17), 480, "12:00-13:00")] if extra_voice_agent else []),
        columns=["agent_id", "date", "shift", "start", "end", "paid_minutes", "breaks"],
    )
    rows = []
    for shift in shifts.itertuples(index=False):
        queue = {"A02": "service_voice", "A03": "sales_chat", "A04": "service_voice", "A05": "service_voice"}[shift.agent_id]
        breaks = [] if not shift.breaks else [DAY + pd.Timedelta(hours=int(shift.breaks[:2]))]
        for start in pd.date_range(shift.start, shift.end - pd.Timedelta(minutes=30), freq="30min"):
            rows.append((shift.agent_id, start, "break" if start in breaks or start - pd.Timedelta(minutes=30) in breaks else queue))
    return shifts, pd.DataFrame(rows, columns=["agent_id", "interval_start", "activity"])


def test_coverage_counts_agents_on_each_queue_after_breaks(center):
    shifts, activities = _roster()
    result = evaluate_roster(center, shifts, activities, _workload())
    assert list(result.coverage.columns) == COVERAGE_COLUMNS
    voice = result.coverage[result.coverage.queue == "service_voice"].set_index("interval_start")
    assert voice.agents_scheduled[DAY + pd.Timedelta(hours=10)] == 1
    assert voice.agents_scheduled[DAY + pd.Timedelta(hours=12, minutes=30)] == 0  # A02 at lunch
    assert voice.agents_scheduled[DAY + pd.Timedelta(hours=23)] == 1  # A04 at night


def test_hours_cost_nights_and_weekends(center):
    shifts, activities = _roster()
    result = evaluate_roster(center, shifts, activities, _workload())
    totals = result.totals
    assert totals["paid_hours"] == 24
    assert totals["cost"] == pytest.approx(24 * center.config.costs.hourly_cost)
    assert totals["agents_rostered"] == 3 and totals["agents_available"] == 6
    assert (totals["night_shifts_per_agent_min"], totals["night_shifts_per_agent_max"]) == (0, 1)
    assert totals["weekend_days_per_agent_median"] == 1  # every shift starts on Saturday
    assert result.agents.set_index("agent_id").loc["A04", "night_shifts"] == 1


def test_service_figures_are_volume_weighted_and_consistent(center):
    shifts, activities = _roster()
    result = evaluate_roster(center, shifts, activities, _workload())
    known = result.intervals.loc[result.intervals.service_level.notna()]  # deferred work due after the horizon: not yet judged
    overall = np.average(known.service_level, weights=known.contacts)
    assert result.totals["service_level"] == pytest.approx(overall)
    day_all = result.daily[(result.daily.queue == "all")].iloc[0]
    assert day_all.service_level == pytest.approx(overall)
    realtime = result.coverage.loc[~result.coverage.queue.isin(result.deferred)]
    gaps = realtime.agents_required_gross - realtime.agents_scheduled
    assert result.totals["understaffed_agent_hours"] == pytest.approx(gaps.clip(lower=0).sum() * 0.5)
    assert result.totals["overstaffed_agent_hours"] == pytest.approx((-gaps).clip(lower=0).sum() * 0.5)
    assert result.worst.service_level.is_monotonic_increasing
    assert (result.worst.contacts >= 1).all()


def test_another_agent_on_a_queue_improves_its_service(center):
    workload = _workload()
    before = evaluate_roster(center, *_roster(), workload).queues.set_index("queue")
    after = evaluate_roster(center, *_roster(extra_voice_agent=True), workload).queues.set_index("queue")
    assert after.service_level["service_voice"] > before.service_level["service_voice"]
    assert after.understaffed_agent_hours["service_voice"] < before.understaffed_agent_hours["service_voice"]
    assert after.service_level["sales_chat"] == pytest.approx(before.service_level["sales_chat"])


def test_forecast_beyond_the_roster_days_is_ignored(center):
    longer = pd.concat([_workload(), _workload().assign(interval_start=lambda f: f.interval_start + pd.Timedelta(days=1))])
    result = evaluate_roster(center, *_roster(), longer)
    assert result.coverage.interval_start.dt.normalize().unique().tolist() == [DAY]


def test_activity_outside_every_shift_is_an_error(center):
    shifts, activities = _roster()
    stray = pd.DataFrame([("A02", DAY + pd.Timedelta(hours=20), "service_voice")], columns=activities.columns)
    with pytest.raises(DataError, match="A02 works at 2025-11-15 20:00, outside every shift"):
        evaluate_roster(center, shifts, pd.concat([activities, stray], ignore_index=True), _workload())


def test_summary_table_and_text_with_simulation(center):
    shifts, activities = _roster()
    result = evaluate_roster(center, shifts, activities, _workload(), simulation=SimulationOptions(replications=2, workers=1))
    table = summary_table(result)
    assert set(table.columns) == {"metric", "queue", "value"}
    assert {"service_level", "paid_hours", "cost", "simulated_service_level"} <= set(table.metric)
    text = summary_text(result)
    assert "Simulated (2 replications" in text and "service_voice" in text
    assert 0 <= result.queues.simulated_service_level.min() <= result.queues.simulated_service_level.max() <= 1
    # both routings are simulated, and the text says in one sentence why they differ
    assert {"assigned_simulated_service_level", "simulated_service_level"} <= set(table.metric)
    assert result.simulation_assigned is not None and "assigned queue" in text and "skill-based routing" in text
    direct = simulate_roster(center.config, center.agents, activities, _workload(), SimulationOptions(replications=2, workers=1, routing="assigned"))
    assert result.queues.assigned_simulated_service_level.tolist() == pytest.approx(direct.queues.service_level.tolist(), nan_ok=True)


def test_read_activities_checks_rows(center, tmp_path):
    from scheduler.contracts.plan_tables import read_activities

    path = tmp_path / "activities.csv"
    path.write_text("agent_id,interval_start,activity\nA01,2025-11-15 08:00,sales_chat\nA01,2025-11-15 08:30,break\n", encoding="utf-8")
    table = read_activities(path, center.config)
    assert table.interval_start.tolist() == [pd.Timestamp("2025-11-15 08:00"), pd.Timestamp("2025-11-15 08:30")]
    path.write_text("agent_id,interval_start,activity\nA01,2025-11-15 08:00,lunch\n", encoding="utf-8")
    with pytest.raises(DataError, match="row 2, column activity: 'lunch'"):
        read_activities(path, center.config)
    path.write_text("agent_id,interval_start,activity\nA01,2025-11-15 08:00,break\nA01,2025-11-15 08:00,sales_chat\n", encoding="utf-8")
    with pytest.raises(DataError, match="row 3: agent A01 appears twice"):
        read_activities(path, center.config)


def test_night_shifts_are_counted_by_the_clock(center):
    from scheduler.evaluation.evaluate import agent_table

    rows = [("A01", "day", "2025-11-12 14:00", "2025-11-12 23:00"), ("A02", "day", "2025-11-12 13:00", "2025-11-12 22:00")]
    shifts = pd.DataFrame(
        [
            {
                "agent_id": a,
                "date": pd.Timestamp(b).date(),
                "shift": s,
                "start": pd.Timestamp(b),
                "end": pd.Timestamp(e),
                "paid_minutes": 480,
                "breaks": "",
            }
            for a, s, b, e in rows
        ]
    )
    assert agent_table(center, shifts).set_index("agent_id").night_shifts.to_dict() == {"A01": 1, "A02": 0}


def test_the_first_night_counts_only_when_the_roster_continues_a_previous_one(center):
    shifts, activities = _roster()
    alone = evaluate_roster(center, shifts, activities, _workload())
    realtime = alone.coverage.loc[~alone.coverage.queue.isin(alone.deferred)]
    assert realtime.interval_start.min() == DAY + pd.Timedelta(hours=6)  # the tiny center's night shift reaches 06:00
    assert (alone.worst.interval_start >= DAY + pd.Timedelta(hours=6)).all()
    continued = evaluate_roster(center, shifts, activities, _workload(), has_previous=True)
    assert continued.coverage.loc[continued.coverage.queue == "service_voice"].interval_start.min() == DAY


def test_the_summary_starts_with_each_queue_then_the_roster_status(center):
    shifts, activities = _roster()
    roster_lines = ["Roster FEASIBLE: objective 10.0, proven bound 9.0", "understaffing: at least 1.0 ..."]
    text = summary_text(evaluate_roster(center, shifts, activities, _workload()), roster_lines).splitlines()
    queues = [q.id for q in center.config.queues]
    assert [line.split(":")[0] for line in text[: len(queues)]] == queues
    assert "TARGET MISSED" in text[queues.index("sales_chat")] and "understaffed" in text[queues.index("sales_chat")]
    assert "tickets late" in text[queues.index("complaints_email")]
    assert text[len(queues) : len(queues) + 2] == roster_lines
    voice = text[queues.index("service_voice")]
    assert "abandoned" in voice and "(at most 5%)" in voice  # a queue with an abandon cap says how it stands against it
    assert "abandoned" not in text[queues.index("sales_chat")]


def test_agent_cost_includes_overtime_rest_day_holiday_and_night_premiums(center):
    import dataclasses

    from scheduler.evaluation.evaluate import agent_table

    costs = center.config.costs.model_copy(update={"night_allowance_per_hour": 6.0})
    priced = dataclasses.replace(center, config=center.config.model_copy(update={"costs": costs}))
    rate = costs.hourly_cost

    def week(first: str, days: int, hours: int = 8, start_hour: int = 8) -> pd.DataFrame:
        dates = pd.date_range(first, periods=days)
        starts = dates + pd.Timedelta(hours=start_hour)
        return pd.DataFrame(
            {
                "agent_id": "A02",
                "date": dates.date,
                "shift": "day",
                "start": starts,
                "end": starts + pd.Timedelta(hours=hours),
                "paid_minutes": hours * 60,
                "breaks": "",
            }
        )

    six = agent_table(priced, week("2025-11-10", 6)).iloc[0]
    assert (six.rest_day_hours, six.overtime_hours, six.holiday_hours) == (8, 0, 0)
    assert six.cost == pytest.approx(48 * rate + 8 * rate * (costs.rest_day_multiplier - 1))
    holidays = agent_table(priced, week("2025-09-29", 6)).iloc[0]  # 1-3 Oct are statutory holidays
    assert (holidays.holiday_hours, holidays.rest_day_hours) == (24, 0)
    assert holidays.premium_cost == pytest.approx(24 * rate * (costs.holiday_multiplier - 1))
    night = agent_table(priced, week("2025-11-10", 1, start_hour=22)).iloc[0]
    assert night.premium_cost == pytest.approx(8 * 6.0)


def test_contacts_in_overloaded_intervals_count_in_the_wait_time(center):
    shifts, activities = _roster()
    workload = _workload()
    workload["contacts"] = np.where(workload.queue == "sales_chat", workload.contacts / 8, 0.0)  # a chat an interval: carried
    rush = (workload.queue == "sales_chat") & (workload.interval_start == DAY + pd.Timedelta(hours=10))
    workload.loc[rush, "contacts"] = 400.0  # far more chats than the agents on the queue carry
    result = evaluate_roster(center, shifts, activities, workload)
    rows = result.intervals
    overloaded = rows.loc[rows.overloaded]
    assert ((overloaded.queue == "sales_chat") & (overloaded.interval_start == DAY + pd.Timedelta(hours=10))).any()
    assert not np.isfinite(overloaded.asa_seconds).any()
    assert (overloaded.wait_seconds >= 0).all() and np.isfinite(overloaded.wait_seconds).all()
    assert rows.loc[(rows.queue == "sales_chat") & (rows.interval_start == DAY + pd.Timedelta(hours=10))].wait_seconds.iloc[0] > 600
    live = rows.loc[~rows.deferred & (rows.contacts > 0)]
    finite_only = np.average(live.asa_seconds[~live.overloaded], weights=live.contacts[~live.overloaded])
    assert result.totals["asa_seconds"] > finite_only
    assert result.totals["contacts_overloaded_share"] == pytest.approx(overloaded.contacts.sum() / live.contacts.sum())
    assert "arrive in overloaded intervals" in summary_text(result)
    chat = result.queues.set_index("queue").loc["sales_chat"]
    assert chat.contacts_overloaded_share > 0 and np.isfinite(chat.asa_seconds)
