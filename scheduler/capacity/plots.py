"""Capacity plots as matplotlib Figures (no pyplot): required vs available FTE, and the hiring calendar."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from scheduler.capacity.problem import CapacityPlan

REQUIRED_COLOR = "#1f77b4"
AVAILABLE_COLOR = "#2ca02c"
GAP_COLOR = "#d62728"
EVENT_COLOR = "#ff7f0e"


def plot_capacity(plan: CapacityPlan, events=()) -> Figure:
    """Required vs available FTE per week, one panel per skill; gaps shaded, events and peaks marked.

    Args:
        plan: the capacity plan.
        events: objects with name, kind, start, end (forecasts.Event); promotions and holidays that
            overlap the horizon are shaded and named.
    """
    table = plan.table.assign(week=pd.to_datetime(plan.table.week))
    skills = list(dict.fromkeys(table.skill))
    figure = Figure(figsize=(13, 2.2 * len(skills) + 1.0), layout="constrained")
    axes = figure.subplots(len(skills), 1, sharex=True, squeeze=False)[:, 0]
    first = table.week.min()
    last = table.week.max() + pd.Timedelta(days=7)
    shown = _events_in(events, first, last)
    for axis, skill in zip(axes, skills):
        rows = table[table.skill == skill]
        weeks = np.append(rows.week.to_numpy(), last.to_datetime64())
        required = np.append(rows.required_fte.to_numpy(float), rows.required_fte.iloc[-1])
        available = np.append(rows.available_fte.to_numpy(float), rows.available_fte.iloc[-1])
        for event in shown:
            axis.axvspan(
                max(pd.Timestamp(event.start), first), pd.Timestamp(event.end) + pd.Timedelta(days=1), color=EVENT_COLOR, alpha=0.15, linewidth=0
            )
        axis.step(weeks, required, where="post", color=REQUIRED_COLOR, label="required FTE")
        axis.step(weeks, available, where="post", color=AVAILABLE_COLOR, label="available FTE")
        axis.fill_between(weeks, available, required, where=available < required, step="post", color=GAP_COLOR, alpha=0.35, label="gap")
        peak = rows.loc[rows.required_fte.idxmax()]
        axis.annotate(
            f"peak {peak.required_fte:.0f}",
            (peak.week + pd.Timedelta(days=3.5), peak.required_fte),
            textcoords="offset points",
            xytext=(0, 4),
            ha="center",
            fontsize=8,
        )
        axis.set_title(f"{skill}: gap {rows.gap.sum():,.1f} FTE-weeks", fontsize=10, loc="left")
        axis.set_ylabel("FTE")
        axis.set_ylim(0, 1.2 * max(required.max(), available.max(), 1.0))
        axis.set_xlim(first, last)
        axis.grid(alpha=0.3)
    top = axes[0]
    for event in shown:
        top.text(max(pd.Timestamp(event.start), first), top.get_ylim()[1], event.name, rotation=90, va="top", ha="left", fontsize=7, color="#8c4a00")
    axes[0].legend(loc="lower right", fontsize=8, ncols=3)
    axes[-1].set_xlabel("week starting")
    figure.suptitle(f"Required vs available FTE per week (shaded: events); total cost {plan.summary.get('total_cost', 0):,.0f}")
    return figure


def _events_in(events, first: pd.Timestamp, last: pd.Timestamp) -> list:
    chosen, seen = [], set()
    for event in events:
        if event.kind not in ("promotion", "holiday", "campaign"):
            continue
        start, end = pd.Timestamp(event.start), pd.Timestamp(event.end)
        if end < first or start >= last or (event.name, event.start) in seen:
            continue
        seen.add((event.name, event.start))
        chosen.append(event)
    return chosen


def plot_hiring_calendar(plan: CapacityPlan) -> Figure:
    """Agents per week: hires starting (by skill, with the week to decide by), temps booked, courses started."""
    actions = plan.actions.assign(week=pd.to_datetime(plan.actions.week))
    weeks = pd.to_datetime(pd.Series([plan.problem.week_start(t) for t in range(plan.problem.weeks)]))
    figure = Figure(figsize=(13, 7), layout="constrained")
    axes = figure.subplots(3, 1, sharex=True)
    panels = [
        ("hire", "hires starting (decide lead time earlier)"),
        ("temp", "temp agents booked"),
        ("cross_training", "agents starting a cross-training course"),
    ]
    for axis, (action, title) in zip(axes, panels):
        rows = actions[actions.action == action]
        key = "group" if action == "temp" else "skill"
        bottom = np.zeros(len(weeks))
        for name in sorted(rows[key].unique()):
            counts = rows[rows[key] == name].groupby("week").agents.sum().reindex(weeks, fill_value=0).to_numpy(float)
            axis.bar(weeks, counts, width=6, bottom=bottom, align="edge", label=name)
            bottom += counts
        axis.set_title(f"{title}: {int(rows.agents.sum())} in total", fontsize=10, loc="left")
        axis.set_ylabel("agents")
        axis.grid(alpha=0.3, axis="y")
        if not rows.empty:
            axis.legend(loc="upper right", fontsize=8, ncols=4)
    axes[-1].set_xlabel("week starting")
    axes[-1].set_xlim(weeks.iloc[0], weeks.iloc[-1] + dt.timedelta(days=7))
    figure.suptitle("Hiring calendar")
    return figure
