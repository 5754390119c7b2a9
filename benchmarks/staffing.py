"""Staffing engine speed: a year of 15-minute intervals for 10 queues (350,400 queue-intervals).

Loads run from 0 to about 300 Erlangs with an intraday double peak, a weekly pattern, a seasonal
swell and seeded noise. Each row times `compute_requirements` (the full library call: search for the
smallest count and the service figures at it) for 10 queues of one kind (the last row: 9 voice
queues and one email queue, the smallest, whose work fills the valleys of the voice profile); best of 3 runs.

Run: .venv/bin/python benchmarks/staffing.py
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from scheduler.contracts.schema import CenterConfig
from scheduler.staffing.requirements import compute_requirements

QUEUES = 10
INTERVAL_MINUTES = 15
REPEATS = 3


def yearly_workload(queue_ids: list[str], aht_seconds: float, seed: int = 7) -> pd.DataFrame:
    """A year of 15-minute volumes per queue; the busiest queue's mean peak is 250 Erlangs."""
    rng = np.random.default_rng(seed)
    starts = pd.date_range("2026-01-01", periods=365 * 96, freq=f"{INTERVAL_MINUTES}min")
    hour = starts.hour.to_numpy() + starts.minute.to_numpy() / 60
    intraday = np.clip(0.05 + np.exp(-(((hour - 11) / 2.5) ** 2)) + 0.8 * np.exp(-(((hour - 20.5) / 2) ** 2)), 0, None)
    weekly = np.where(starts.day_of_week.to_numpy() >= 5, 0.8, 1.0)
    seasonal = 1 + 0.3 * np.sin(2 * np.pi * starts.day_of_year.to_numpy() / 365)
    frames = []
    for number, queue_id in enumerate(queue_ids):
        peak_erlangs = 250 * (number + 1) / len(queue_ids)
        mean_erlangs = peak_erlangs * intraday * weekly * seasonal / (intraday.max() * 1.3)
        erlangs = mean_erlangs * rng.gamma(100, 1 / 100, size=starts.size)
        contacts = erlangs * INTERVAL_MINUTES * 60 / aht_seconds
        frames.append(pd.DataFrame({"queue": queue_id, "interval_start": starts, "contacts": contacts, "aht_seconds": aht_seconds}))
    return pd.concat(frames, ignore_index=True)


def center(queue_fields: dict, max_occupancy: float) -> CenterConfig:
    """Ten queues with these fields; `first` (if given) replaces the fields of the first (smallest)."""
    shared = {k: v for k, v in queue_fields.items() if k != "first"}
    fields = [dict(shared) for _ in range(QUEUES)]
    if "first" in queue_fields:
        fields[0] = queue_fields["first"]
    queues = [{"id": f"q{number}", "skill": "s", **item} for number, item in enumerate(fields)]
    return CenterConfig(
        name="bench",
        interval_minutes=INTERVAL_MINUTES,
        queues=queues,
        staffing={"max_occupancy": max_occupancy},
        shifts=[{"id": "day", "start_times": ["08:00"], "length_hours": 8, "paid_hours": 8, "breaks": []}],
    )


CASES = [
    ("Erlang C voice, 80% in 20 s", {"channel": "voice", "service_level": 0.8, "answer_within_seconds": 20}, 1.0, 300),
    ("Erlang C voice, + occupancy cap 0.85", {"channel": "voice", "service_level": 0.8, "answer_within_seconds": 20}, 0.85, 300),
    (
        "Erlang A voice exact, patience 180 s, abandon <= 3%",
        {"channel": "voice", "service_level": 0.8, "answer_within_seconds": 20, "patience_seconds": 180, "max_abandon_rate": 0.03},
        1.0,
        300,
    ),
    (
        "Erlang A voice exact, + occupancy cap 0.85",
        {"channel": "voice", "service_level": 0.8, "answer_within_seconds": 20, "patience_seconds": 180, "max_abandon_rate": 0.03},
        0.85,
        300,
    ),
    ("chat c=3 (Erlang C on slots), 80% in 60 s", {"channel": "chat", "service_level": 0.8, "answer_within_seconds": 60, "concurrency": 3}, 1.0, 600),
    (
        "chat c=3 (Erlang A on slots), patience 120 s",
        {"channel": "chat", "service_level": 0.8, "answer_within_seconds": 60, "concurrency": 3, "patience_seconds": 120},
        1.0,
        600,
    ),
    (
        "9 Erlang C voice + 1 email 48 h (valley filling)",
        {"channel": "voice", "service_level": 0.8, "answer_within_seconds": 20, "first": {"channel": "email", "respond_within_hours": 48}},
        0.85,
        300,
    ),
]


def main() -> None:
    print(f"{'model':<55} {'queue-intervals':>15} {'seconds':>8} {'us/interval':>12} {'max load':>9} {'mean agents':>12} {'peak':>5}")
    for label, fields, max_occupancy, aht_seconds in CASES:
        config = center(fields, max_occupancy)
        workload = yearly_workload([q.id for q in config.queues], aht_seconds)
        best = np.inf
        for _ in range(REPEATS):
            began = time.perf_counter()
            table = compute_requirements(config, workload)
            best = min(best, time.perf_counter() - began)
        print(
            f"{label:<55} {len(table):>15,} {best:>8.3f} {best / len(table) * 1e6:>12.2f} "
            f"{(table.contacts * table.aht_seconds).max() / (INTERVAL_MINUTES * 60):>9.1f} {table.agents_required.mean():>12.1f} "
            f"{table.agents_required.max():>5}"
        )


if __name__ == "__main__":
    main()
