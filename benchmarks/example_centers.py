"""The example centers in figures, printed as one table per center.

Volume (ordinary day, busy days, 11.11, channel shares), the 11.11 midnight rush, the agents, the
time to generate and write the history, and the load on the team: paid agent-hours a day that the
staffing engine asks for (net agents / (1 - shrinkage), plus the 30-minute paid break per 8 h) on
the noise-free volume, against the agents' contract hours (full-time 40 h, others their maximum).

Run: .venv/bin/python benchmarks/example_centers.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scheduler import (  # noqa: E402
    Center,
    examples,  # noqa: E402
    load_center,
)
from scheduler.staffing.requirements import compute_requirements  # noqa: E402

ORDINARY = ("2026-09-01", "2026-09-14")
LOAD_PERIODS = {"ordinary week Sep 2026": ("2026-09-07", "2026-09-13"), "November 2025": ("2025-11-01", "2025-11-30")}


def paid_hours_needed(center: Center, history: pd.DataFrame, first: str, last: str) -> pd.Series:
    """Paid agent-hours per day the staffing engine needs for the expected volume of these days."""
    frame = history[history.date.between(first, last)]
    typical_aht = frame[frame.contacts > 0].groupby("queue").aht_seconds.median()
    workload = pd.DataFrame(
        {
            "queue": frame.queue,
            "interval_start": frame.interval_start,
            "contacts": frame.expected_contacts,
            "aht_seconds": frame.aht_seconds.where(frame.contacts > 0, frame.queue.map(typical_aht)),
        }
    )
    required = compute_requirements(center.config, workload)
    net_hours = required.groupby(required.interval_start.dt.date).agents_required.sum() * center.config.interval_minutes / 60
    return net_hours / (1 - center.config.staffing.shrinkage) * 8 / 7.5


def rows(name: str) -> list[tuple[str, str]]:
    started = time.perf_counter()
    history = examples.generate_history(name)
    generate_seconds = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        examples.write_history(name, Path(folder) / "history.csv")
        write_seconds = time.perf_counter() - started
    history["date"] = history.interval_start.dt.normalize()
    center = load_center(examples.center_path(name))
    daily = history.groupby("date").contacts.sum()
    ordinary = daily[ORDINARY[0] : ORDINARY[1]].median()
    channels = history.groupby(history.queue.map({q.id: q.channel for q in center.config.queues})).contacts.sum()
    hourly = history.groupby(history.interval_start.dt.floor("h")).contacts.sum()
    normal_hour = hourly["2025-09-01":"2025-09-14 23:00"].mean()
    agents = center.agents
    available = sum(min(a.max_hours_per_week, 40) if a.contract == "full_time" else a.max_hours_per_week for a in agents) / 7
    out = [
        ("history rows", f"{len(history):,}"),
        ("generate / write history.csv", f"{generate_seconds:.2f} s / {write_seconds:.2f} s"),
        ("ordinary day, median 1-14 Sep 2026 (2025)", f"{ordinary:,.0f} ({daily['2025-09-01':'2025-09-14'].median():,.0f})"),
        ("days >= 8,000 since 2025", f"{(daily['2025-01-01':] >= 8000).sum()}"),
        ("busiest days", ", ".join(f"{d:%Y-%m-%d} {v:,}" for d, v in daily.nlargest(3).items())),
        ("11.11 2025 day total", f"{daily['2025-11-11']:,}"),
        (
            "11.11 2025 00-01h, 01-02h / mean hour Sep 2025",
            f"{hourly[pd.Timestamp('2025-11-11 00:00')]:,} , {hourly[pd.Timestamp('2025-11-11 01:00')]:,} / {normal_hour:.0f}",
        ),
        ("channel shares", ", ".join(f"{c} {v / channels.sum():.1%}" for c, v in channels.items())),
        ("agents (contracts)", f"{len(agents)} ({', '.join(f'{k} {v}' for k, v in Counter(a.contract for a in agents).items())})"),
        ("agents by number of skills", ", ".join(f"{k}: {v}" for k, v in sorted(Counter(len(a.skills) for a in agents).items()))),
        ("night_ok agents", f"{sum(a.night_ok for a in agents)}"),
        ("contract hours a day", f"{available:.0f}"),
    ]
    for label, (first, last) in LOAD_PERIODS.items():
        needed = paid_hours_needed(center, history, first, last)
        out.append(
            (
                f"paid hours needed, {label}",
                f"mean {needed.mean():.0f} ({needed.mean() / available:.0%}), max {needed.max():.0f} ({needed.max() / available:.0%})",
            )
        )
    return out


def main() -> None:
    for name in examples.CENTER_NAMES:
        table = rows(name)
        width = max(len(label) for label, _ in table)
        print(f"\n{name}")
        for label, value in table:
            print(f"  {label:<{width}}  {value}")


if __name__ == "__main__":
    main()
