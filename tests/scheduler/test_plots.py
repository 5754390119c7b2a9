"""Plots are titled and labelled, draw what they claim, and the HTML report embeds them."""

from __future__ import annotations

import base64
import re

import numpy as np
import pandas as pd

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
    figure = plot_roster_gantt(shifts, agents, "alpha", pd.Timestamp("2026-11-09"))
    axis = figure.get_axes()[0]
    assert [label.get_text() for label in axis.get_yticklabels()] == ["A1", "A2"]
    assert len(axis.patches) == 4  # two shifts, two breaks
    assert "team alpha" in axis.get_title()


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
