"""One tiny case per registered rule: fixed assignments, feasible or not, the exact penalty, and the
independent checker's verdict on the same roster."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest
from pydantic import ValidationError
from roster_worlds import BASE, MONDAY, Solved, leave, make_agent, make_center, requirements_frame, shift_row

from scheduler.roster import RULES, check_roster

D0, D1, D2 = MONDAY, MONDAY + dt.timedelta(days=1), MONDAY + dt.timedelta(days=2)
CASES = {}


def case(name):
    def register(function):
        CASES[name] = function
        return function

    return register


def checker_flags(center, rows, rule, days, previous=None, start=MONDAY):
    """The checker's violations of `rule` for a hand-written roster (activities are not checked here)."""
    shifts = pd.DataFrame(rows, columns=["agent_id", "date", "shift", "start", "end", "paid_minutes", "breaks"])
    report = check_roster(center, shifts, None, requirements_frame([], start, days), start, days, previous=previous)
    return [v for v in report.violations if v.rule == rule]


def assert_valid(solved, rule=None, penalty=None):
    assert solved.feasible
    assert solved.report.violations == []
    assert solved.report.penalties.get(rule, 0.0) == pytest.approx(solved.penalties.get(rule, 0.0))
    assert solved.report.objective == pytest.approx(solved.objective)
    if penalty is not None:
        assert solved.penalties.get(rule, 0.0) == penalty


@case("one_shift_per_day")
def _one_shift_per_day():
    center = make_center()

    def both(m):
        m.model.add(m.x[0, 0, 0] + m.x[0, 0, 2] == 2)

    assert not Solved(center, 1, extra=both).feasible
    assert_valid(Solved(center, 1, {("A1", D0): "day@08:00"}))
    assert checker_flags(center, [shift_row(center, "A1", D0, "day@08:00"), shift_row(center, "A1", D0, "night@22:00")], "one_shift_per_day", 1)


@case("leave_days_off")
def _leave_days_off():
    center = make_center(time_off=[leave("A1", D0)])
    assert not Solved(center, 2, {("A1", D0): "day@08:00"}).feasible
    assert_valid(Solved(center, 2, {("A1", D0): None, ("A1", D1): "day@08:00"}))
    assert checker_flags(center, [shift_row(center, "A1", D0, "day@08:00")], "leave_days_off", 2)
    # a night shift may not run into a leave day, inside the horizon or into the day after it
    into = make_center(time_off=[leave("A1", D1)])
    assert not Solved(into, 2, {("A1", D0): "night@22:00"}).feasible
    assert not Solved(into, 1, {("A1", D0): "night@22:00"}).feasible
    assert_valid(Solved(into, 2, {("A1", D0): "day@08:00", ("A1", D1): None}))
    assert checker_flags(into, [shift_row(into, "A1", D0, "night@22:00")], "leave_days_off", 1)


@case("night_shifts_only_for_night_ok")
def _night_shifts_only_for_night_ok():
    center = make_center([make_agent(night_ok=False)])
    assert not Solved(center, 1, {("A1", D0): "night@22:00"}).feasible
    assert_valid(Solved(center, 1, {("A1", D0): "day@09:00"}))
    assert checker_flags(center, [shift_row(center, "A1", D0, "night@22:00")], "night_shifts_only_for_night_ok", 1)
    # night work is decided by the clock: a late shift ending 23:00 has an hour inside 22:00-06:00
    shifts = [*BASE["shifts"], {"id": "late", "start_times": ["14:00", "15:00"], "length_hours": 8, "paid_hours": 8, "breaks": []}]
    late = make_center([make_agent(night_ok=False)], shifts=shifts)
    assert not Solved(late, 1, {("A1", D0): "late@15:00"}).feasible
    assert_valid(Solved(late, 1, {("A1", D0): "late@14:00"}))  # ends 22:00 sharp
    assert checker_flags(late, [shift_row(late, "A1", D0, "late@15:00")], "night_shifts_only_for_night_ok", 1)
    assert not checker_flags(late, [shift_row(late, "A1", D0, "late@14:00")], "night_shifts_only_for_night_ok", 1)
    early_nights = make_center([make_agent(night_ok=False)], shifts=shifts, rules={"night_hours": ["21:00", "05:00"]})
    assert not Solved(early_nights, 1, {("A1", D0): "late@14:00"}).feasible


@case("earliest_start_latest_end")
def _earliest_start_latest_end():
    center = make_center([make_agent(earliest_start="08:30", latest_end="17:00")])
    assert not Solved(center, 1, {("A1", D0): "day@08:00"}).feasible
    assert Solved(center, 1, {("A1", D0): "day@09:00"}).feasible
    late = make_center([make_agent(latest_end="16:30")])
    assert not Solved(late, 1, {("A1", D0): "day@09:00"}).feasible
    assert_valid(Solved(late, 1, {("A1", D0): "day@08:00"}))
    assert checker_flags(center, [shift_row(center, "A1", D0, "day@08:00")], "earliest_start_latest_end", 1)
    # "by 24:00" and "until 02:00" (a time at or before the earliest start, 06:00 when none, is the next morning)
    shifts = [*BASE["shifts"], {"id": "late", "start_times": ["16:00", "18:00"], "length_hours": 8, "paid_hours": 8, "breaks": []}]
    midnight = make_center([make_agent(latest_end="24:00")], shifts=shifts)
    assert_valid(Solved(midnight, 1, {("A1", D0): "late@16:00"}))
    assert not Solved(midnight, 1, {("A1", D0): "late@18:00"}).feasible
    assert checker_flags(midnight, [shift_row(midnight, "A1", D0, "late@18:00")], "earliest_start_latest_end", 1)
    two = make_center([make_agent(latest_end="02:00")], shifts=shifts)
    assert_valid(Solved(two, 1, {("A1", D0): "late@18:00"}))
    assert not Solved(two, 1, {("A1", D0): "night@22:00"}).feasible
    assert not checker_flags(two, [shift_row(two, "A1", D0, "late@18:00")], "earliest_start_latest_end", 1)
    assert checker_flags(two, [shift_row(two, "A1", D0, "night@22:00")], "earliest_start_latest_end", 1)


@case("shift_templates_per_contract")
def _shift_templates_per_contract():
    shifts = [
        *BASE["shifts"],
        {"id": "short", "start_times": ["10:00"], "length_hours": 4, "paid_hours": 4, "breaks": [], "contracts": ["part_time"]},
    ]
    center = make_center([make_agent("A1"), make_agent("P1", contract="part_time")], shifts=shifts)
    assert not Solved(center, 1, {("A1", D0): "short@10:00"}).feasible
    assert_valid(Solved(center, 1, {("A1", D0): "day@08:00", ("P1", D0): "short@10:00"}))
    assert checker_flags(center, [shift_row(center, "A1", D0, "short@10:00")], "shift_templates_per_contract", 1)
    assert not checker_flags(center, [shift_row(center, "P1", D0, "short@10:00")], "shift_templates_per_contract", 1)


@case("min_rest_between_shifts")
def _min_rest_between_shifts():
    center = make_center()
    assert not Solved(center, 2, {("A1", D0): "night@22:00", ("A1", D1): "day@08:00"}).feasible  # 2 h rest
    assert_valid(Solved(center, 2, {("A1", D0): "day@08:00", ("A1", D1): "day@08:00"}))  # 16 h rest
    assert checker_flags(center, [shift_row(center, "A1", D0, "night@22:00"), shift_row(center, "A1", D1, "day@08:00")], "min_rest_between_shifts", 2)
    previous = pd.DataFrame([shift_row(center, "A1", MONDAY - dt.timedelta(days=1), "night@22:00")])
    assert not Solved(center, 1, {("A1", D0): "day@08:00"}, previous=previous).feasible
    assert_valid(Solved(center, 1, {("A1", D0): "night@22:00"}, previous=previous))
    # exactly min_rest_hours is enough, in the model and in the checker, within the horizon and after the previous roster
    exact = make_center(rules={"min_rest_hours": 16})  # a night ending 06:00, the next night at 22:00
    nights = {("A1", D0): "night@22:00", ("A1", D1): "night@22:00"}
    assert_valid(Solved(exact, 2, nights))
    assert_valid(Solved(exact, 1, {("A1", D0): "night@22:00"}, previous=previous))
    assert not checker_flags(exact, [shift_row(exact, "A1", d, "night@22:00") for d in (D0, D1)], "min_rest_between_shifts", 2)
    assert not checker_flags(exact, [shift_row(exact, "A1", D0, "night@22:00")], "min_rest_between_shifts", 1, previous=previous)
    longer = make_center(rules={"min_rest_hours": 16.5})
    assert not Solved(longer, 2, nights).feasible
    assert not Solved(longer, 1, {("A1", D0): "night@22:00"}, previous=previous).feasible
    assert checker_flags(longer, [shift_row(longer, "A1", D0, "night@22:00")], "min_rest_between_shifts", 1, previous=previous)
    # two shifts that both lie in the previous roster are not the new roster's to answer for
    both_old = pd.DataFrame(
        [shift_row(center, "A1", MONDAY - dt.timedelta(days=2), "night@22:00"), shift_row(center, "A1", MONDAY - dt.timedelta(days=1), "day@08:00")]
    )
    assert not checker_flags(center, [], "min_rest_between_shifts", 1, previous=both_old)


@case("max_consecutive_workdays")
def _max_consecutive_workdays():
    center = make_center(rules={"max_consecutive_workdays": 2})
    assert not Solved(center, 3, {("A1", d): "day@08:00" for d in (D0, D1, D2)}).feasible
    assert_valid(Solved(center, 3, {("A1", D0): "day@08:00", ("A1", D1): None, ("A1", D2): "day@08:00"}))
    assert checker_flags(center, [shift_row(center, "A1", d, "day@08:00") for d in (D0, D1, D2)], "max_consecutive_workdays", 3)
    before = [shift_row(center, "A1", MONDAY - dt.timedelta(days=k), "day@08:00") for k in (1, 2)]
    assert not Solved(center, 1, {("A1", D0): "day@08:00"}, previous=pd.DataFrame(before)).feasible


@case("min_days_off_per_week")
def _min_days_off_per_week():
    center = make_center(rules={"min_days_off_per_week": 2})
    week = [MONDAY + dt.timedelta(days=k) for k in range(7)]
    assert not Solved(center, 7, {("A1", d): ("day@08:00" if k < 6 else None) for k, d in enumerate(week)}).feasible
    assert_valid(Solved(center, 7, {("A1", d): ("day@08:00" if k < 5 else None) for k, d in enumerate(week)}))
    # a night shift ending on Saturday morning makes Saturday a worked date, not a rest day
    into_saturday = {("A1", d): ("day@08:00" if k < 4 else "night@22:00" if k == 4 else None) for k, d in enumerate(week)}
    assert not Solved(center, 7, into_saturday).feasible
    rows = [shift_row(center, "A1", d, "day@08:00") for d in week[:4]] + [shift_row(center, "A1", week[4], "night@22:00")]
    assert checker_flags(center, rows, "min_days_off_per_week", 7)
    # leave is not rest: with three leave days, two of the other four dates stay free
    on_leave = make_center(time_off=[leave("A1", d) for d in week[:3]], rules={"min_days_off_per_week": 2})
    assert not Solved(on_leave, 7, {("A1", d): ("day@08:00" if 3 <= k < 6 else None) for k, d in enumerate(week)}).feasible
    assert_valid(Solved(on_leave, 7, {("A1", d): ("day@08:00" if 3 <= k < 5 else None) for k, d in enumerate(week)}))
    assert checker_flags(on_leave, [shift_row(on_leave, "A1", d, "day@08:00") for d in week[3:6]], "min_days_off_per_week", 7)
    # six leave days ask min(2, 7 - 6) = 1 rest day: Sunday
    mostly_leave = make_center(time_off=[leave("A1", d) for d in week[:6]], rules={"min_days_off_per_week": 2})
    assert not Solved(mostly_leave, 7, {("A1", week[6]): "day@08:00"}).feasible
    # a week cut by the end of the horizon: the three dates after it may hold the rest days
    assert_valid(Solved(center, 4, {("A1", d): "day@08:00" for d in week[:4]}))
    assert not Solved(center, 6, {("A1", d): "day@08:00" for d in week[:6]}).feasible
    # a week cut by the start: without a previous roster its first dates may have been rest; with one, they count
    thursday = week[3]
    assert_valid(Solved(center, 4, {("A1", d): "day@08:00" for d in week[3:]}, start=thursday))
    before = pd.DataFrame([shift_row(center, "A1", d, "day@08:00") for d in week[:3]])
    assert not Solved(center, 4, {("A1", d): ("day@08:00" if d < week[6] else None) for d in week[3:]}, start=thursday, previous=before).feasible
    assert_valid(Solved(center, 4, {("A1", d): ("day@08:00" if d < week[5] else None) for d in week[3:]}, start=thursday, previous=before))
    rows = [shift_row(center, "A1", d, "day@08:00") for d in week[3:6]]
    assert checker_flags(center, rows, "min_days_off_per_week", 4, previous=before, start=thursday)
    assert not checker_flags(center, rows, "min_days_off_per_week", 4, start=thursday)


@case("weekly_hours_within_contract")
def _weekly_hours_within_contract():
    center = make_center([make_agent(min_hours_per_week=40, max_hours_per_week=48)], rules={"min_days_off_per_week": 2})
    week = [MONDAY + dt.timedelta(days=k) for k in range(7)]
    assert not Solved(center, 7, {("A1", d): ("day@08:00" if k < 4 else None) for k, d in enumerate(week)}).feasible
    assert_valid(Solved(center, 7, {("A1", d): ("day@08:00" if k < 5 else None) for k, d in enumerate(week)}))
    assert checker_flags(center, [shift_row(center, "A1", d, "day@08:00") for d in week[:4]], "weekly_hours_within_contract", 7)
    # leave credits the contract's daily hours (40 h over 5 workdays = 8 h): two leave days leave 24 h to work
    on_leave = make_center(
        [make_agent(min_hours_per_week=40, max_hours_per_week=48)], time_off=[leave("A1", d) for d in week[:2]], rules={"min_days_off_per_week": 2}
    )
    three = {("A1", d): ("day@08:00" if 2 <= k < 5 else None) for k, d in enumerate(week)}
    assert_valid(Solved(on_leave, 7, three))
    assert not Solved(on_leave, 7, {("A1", d): ("day@08:00" if 2 <= k < 4 else None) for k, d in enumerate(week)}).feasible
    assert not checker_flags(on_leave, [shift_row(on_leave, "A1", d, "day@08:00") for d in week[2:5]], "weekly_hours_within_contract", 7)
    # a week cut by the end asks only what the dates after it cannot supply (8 h each)
    assert_valid(Solved(center, 2, {("A1", D0): None, ("A1", D1): None}))
    assert not Solved(center, 6, {("A1", d): ("day@08:00" if k < 3 else None) for k, d in enumerate(week[:6])}).feasible
    assert_valid(Solved(center, 6, {("A1", d): ("day@08:00" if k < 4 else None) for k, d in enumerate(week[:6])}))
    # the maximum holds in full, to the minute, and counts the previous roster's shifts of the same week
    capped = make_center([make_agent(max_hours_per_week=39.5)])
    assert not Solved(capped, 5, {("A1", d): "day@08:00" for d in week[:5]}).feasible
    assert checker_flags(capped, [shift_row(capped, "A1", d, "day@08:00") for d in week[:5]], "weekly_hours_within_contract", 5)
    short = make_center([make_agent(max_hours_per_week=8)])
    assert not Solved(short, 2, {("A1", D0): "day@08:00", ("A1", D1): "day@08:00"}).feasible
    before = pd.DataFrame([shift_row(capped, "A1", d, "day@08:00") for d in week[:4]])
    friday = week[4]
    assert not Solved(capped, 1, {("A1", friday): "day@08:00"}, start=friday, previous=before).feasible
    assert_valid(Solved(capped, 1, {("A1", friday): None}, start=friday, previous=before))
    assert checker_flags(capped, [shift_row(capped, "A1", friday, "day@08:00")], "weekly_hours_within_contract", 1, previous=before, start=friday)


@case("max_nights_per_week")
def _max_nights_per_week():
    center = make_center(rules={"max_nights_per_week": 1})
    assert not Solved(center, 3, {("A1", D0): "night@22:00", ("A1", D1): None, ("A1", D2): "night@22:00"}).feasible
    assert_valid(Solved(center, 3, {("A1", D0): "night@22:00", ("A1", D1): None, ("A1", D2): None}))
    rows = [shift_row(center, "A1", d, "night@22:00") for d in (D0, D2)]
    assert checker_flags(center, rows, "max_nights_per_week", 3)
    # calendar weeks: Sunday and the next Monday are in different weeks, and a previous night counts
    sunday = MONDAY - dt.timedelta(days=1)
    assert_valid(Solved(center, 2, {("A1", sunday): "night@22:00", ("A1", D0): "night@22:00"}, start=sunday))
    previous = pd.DataFrame([shift_row(center, "A1", MONDAY, "night@22:00")])
    assert not Solved(center, 1, {("A1", D2): "night@22:00"}, start=D2, previous=previous).feasible
    assert checker_flags(center, [shift_row(center, "A1", D2, "night@22:00")], "max_nights_per_week", 1, previous=previous, start=D2)


@case("max_consecutive_nights")
def _max_consecutive_nights():
    center = make_center(rules={"max_consecutive_nights": 2, "min_rest_hours": 8})
    assert not Solved(center, 3, {("A1", d): "night@22:00" for d in (D0, D1, D2)}).feasible
    assert_valid(Solved(center, 3, {("A1", D0): "night@22:00", ("A1", D1): "night@22:00", ("A1", D2): None}))
    assert checker_flags(center, [shift_row(center, "A1", d, "night@22:00") for d in (D0, D1, D2)], "max_consecutive_nights", 3)
    previous = pd.DataFrame([shift_row(center, "A1", MONDAY - dt.timedelta(days=k), "night@22:00") for k in (1, 2)])
    assert not Solved(center, 1, {("A1", D0): "night@22:00"}, previous=previous).feasible
    assert checker_flags(center, [shift_row(center, "A1", D0, "night@22:00")], "max_consecutive_nights", 1, previous=previous)


@case("breaks_inside_windows")
def _breaks_inside_windows():
    # Two breaks with overlapping windows: three agents on the same shift must each get non-overlapping breaks.
    shifts = [
        {
            "id": "day",
            "start_times": ["08:00"],
            "length_hours": 9,
            "paid_hours": 8,
            "breaks": [
                {"minutes": 60, "paid": False, "earliest_after_hours": 2, "latest_after_hours": 4},
                {"minutes": 30, "paid": True, "earliest_after_hours": 2.5, "latest_after_hours": 5},
            ],
        }
    ]
    agents = [make_agent(f"A{i}") for i in range(1, 4)]
    center = make_center(agents, shifts=shifts, weights={"overstaffing": 1})
    requirements = requirements_frame([("q", "10:00", 3), ("q", "10:30", 3), ("q", "11:00", 3)])
    solved = Solved(center, 1, {(a.agent_id, D0): "day@08:00" for a in agents}, requirements=requirements)
    assert_valid(solved, "cover_requirements")
    for row in solved.shifts.itertuples():
        (first, _), (second, _) = sorted(tuple(r.split("-")) for r in row.breaks.split(";"))
        assert first < second
    # windows that force the two breaks to overlap are a config error naming the shift
    clash = [
        {
            **shifts[0],
            "breaks": [
                {"minutes": 60, "paid": False, "earliest_after_hours": 2, "latest_after_hours": 2},
                {"minutes": 30, "paid": True, "earliest_after_hours": 2.5, "latest_after_hours": 2.5},
            ],
        }
    ]
    with pytest.raises(ValidationError, match="shift 'day': its breaks cannot all be placed"):
        make_center(shifts=clash)
    row = shift_row(center, "A1", D0, "day@08:00", breaks="08:30-09:30;10:30-11:00")
    assert checker_flags(center, [row], "breaks_inside_windows", 1)
    # each break inside its window, but overlapping each other
    overlapping = shift_row(center, "A1", D0, "day@08:00", breaks="10:00-11:00;10:30-11:00")
    assert checker_flags(center, [overlapping], "breaks_inside_windows", 1)
    assert not checker_flags(center, [shift_row(center, "A1", D0, "day@08:00", breaks="10:00-11:00;11:00-11:30")], "breaks_inside_windows", 1)
    # breaks are matched to windows in any order: the long break's window also allows it after the short one
    either = [
        {
            **shifts[0],
            "breaks": [
                {"minutes": 60, "paid": False, "earliest_after_hours": 1, "latest_after_hours": 5},
                {"minutes": 30, "paid": True, "earliest_after_hours": 1, "latest_after_hours": 1},
            ],
        }
    ]
    any_order = make_center(shifts=either)
    assert not checker_flags(any_order, [shift_row(any_order, "A1", D0, "day@08:00", breaks="09:00-09:30;12:00-13:00")], "breaks_inside_windows", 1)
    assert_valid(Solved(any_order, 1, {("A1", D0): "day@08:00"}))


def test_checker_flags_starts_activities_and_skills():
    center = make_center(
        [make_agent("A1"), make_agent("B2", skills={"t": 3})],
        queues=[*BASE["queues"], {"id": "r", "channel": "voice", "skill": "t", "answer_within_seconds": 20}],
    )
    row = shift_row(center, "A1", D0, "day@08:00")
    off_grid = {**row, "start": row["start"] + pd.Timedelta(minutes=30), "end": row["end"] + pd.Timedelta(minutes=30)}
    assert checker_flags(center, [off_grid], "shift_template", 1)
    assert not checker_flags(center, [row], "shift_template", 1)
    moments = pd.date_range(row["start"], row["end"], freq="30min", inclusive="left")
    full = pd.DataFrame({"agent_id": "A1", "interval_start": moments, "activity": "q"})

    def activity_problems(activities):
        report = check_roster(center, pd.DataFrame([row]), activities, requirements_frame([], MONDAY, 1, ("q", "r")), MONDAY, 1)
        return [v for v in report.violations if v.rule == "activities"]

    assert activity_problems(full) == []
    assert activity_problems(full.iloc[1:])  # an interval of the shift without an activity
    unskilled = full.copy()
    unskilled.loc[3, "activity"] = "r"  # A1 lacks skill t
    assert activity_problems(unskilled)


@case("cover_requirements")
def _cover_requirements():
    center = make_center(weights={"overstaffing": 1})
    requirements = requirements_frame([("q", "10:00", 3)])
    solved = Solved(center, 1, {("A1", D0): "day@08:00"}, requirements=requirements)
    # shortfall 2 of target 3 (breakpoints 1, 1): 1000 * (2 + 1 + 2 * 1); 15 other intervals overstaffed by 1
    assert_valid(solved, "cover_requirements", 5000 + 15)
    assert solved.report.understaffed_agent_hours == 1.0


@case("paid_hours")
def _paid_hours():
    center = make_center(weights={"paid_hour": 10})
    assert_valid(Solved(center, 1, {("A1", D0): "day@08:00"}), "paid_hours", 80)
    # each agent's hourly_cost relative to costs.hourly_cost (30 by default): a 15-per-hour temp costs half
    cheap = make_center([make_agent(contract="temp", hourly_cost=15.0)], weights={"paid_hour": 10})
    assert_valid(Solved(cheap, 1, {("A1", D0): "day@08:00"}), "paid_hours", 40)


@case("pay_premiums")
def _pay_premiums():
    # paid_hour 10 per hour of pay at costs.hourly_cost 30: a weight unit is 3 CNY
    week = [MONDAY + dt.timedelta(days=k) for k in range(7)]
    center = make_center(weights={"paid_hour": 10})
    five = {("A1", d): ("day@08:00" if k < 5 else None) for k, d in enumerate(week)}
    assert_valid(Solved(center, 7, five), "pay_premiums", 0)
    # a sixth 8 h day: 8 h of overtime, all of it on a rest day, paid double (8 h x 30 = 240 CNY extra = 80)
    six = {("A1", d): ("day@08:00" if k < 6 else None) for k, d in enumerate(week)}
    assert_valid(Solved(center, 7, six), "pay_premiums", 80)
    # 40 h over 5 days against a 36 h standard week: 4 h of workday overtime at 150% (60 CNY extra = 20)
    short_week = make_center(weights={"paid_hour": 10}, rules={"standard_hours_per_week": 36})
    assert_valid(Solved(short_week, 7, five), "pay_premiums", 20)
    # the agent's own hourly cost scales it: 60 per hour doubles it
    dear = make_center([make_agent(hourly_cost=60.0)], weights={"paid_hour": 10})
    assert_valid(Solved(dear, 7, six), "pay_premiums", 160)
    # 1 Oct 2025 (a Wednesday) is a statutory holiday: 8 h at 300% (480 CNY extra = 160); none without the calendar
    national_day = dt.date(2025, 10, 1)
    assert_valid(Solved(center, 1, {("A1", national_day): "day@08:00"}, start=national_day), "pay_premiums", 160)
    no_calendar = make_center(weights={"paid_hour": 10}, costs={"holiday_calendar": "none"})
    assert_valid(Solved(no_calendar, 1, {("A1", national_day): "day@08:00"}, start=national_day), "pay_premiums", 0)
    marked = dataclasses.replace(no_calendar, statutory_days=frozenset({MONDAY}))
    assert_valid(Solved(marked, 1, {("A1", MONDAY): "day@08:00"}), "pay_premiums", 160)
    # the night allowance: 6 CNY per hour on site in 22:00-06:00, 8 h = 48 CNY = 16
    nights = make_center(weights={"paid_hour": 10}, costs={"night_allowance_per_hour": 6})
    assert_valid(Solved(nights, 1, {("A1", D0): "night@22:00"}), "pay_premiums", 16)
    assert_valid(Solved(nights, 1, {("A1", D0): "day@08:00"}), "pay_premiums", 0)
    # the roster avoids the premium: one agent at 48 h against two at 40 h covering the same sixth day
    pair = make_center([make_agent("A1"), make_agent("B2")], weights={"paid_hour": 10})
    need = requirements_frame([("q", f"{h:02d}:{m}", 1) for h in range(8, 16) for m in ("00", "30")], MONDAY, 6)
    for d in range(1, 6):
        need.loc[need.interval_start.dt.normalize() == pd.Timestamp(week[d]), "agents_required"] = need.loc[
            need.interval_start.dt.normalize() == pd.Timestamp(MONDAY), "agents_required"
        ].to_numpy()
    solved = Solved(pair, 6, requirements=need)
    assert solved.feasible and solved.penalties.get("pay_premiums", 0) == 0
    assert_valid(solved)


@case("max_overtime_per_month")
def _max_overtime_per_month():
    week = [MONDAY + dt.timedelta(days=k) for k in range(14)]
    center = make_center(rules={"max_overtime_hours_per_month": 8, "max_consecutive_workdays": 7})
    six = {("A1", d): ("day@08:00" if k % 7 < 6 else None) for k, d in enumerate(week[:7])}
    assert_valid(Solved(center, 7, six))
    seven = {("A1", d): "day@08:00" for d in week[:7]}
    assert not Solved(center, 7, seven).feasible
    assert checker_flags(center, [shift_row(center, "A1", d, "day@08:00") for d in week[:7]], "max_overtime_per_month", 7)
    assert not checker_flags(center, [shift_row(center, "A1", d, "day@08:00") for d in week[:6]], "max_overtime_per_month", 7)
    # two 48 h weeks of the same month: 16 h
    twice = {("A1", d): ("day@08:00" if k % 7 < 6 else None) for k, d in enumerate(week)}
    assert not Solved(center, 14, twice).feasible
    # statutory-holiday work counts too: 1-3 Oct 2025 (24 h) in a 40 h week
    holiday_week = [dt.date(2025, 9, 29) + dt.timedelta(days=k) for k in range(7)]
    tight = make_center(rules={"max_overtime_hours_per_month": 16})
    five = {("A1", d): ("day@08:00" if k < 5 else None) for k, d in enumerate(holiday_week)}
    assert not Solved(tight, 7, five, start=holiday_week[0]).feasible
    assert_valid(Solved(make_center(rules={"max_overtime_hours_per_month": 24}), 7, five, start=holiday_week[0]))
    rows = [shift_row(tight, "A1", d, "day@08:00") for d in holiday_week[:5]]
    assert checker_flags(tight, rows, "max_overtime_per_month", 7, start=holiday_week[0])


@case("time_off_preferences")
def _time_off_preferences():
    center = make_center(time_off=[leave("A1", D0, "preference", 30)])
    assert_valid(Solved(center, 1, {("A1", D0): "day@08:00"}), "time_off_preferences", 30)
    assert_valid(Solved(center, 1, {("A1", D0): None}), "time_off_preferences", 0)


@case("stable_start_times")
def _stable_start_times():
    center = make_center(weights={"start_time_change": 5})
    assert_valid(Solved(center, 2, {("A1", D0): "day@08:00", ("A1", D1): "day@09:00"}), "stable_start_times", 5)
    assert_valid(Solved(center, 3, {("A1", D0): "day@08:00", ("A1", D1): None, ("A1", D2): "day@09:00"}), "stable_start_times", 0)
    previous = pd.DataFrame([shift_row(center, "A1", MONDAY - dt.timedelta(days=1), "day@09:00")])
    assert_valid(Solved(center, 1, {("A1", D0): "day@08:00"}, previous=previous), "stable_start_times", 5)


@case("weekend_fairness")
def _weekend_fairness():
    center = make_center([make_agent("A1"), make_agent("B2")], weights={"weekend_fairness": 20})
    saturday, sunday = dt.date(2025, 11, 15), dt.date(2025, 11, 16)
    fixed = {("A1", saturday): "day@08:00", ("A1", sunday): "day@08:00", ("B2", saturday): None, ("B2", sunday): None}
    assert_valid(Solved(center, 2, fixed, start=saturday), "weekend_fairness", 40)


@case("night_fairness")
def _night_fairness():
    center = make_center([make_agent("A1"), make_agent("B2"), make_agent("C3", night_ok=False)], weights={"night_fairness": 20})
    fixed = {("A1", D0): "night@22:00", ("B2", D0): None, ("C3", D0): None}
    assert_valid(Solved(center, 1, fixed), "night_fairness", 20)


def test_every_registered_rule_has_a_case():
    assert [rule.name for rule in RULES if rule.name not in CASES] == []
    hard = [rule.hard for rule in RULES]
    assert hard == sorted(hard, reverse=True), "hard rules come first in the registry"


@pytest.mark.parametrize("name", sorted(CASES))
def test_rule(name):
    CASES[name]()
