"""Plots are titled and labelled, draw what they claim, and the HTML report embeds them."""

from __future__ import annotations

import base64
import re

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import pytest

from forecasts.plots import plot_forecast
from scheduler.reports.html import Section, figure_png, render_report
from scheduler.reports.plots import plot_coverage, plot_roster_gantt, plot_scenario_bars, plot_scenario_tradeoff, plot_service_heatmap

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _coverage(days: int = 2) -> pd.DataFrame:
    starts = pd.date_range("2026-11-10", periods=48 * days, freq="30min")
    frames = []
    for queue, level in (("chat", 6), ("voice", 3)):
        required = np.full(len(starts), level)
        scheduled = required.copy()
        scheduled[10:14] = level - 2  # 4 intervals short by 2 agents: 4 agent-hours
        frames.append(
            pd.DataFrame(
                {
                    "queue": queue,
                    "interval_start": starts,
                    "agents_required": required,
                    "agents_required_gross": required,
                    "agents_scheduled": scheduled,
                    "service_level": np.where(scheduled < required, 0.4, 0.85),
                    "asa_seconds": 10.0,
                    "abandon_rate": 0.01,
                    "occupancy": 0.8,
                    "contacts": 20.0,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def test_coverage_plot_has_a_panel_per_queue_with_the_shortfall_in_its_title():
    figure = plot_coverage(_coverage(), ["chat", "voice"])
    axes = figure.get_axes()
    assert len(axes) == 2
    assert axes[0].get_title(loc="left") == "chat: understaffed 4 agent-hours"
    assert axes[1].get_ylabel() == "agents"
    assert figure.get_suptitle() == "Required vs scheduled agents per queue"
    assert figure_png(figure).startswith(PNG_MAGIC)


def test_service_heatmap_has_a_day_by_hour_grid_per_queue():
    figure = plot_service_heatmap(_coverage(days=3))
    images = [axis.get_images()[0] for axis in figure.get_axes() if axis.get_images()]
    assert len(images) == 2
    grid = images[0].get_array()
    assert grid.shape == (3, 24)
    assert grid[0, 5] == 0.4 and grid[0, 8] == 0.85  # 05:00-06:59 of day one was short


def test_gantt_draws_one_row_per_team_member_and_breaks():
    shifts = pd.DataFrame(
        {
            "agent_id": ["A1", "A2", "B1"],
            "shift": ["day", "night", "day"],
            "start": pd.to_datetime(["2026-11-10 08:00", "2026-11-10 22:00", "2026-11-10 08:00"]),
            "end": pd.to_datetime(["2026-11-10 17:00", "2026-11-11 07:00", "2026-11-10 17:00"]),
            "breaks": ["12:00-13:00", "02:00-03:00", ""],
        }
    )
    agents = pd.DataFrame({"agent_id": ["A1", "A2", "B1"], "team": ["alpha", "alpha", "beta"]})
    figure = plot_roster_gantt(shifts, agents, "alpha", pd.Timestamp("2026-11-09"), 7)
    axis = figure.get_axes()[0]
    assert [label.get_text() for label in axis.get_yticklabels()] == ["A1", "A2"]
    boxes = _boxes(axis)
    assert [box[:3] for box in boxes] == [(32, 9, 0), (46, 9, 1), (36, 1, 0), (50, 1, 1)]  # two shifts, then their breaks (11 Nov 02:00)
    assert "team alpha" in axis.get_title()


def _boxes(axis) -> list[tuple[int, int, int, tuple]]:
    """(left hour, width in hours, row, RGB) of every box the Gantt chart draws, layer by layer."""
    found = []
    for collection in axis.collections:
        for path, color in zip(collection.get_paths(), collection.get_facecolors()):
            extent = path.get_extents()
            found.append((round(extent.x0), round(extent.width), round((extent.y0 + extent.y1) / 2), tuple(np.round(color[:3], 3))))
    return found


def test_gantt_spans_the_whole_plan_and_shows_leave():
    """A 21-day plan: a shift in the third week is drawn, and so is a leave day (grey, full day, on its agent's row)."""
    shifts = pd.DataFrame(
        {
            "agent_id": ["A1", "A2"],
            "shift": ["day", "day"],
            "start": pd.to_datetime(["2026-11-02 08:00", "2026-11-20 08:00"]),
            "end": pd.to_datetime(["2026-11-02 17:00", "2026-11-20 17:00"]),
            "breaks": ["", ""],
        }
    )
    agents = pd.DataFrame({"agent_id": ["A1", "A2"], "team": ["alpha", "alpha"]})
    leave = pd.DataFrame(
        {"agent_id": ["A1", "A2"], "date": [pd.Timestamp("2026-11-15").date(), pd.Timestamp("2026-12-15").date()], "kind": ["leave", "leave"]}
    )
    figure = plot_roster_gantt(shifts, agents, "alpha", pd.Timestamp("2026-11-01"), 21, leave)
    axis = figure.get_axes()[0]
    assert axis.get_xlim() == (0, 21 * 24)
    boxes = _boxes(axis)
    assert (19 * 24 + 8, 9, 1) in [box[:3] for box in boxes]  # the third-week shift of A2 (row 1), 20 Nov 08:00
    grey = [box[:3] for box in boxes if box[3] == pytest.approx((0xBB / 255,) * 3, abs=1e-3)]
    assert grey == [(14 * 24, 24, 0)]  # A1's leave on 15 Nov; A2's in December is outside the plan
    assert "1 leave days" in axis.get_title() and "2026-11-01 to 2026-11-21" in axis.get_title()


def test_forecast_plot_shows_a_short_history_before_the_forecast():
    history = pd.DataFrame({"queue": "chat", "interval_start": pd.date_range("2026-09-01", "2026-10-31 23:00", freq="h"), "contacts": 10.0})
    forecast = pd.DataFrame({"queue": "chat", "interval_start": pd.date_range("2026-11-01", periods=28 * 24, freq="h"), "contacts": 12.0})
    figure = plot_forecast(history, forecast, [], interval_minutes=60)
    axis = figure.get_axes()[0]
    left, right = (mdates.num2date(x).replace(tzinfo=None) for x in axis.get_xlim())
    assert left == pd.Timestamp("2026-10-25") and right == pd.Timestamp("2026-11-29")  # 7 days of history, 28 of forecast
    shown_history = axis.get_lines()[0].get_xdata()
    assert pd.Timestamp(min(shown_history)) == pd.Timestamp("2026-10-25")
    assert "80% band" not in figure.texts[0].get_text()  # a forecast without contacts_lo/hi draws no band


def test_scenario_plots_label_every_scenario():
    comparison = pd.DataFrame({"scenario": ["base", "bot"], "cost": [100.0, 80.0], "service_level": [0.8, 0.9], "paid_hours": [10.0, 8.0]})
    tradeoff = plot_scenario_tradeoff(comparison)
    assert [t.get_text() for t in tradeoff.get_axes()[0].texts] == ["base", "bot"]
    bars = plot_scenario_bars(comparison, {"cost": "cost", "paid_hours": "paid hours", "missing": "ignored"})
    visible = [axis for axis in bars.get_axes() if axis.get_visible()]
    assert [axis.get_title() for axis in visible] == ["cost", "paid hours"]


def test_report_is_one_self_contained_html_file():
    png = figure_png(plot_coverage(_coverage()))
    html = render_report("Plan <test>", "subtitle", [Section("Numbers", ["a & b"], {"table": pd.DataFrame({"x": [1.5]})}, {"coverage": png})])
    assert html.startswith("<!DOCTYPE html>")
    assert "Plan &lt;test&gt;" in html and "a &amp; b" in html
    sources = re.findall(r'src="([^"]+)"', html)
    assert sources and all(s.startswith("data:image/png;base64,") for s in sources)
    assert base64.b64decode(sources[0].split(",", 1)[1]) == png
    assert "http" not in html
