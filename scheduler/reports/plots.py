"""Plots of a plan and of a what-if comparison, as matplotlib Figures (no pyplot, no global state).

Callers save them (`figure.savefig(path, dpi=...)`) or embed them in the HTML report.
"""

from __future__ import annotations

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from scheduler.reports.hr_export import parse_breaks

SHORTFALL_COLOR = "#d62728"
REQUIRED_COLOR = "#1f77b4"
SCHEDULED_COLOR = "#2ca02c"


def plot_coverage(coverage: pd.DataFrame, queues: list[str] | None = None, deferred: frozenset[str] = frozenset()) -> Figure:
    """Required (gross) vs scheduled agents per queue over the horizon, understaffing shaded.

    Args:
        coverage: the coverage.csv frame (queue, interval_start, agents_required_gross, agents_scheduled).
        queues: the queues to draw, in order (default: all in the frame).
        deferred: deferred queues: their per-interval requirement is only a reference (work is planned by its
            deadlines), so no interval of theirs is shaded as understaffed.
    """
    queues = queues or list(dict.fromkeys(coverage.queue))
    figure = Figure(figsize=(13, 2.3 * len(queues) + 0.8), layout="constrained")
    axes = figure.subplots(len(queues), 1, sharex=True, squeeze=False)[:, 0]
    for axis, queue in zip(axes, queues):
        rows = coverage[coverage.queue == queue].sort_values("interval_start")
        times = rows.interval_start.to_numpy()
        required = rows.agents_required_gross.to_numpy(float)
        scheduled = rows.agents_scheduled.to_numpy(float)
        if queue in deferred:
            axis.step(times, required, where="post", color=REQUIRED_COLOR, linewidth=1.0, linestyle=":", label="reference (deadlines)")
            axis.step(times, scheduled, where="post", color=SCHEDULED_COLOR, linewidth=1.0)
            axis.set_title(f"{queue}: deferred work, planned by its deadlines (see the headline for tickets late)", fontsize=10, loc="left")
            axis.set_ylabel("agents")
            axis.grid(alpha=0.3)
            continue
        axis.step(times, required, where="post", color=REQUIRED_COLOR, linewidth=1.0, label="required (gross)")
        axis.step(times, scheduled, where="post", color=SCHEDULED_COLOR, linewidth=1.0, label="scheduled")
        axis.fill_between(
            times, scheduled, required, where=scheduled < required, step="post", color=SHORTFALL_COLOR, alpha=0.35, label="understaffed"
        )
        short_hours = np.clip(required - scheduled, 0, None).sum() * _interval_hours(rows)
        axis.set_title(f"{queue}: understaffed {short_hours:,.0f} agent-hours", fontsize=10, loc="left")
        axis.set_ylabel("agents")
        axis.grid(alpha=0.3)
    axes[0].legend(loc="upper right", fontsize=8, ncols=3)
    locator = mdates.AutoDateLocator(maxticks=12)
    axes[-1].xaxis.set_major_locator(locator)
    axes[-1].xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    axes[-1].set_xlabel("interval start (local time)")
    figure.suptitle("Required vs scheduled agents per queue")
    return figure


def _interval_hours(rows: pd.DataFrame) -> float:
    steps = rows.interval_start.sort_values().diff().dropna()
    return steps.min().total_seconds() / 3600 if not steps.empty else 0.5


def plot_service_heatmap(coverage: pd.DataFrame) -> Figure:
    """Service level by day (rows) and hour (columns), one panel per queue, volume-weighted per hour.

    Args:
        coverage: queue, interval_start, service_level and contacts (hours without contacts stay blank).
    """
    queues = list(dict.fromkeys(coverage.queue))
    columns = min(2, len(queues))
    rows_count = int(np.ceil(len(queues) / columns))
    days = pd.Index(sorted(coverage.interval_start.dt.normalize().unique()))
    figure = Figure(figsize=(7 * columns, 0.22 * len(days) * rows_count + 1.6 * rows_count + 0.6), layout="constrained")
    axes = figure.subplots(rows_count, columns, squeeze=False)
    image = None
    for axis, queue in zip(axes.ravel(), queues):
        rows = coverage[coverage.queue == queue]
        frame = (
            pd.DataFrame(
                {
                    "day": rows.interval_start.dt.normalize(),
                    "hour": rows.interval_start.dt.hour,
                    "met": rows.service_level * rows.contacts,
                    "contacts": rows.contacts,
                }
            )
            .groupby(["day", "hour"])
            .sum()
        )
        level = (frame.met / frame.contacts.where(frame.contacts > 0)).unstack("hour").reindex(index=days, columns=range(24))
        image = axis.imshow(level.to_numpy(float), aspect="auto", cmap="RdYlGn", vmin=0, vmax=1, interpolation="nearest")
        axis.set_title(queue, fontsize=10, loc="left")
        axis.set_xticks(range(0, 24, 3), [f"{h:02d}" for h in range(0, 24, 3)])
        step = max(1, len(days) // 10)
        axis.set_yticks(range(0, len(days), step), [d.strftime("%a %m-%d") for d in days[::step]], fontsize=8)
        axis.set_xlabel("hour of day")
    for axis in axes.ravel()[len(queues) :]:
        axis.set_visible(False)
    if image is not None:
        figure.colorbar(image, ax=axes.ravel().tolist(), label="service level (share within target)", shrink=0.8)
    figure.suptitle("Service level by day and hour")
    return figure


LEAVE_COLOR = "#bbbbbb"
PREFERENCE_COLOR = "#f3e3a0"


def plot_roster_gantt(
    shifts: pd.DataFrame, agents: pd.DataFrame, team: str, first_day: pd.Timestamp, days: int, time_off: pd.DataFrame | None = None
) -> Figure:
    """The roster of one team over the plan: a bar per shift, breaks white, leave days grey, day-off wishes pale yellow.

    Args:
        shifts: roster rows (agent_id, shift, start, end, breaks).
        agents: agent_id, team (and name) of every agent.
        team: the team to draw.
        first_day, days: the period drawn (the plan's days).
        time_off: agent_id, date, kind (leave or preference) rows, or None.
    """
    first_day = pd.Timestamp(first_day).normalize()
    last = first_day + pd.Timedelta(days=days)
    members = agents[agents.team == team].agent_id.tolist()
    rows = shifts[shifts.agent_id.isin(members)].copy()
    rows["start"], rows["end"] = pd.to_datetime(rows.start), pd.to_datetime(rows.end)
    rows = rows[(rows.end > first_day) & (rows.start < last)]
    absent = pd.DataFrame(columns=["agent_id", "date", "kind"]) if time_off is None else time_off[time_off.agent_id.isin(members)]
    absent = absent[(pd.to_datetime(absent.date) >= first_day) & (pd.to_datetime(absent.date) < last)]
    figure = Figure(figsize=(13 if days <= 14 else 16, 0.28 * max(len(members), 4) + 1.6), layout="constrained")
    axis = figure.subplots()
    colors = {}
    palette = ["#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860", "#da8bc3", "#8c8c8c"]

    def hours(when: pd.Timestamp) -> float:
        return (when - first_day).total_seconds() / 3600

    position = {agent_id: number for number, agent_id in enumerate(members)}
    absences = [
        (hours(pd.Timestamp(row.date)), 24.0, position[row.agent_id], LEAVE_COLOR if row.kind == "leave" else PREFERENCE_COLOR)
        for row in absent.itertuples(index=False)
    ]
    bars, pauses = [], []
    for row in rows.itertuples(index=False):
        color = colors.setdefault(row.shift, palette[len(colors) % len(palette)])
        bars.append((hours(row.start), hours(row.end) - hours(row.start), position[row.agent_id], color))
        for begin, finish in parse_breaks(row.breaks if isinstance(row.breaks, str) else "", row.start):
            pauses.append((hours(begin), hours(finish) - hours(begin), position[row.agent_id], "white"))
    _add_boxes(axis, absences, 0.9, edgecolor="none", linewidth=0, zorder=1)
    _add_boxes(axis, bars, 0.7, edgecolor="black", linewidth=0.3, zorder=2)
    _add_boxes(axis, pauses, 0.7, edgecolor="none", linewidth=0, zorder=3)
    axis.set_ylim(len(members) - 0.5, -0.5)
    axis.set_yticks(range(len(members)), members, fontsize=7)
    axis.set_xlim(0, 24 * days)
    label_every = 1 if days <= 14 else 7
    axis.set_xticks(
        range(0, 24 * days + 1, 24 * label_every), [(first_day + pd.Timedelta(days=d)).strftime("%a %m-%d") for d in range(0, days + 1, label_every)]
    )
    axis.set_xticks(range(0, 24 * days, 24 if label_every > 1 else 6), minor=True)
    axis.grid(axis="x", alpha=0.4)
    axis.grid(axis="x", which="minor", alpha=0.15)
    handles = [Patch(color=c, label=s) for s, c in colors.items()] + [Patch(facecolor="white", edgecolor="grey", label="break")]
    handles += [Patch(color=LEAVE_COLOR, label="leave"), Patch(color=PREFERENCE_COLOR, label="day-off wish")]
    axis.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    axis.set_xlabel("local time")
    end_day = last - pd.Timedelta(days=1)
    axis.set_title(
        f"Roster of team {team}, {first_day:%Y-%m-%d} to {end_day:%Y-%m-%d} ({len(members)} agents, {len(absent[absent.kind == 'leave'])} leave days)"
    )
    return figure


def _add_boxes(axis, boxes: list[tuple[float, float, int, str]], height: float, **style) -> None:
    """Draw (left, width, row, color) boxes as one collection (thousands of shifts stay fast to draw)."""
    if not boxes:
        return
    vertices = [[(x, y - height / 2), (x + w, y - height / 2), (x + w, y + height / 2), (x, y + height / 2)] for x, w, y, _ in boxes]
    axis.add_collection(PolyCollection(vertices, facecolors=[color for *_, color in boxes], **style))


def plot_scenario_tradeoff(
    comparison: pd.DataFrame, name_column: str = "scenario", title: str = "What-if scenarios: cost vs service level"
) -> Figure:
    """Cost vs overall service level, one point per scenario (or site).

    Args:
        comparison: comparison.csv (or network.csv) frame with `name_column`, cost, service_level.
    """
    figure = Figure(figsize=(7.5, 5.5), layout="constrained")
    axis = figure.subplots()
    axis.scatter(comparison.cost, comparison.service_level * 100, s=60, color=REQUIRED_COLOR, zorder=3)
    for name, cost, service_level in zip(comparison[name_column], comparison.cost, comparison.service_level):
        axis.annotate(name, (cost, service_level * 100), textcoords="offset points", xytext=(6, 4), fontsize=9)
    currency = f" ({comparison.currency.dropna().iloc[0]})" if "currency" in comparison and comparison.currency.notna().any() else ""
    axis.set_xlabel(f"cost of paid hours{currency}")
    axis.set_ylabel("service level, all queues (% within target, volume-weighted)")
    axis.set_title(title)
    axis.grid(alpha=0.3)
    axis.margins(x=0.25, y=0.15)
    return figure


def plot_scenario_bars(
    comparison: pd.DataFrame, metrics: dict[str, str], name_column: str = "scenario", title: str = "What-if scenarios side by side"
) -> Figure:
    """One bar chart per metric, a bar per scenario (or site).

    Args:
        comparison: comparison.csv (or network.csv) frame with `name_column`.
        metrics: column -> axis label, in drawing order.
    """
    metrics = {column: label for column, label in metrics.items() if column in comparison}
    columns = 3
    rows_count = int(np.ceil(len(metrics) / columns))
    figure = Figure(figsize=(4.5 * columns, 3.2 * rows_count + 0.6), layout="constrained")
    axes = figure.subplots(rows_count, columns, squeeze=False).ravel()
    names = comparison[name_column].tolist()
    for axis, (column, label) in zip(axes, metrics.items()):
        axis.bar(range(len(names)), comparison[column].to_numpy(float), color=REQUIRED_COLOR)
        axis.set_xticks(range(len(names)), names, rotation=30, ha="right", fontsize=8)
        axis.set_title(label, fontsize=10)
        axis.grid(axis="y", alpha=0.3)
    for axis in axes[len(metrics) :]:
        axis.set_visible(False)
    figure.suptitle(title)
    return figure
