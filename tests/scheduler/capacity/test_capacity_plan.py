"""The optimized plan on tiny worlds with known answers, re-checked by the independent week-by-week check."""

from __future__ import annotations

import dataclasses

import pytest
from capacity_worlds import START, agents_csv, fte_problem

from scheduler.capacity import CAPACITY_COLUMNS, check_capacity, optimize_capacity
from staffcast.deadline import Deadline

ONE_EACH = agents_csv(("P01", "full_time", "presales:3"), ("S01", "full_time", "aftersales:3"), ("C01", "full_time", "complaints:3"))
WEEK_WAGES = 40 * 30.0  # tiny center: costs.hourly_cost 30, 40 h full time


def solve(problem):
    plan = optimize_capacity(problem, deadline=Deadline(20))
    assert list(plan.table.columns) == CAPACITY_COLUMNS
    assert check_capacity(plan) == []
    return plan


def rows(plan, skill):
    return plan.table[plan.table.skill == skill].reset_index(drop=True)


def test_enough_staff_means_no_action_and_cost_is_the_wage_bill(tmp_path):
    plan = solve(
        fte_problem(tmp_path, {"attrition_rate_per_week": 0, "hiring": {"lead_weeks": 1}}, 4, {"presales": 1, "aftersales": 2, "complaints": 1})
    )
    assert plan.actions.empty
    assert plan.table.gap.sum() == 0
    assert plan.summary["total_cost"] == pytest.approx(4 * (5 * WEEK_WAGES + WEEK_WAGES / 2))  # 5 full-time, 1 part-time
    assert plan.table.groupby("week").available_fte.sum().tolist() == pytest.approx(
        [5.5] * 4, abs=0.02
    )  # all supply shown, once (2 decimals per row)


def test_attrition_shrinks_headcount_and_wages_week_by_week(tmp_path):
    plan = solve(fte_problem(tmp_path, {"attrition_rate_per_week": 0.1, "hiring": {"lead_weeks": 1}}, 3, {}))
    pair = plan.supply[plan.supply.group == "aftersales+presales/full_time"].headcount.tolist()
    assert pair == pytest.approx([2, 1.8, 1.62])
    assert plan.table.groupby("week", sort=False).cost.sum().tolist() == pytest.approx([6600 * 0.9**w for w in range(3)])


def test_hires_start_after_the_lead_time_and_just_in_time_for_the_rise(tmp_path):
    capacity = {
        "attrition_rate_per_week": 0,
        "hiring": {"lead_weeks": 2, "training_days": 7, "max_hires_per_week": 5, "profiles": [{"skill": "presales", "hire_cost": 6000}]},
    }
    plan = solve(fte_problem(tmp_path, capacity, 8, {"presales": [1, 1, 1, 1, 3, 3, 3, 3]}, ONE_EACH))
    presales = rows(plan, "presales")
    assert presales.hires_starting.tolist() == [0, 0, 0, 2, 0, 0, 0, 0]  # a week of training, productive from week 4
    assert presales.in_training.tolist() == [0, 0, 0, 2, 0, 0, 0, 0]
    assert presales.gap.sum() == 0
    assert presales.cost[3] == pytest.approx(2 * 6000 + 3 * WEEK_WAGES)
    hire = plan.actions.iloc[0]
    assert (hire.action, hire.agents, hire.week, hire.decide_by) == ("hire", 2, "2026-11-23", "2026-11-09")


def test_a_one_week_peak_is_covered_by_temps_not_hires(tmp_path):
    pool = {"id": "agency", "skills": ["presales"], "hourly_cost": 50, "max_agents_per_week": 10, "lead_weeks": 1, "productivity": 0.8}
    capacity = {"attrition_rate_per_week": 0, "hiring": {"lead_weeks": 1, "training_days": 0}, "temps": [pool]}
    plan = solve(fte_problem(tmp_path, capacity, 8, {"presales": [1, 1, 1, 1, 1, 3, 1, 1]}, ONE_EACH))
    presales = rows(plan, "presales")
    assert presales.temps.tolist() == pytest.approx([0, 0, 0, 0, 0, 3, 0, 0])  # 3 x 0.8 FTE >= the 2 missing
    assert presales.available_fte[5] == pytest.approx(1 + 2.4)
    assert plan.summary["hires"] == 0
    assert presales.cost[5] == pytest.approx(WEEK_WAGES + 3 * 50 * 40)


def test_weeks_inside_the_lead_time_report_their_gap(tmp_path):
    capacity = {"attrition_rate_per_week": 0, "hiring": {"lead_weeks": 2, "training_days": 0}}
    plan = solve(fte_problem(tmp_path, capacity, 6, {"presales": [3, 3, 1, 1, 1, 1]}, ONE_EACH))
    assert rows(plan, "presales").gap.tolist() == pytest.approx([2, 2, 0, 0, 0, 0])
    assert plan.summary["gap_weeks"] == ["2026-11-02", "2026-11-09"] and plan.summary["gap_fte_weeks"] == pytest.approx(4)
    assert plan.summary["hires"] == 0


def test_a_multi_skilled_agent_is_counted_once(tmp_path):
    agents = agents_csv(("M01", "full_time", "presales:3;aftersales:3"), ("C01", "full_time", "complaints:3"))
    capacity = {"hiring": {"lead_weeks": 1, "max_hires_per_week": 0}}
    plan = solve(fte_problem(tmp_path, capacity, 2, {"presales": 0.6, "aftersales": 0.6}, agents))
    week = plan.table[plan.table.week == START.isoformat()].set_index("skill")
    assert week.available_fte["presales"] + week.available_fte["aftersales"] == pytest.approx(1.0)
    assert week.gap["presales"] + week.gap["aftersales"] == pytest.approx(0.2)
    assert week.gap["presales"] == pytest.approx(0.1)  # the shortfall is shared


def test_cross_training_adds_a_skill_after_the_course(tmp_path):
    agents = agents_csv(
        ("P01", "full_time", "presales:3"),
        ("P02", "full_time", "presales:3"),
        ("S01", "full_time", "aftersales:3"),
        ("C01", "full_time", "complaints:3"),
    )
    capacity = {
        "attrition_rate_per_week": 0,
        "hiring": {"lead_weeks": 1, "max_hires_per_week": 0},
        "cross_training": [{"skill": "aftersales", "course_weeks": 1, "seats_per_week": 1, "cost_per_agent": 500}],
    }
    plan = solve(fte_problem(tmp_path, capacity, 6, {"presales": 1, "aftersales": [1, 1, 1, 2, 2, 2]}, agents))
    courses = plan.actions[plan.actions.action == "cross_training"]
    assert courses.agents.tolist() == [1] and courses.group.tolist() == ["presales/full_time"]
    assert courses.week.iloc[0] <= "2026-11-16"  # back on the floor by week 4
    assert plan.table.gap.sum() == 0


@pytest.fixture
def hiring_plan(tmp_path):
    capacity = {"attrition_rate_per_week": 0.01, "hiring": {"lead_weeks": 2, "training_days": 10, "profiles": [{"skill": "presales"}]}}
    return solve(fte_problem(tmp_path, capacity, 8, {"presales": [1, 1, 3, 3, 3, 3, 3, 3]}, ONE_EACH))


def test_the_check_catches_a_missing_hire(hiring_plan):
    tampered = dataclasses.replace(hiring_plan, actions=hiring_plan.actions.iloc[1:])
    assert any("headcount" in problem for problem in check_capacity(tampered))


def test_the_check_catches_wrong_costs_and_hidden_gaps(hiring_plan):
    table = hiring_plan.table.copy()
    table.loc[5, "cost"] += 500
    assert any("reported cost" in problem for problem in check_capacity(dataclasses.replace(hiring_plan, table=table)))
    table = hiring_plan.table.copy()
    table.loc[table.gap > 0, "gap"] = 0.0
    problems = check_capacity(dataclasses.replace(hiring_plan, table=table))
    assert any("gap 0.0 but required" in p for p in problems) and any("holders supply only" in p for p in problems)


def test_the_check_catches_double_counting(tmp_path):
    agents = agents_csv(("M01", "full_time", "presales:3;aftersales:3"), ("C01", "full_time", "complaints:3"))
    plan = solve(fte_problem(tmp_path, {"hiring": {"lead_weeks": 1, "max_hires_per_week": 0}}, 2, {"presales": 0.6, "aftersales": 0.6}, agents))
    allocation = plan.allocation.copy()
    allocation.loc[allocation.group.str.startswith("aftersales+presales"), "fte"] = 1.0
    table = plan.table.copy()
    table.loc[table.skill != "complaints", ["available_fte", "gap"]] = [1.0, 0.0]
    problems = check_capacity(dataclasses.replace(plan, allocation=allocation, table=table))
    assert any("allocated 2.00 FTE but supplies 1.00" in p for p in problems)


def test_the_same_input_gives_the_same_plan(tmp_path):
    pool = {"id": "agency", "skills": ["presales", "aftersales"], "hourly_cost": 50, "max_agents_per_week": 4}
    capacity = {
        "attrition_rate_per_week": 0.02,
        "hiring": {"lead_weeks": 1},
        "temps": [pool],
        "cross_training": [{"skill": "complaints", "seats_per_week": 1}],
    }
    required = {"presales": [2, 4, 3, 3, 5, 3], "aftersales": [3, 3, 6, 3, 3, 4], "complaints": [1, 1, 2, 2, 3, 3]}
    first, second = (solve(fte_problem(tmp_path / name, capacity, 6, required)) for name in ("a", "b"))
    assert first.table.equals(second.table) and first.actions.equals(second.actions)


def test_approved_leave_takes_agents_out_of_the_weeks_it_covers(tmp_path):
    import datetime as dt

    import pandas as pd
    from capacity_worlds import flat_requirements, write_center

    from scheduler import load_center
    from scheduler.capacity import capacity_problem, capacity_settings

    path = write_center(tmp_path, {"attrition_rate_per_week": 0, "hiring": {"lead_weeks": 3}}, ONE_EACH)
    leave = [START + dt.timedelta(days=7 + k) for k in range(14)]  # weeks 1 and 2: e.g. the start of maternity leave
    (tmp_path / "time_off.csv").write_text("agent_id,date,kind,weight\n" + "".join(f"P01,{d},leave,\n" for d in leave), encoding="utf-8")
    center = load_center(path)
    problem = capacity_problem(center, flat_requirements(4, {q.id: 0 for q in center.config.queues}), START, 4, capacity_settings(center, 4))
    assert problem.absent == {("presales/full_time", 1): pytest.approx(1.0), ("presales/full_time", 2): pytest.approx(1.0)}
    required = pd.DataFrame(
        [(w, k, 1.0 if k == "presales" else 0.0) for w in range(4) for k in center.config.skills], columns=["week", "skill", "required_fte"]
    )
    plan = solve(dataclasses.replace(problem, required=required))
    assert rows(plan, "presales").gap.round(2).tolist() == [0, 1, 1, 0]
