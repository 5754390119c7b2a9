"""Weekly required FTE from per-interval net requirements: the chain of factors and the peak-day bound."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from capacity_worlds import START, flat_requirements

from scheduler import DataError
from scheduler.capacity import capacity_settings, grow_workload, weekly_required_fte
from scheduler.capacity.requirements import on_queue_share


def test_flat_week_is_net_hours_through_shrinkage_efficiency_and_fte_hours(tiny_center):
    settings = capacity_settings(tiny_center, 2, {"hiring.lead_weeks": 0})
    required = weekly_required_fte(tiny_center.config, settings, flat_requirements(2, {"sales_chat": 2, "service_voice": 1}), START, 2)
    # 2 net agents x 168 h / (1 - 0.2 shrinkage) / 1.0 on-queue share / 0.9 efficiency / 40 h per FTE
    presales = required[required.skill == "presales"]
    assert presales.required_fte.tolist() == pytest.approx([2 * 168 / 0.8 / 0.9 / 40] * 2)
    assert required[required.skill == "aftersales"].required_fte.iloc[0] == pytest.approx(168 / 0.8 / 0.9 / 40)
    assert required[required.skill == "complaints"].required_fte.tolist() == [0.0, 0.0]


def test_paid_breaks_lower_the_on_queue_share(tiny_center):
    assert on_queue_share(tiny_center.config.shifts) == 1.0  # the tiny center's only break is unpaid
    shifts = [s.model_copy(update={"breaks": [b.model_copy(update={"paid": True}) for b in s.shift_breaks]}) for s in tiny_center.config.shifts]
    assert on_queue_share(shifts) == pytest.approx((7 / 8 + 1) / 2)


def test_a_peak_day_needs_everyone_who_works_it(tiny_center):
    settings = capacity_settings(tiny_center, 1, {"hiring.lead_weeks": 0})
    requirements = flat_requirements(1, {"sales_chat": 1})
    peak = requirements.interval_start.dt.date == dt.date(2026, 11, 5)
    requirements.loc[peak, "agents_required"] = 20
    row = weekly_required_fte(tiny_center.config, settings, requirements, START, 1).iloc[0]
    peak_day_paid_hours = 20 * 24 / 0.8 / 0.9
    assert row.peak_day == dt.date(2026, 11, 5)
    assert row.peak_day_fte == pytest.approx(peak_day_paid_hours / 8)  # one 8-hour shift per agent that day
    assert row.week_hours_fte == pytest.approx((6 * 24 / 0.8 / 0.9 + peak_day_paid_hours) / 40)
    assert row.required_fte == pytest.approx(max(row.peak_day_fte, row.week_hours_fte)) == pytest.approx(row.peak_day_fte)


def test_a_forecast_shorter_than_the_horizon_is_a_data_error(tiny_center):
    settings = capacity_settings(tiny_center, 3, {"hiring.lead_weeks": 0})
    with pytest.raises(DataError, match=r"no rows in week 3 of the 3 weeks from 2026-11-02 .*plan fewer weeks"):
        weekly_required_fte(tiny_center.config, settings, flat_requirements(2, {"sales_chat": 1}), START, 3)


def test_growth_compounds_from_the_start():
    workload = pd.DataFrame(
        {"queue": "q", "interval_start": pd.to_datetime(["2026-11-02 00:00", "2027-11-02 06:00"]), "contacts": [100.0, 100.0], "aht_seconds": 300.0}
    )
    grown = grow_workload(workload, START, 0.10)
    assert grown.contacts.tolist() == pytest.approx([100.0, 110.0], rel=1e-3)
    assert grow_workload(workload, START, 0.0) is workload
