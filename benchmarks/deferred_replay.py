"""Independent replay of deferred work (e-mail, tickets) in a plan folder: how many tickets were answered on time.

Reads only the plan's forecast.csv and activities.csv and the center YAML (no staffcast code): for each
queue with `respond_within_hours`, the tickets of an interval arrive at its start with the forecast AHT;
the agents the activities put on the queue, net of shrinkage (of that hour when `shrinkage_by_hour` is
given), work them first come, first served at full pace, spread evenly over each interval. A ticket is on
time when its last second of work is done within `respond_within_hours` of its arrival. Tickets due after
the plan's end count only if done by then (the rest belong to the next plan).

    python benchmarks/deferred_replay.py CENTER.yaml PLAN_FOLDER
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from collections import defaultdict, deque
from pathlib import Path

import yaml


def _time(text: str) -> dt.datetime:
    return dt.datetime.strptime(text[:16], "%Y-%m-%d %H:%M")


def replay_queue(arrivals: list[tuple[dt.datetime, float, float]], agents: dict[dt.datetime, int], shrinkage, step: dt.timedelta, hours: float):
    """(tickets, tickets judged, tickets on time, tickets open at the end) for one queue."""
    arrivals = sorted(arrivals)
    end = arrivals[-1][0] + step
    waiting: deque = deque()  # [arrival, tickets, work seconds, work left, work done by the deadline]
    judged = on_time = 0.0
    moment = arrivals[0][0]
    index = 0
    while moment < end:
        while index < len(arrivals) and arrivals[index][0] == moment:
            start, tickets, aht = arrivals[index]
            if tickets > 0:
                waiting.append([start, tickets, tickets * aht, tickets * aht, 0.0])
            index += 1
        rate = agents.get(moment, 0) * (1 - shrinkage(moment.hour))  # work seconds per second
        clock = moment
        free = rate * step.total_seconds()
        while waiting and free > 1e-9:
            batch = waiting[0]
            used = min(free, batch[3])
            finish = clock + dt.timedelta(seconds=used / rate)
            deadline = batch[0] + dt.timedelta(hours=hours)
            before = used if finish <= deadline else max(0.0, (deadline - clock).total_seconds() * rate)
            batch[4] += before
            batch[3] -= used
            free -= used
            clock = finish
            if batch[3] <= 1e-6 * batch[2]:
                judged += batch[1]
                on_time += batch[1] * min(1.0, batch[4] / batch[2])
                waiting.popleft()
        moment += step
    open_tickets = 0.0
    for start, tickets, work, _, early in waiting:
        if start + dt.timedelta(hours=hours) <= end:
            judged += tickets
            on_time += tickets * early / work
        else:
            open_tickets += tickets
    total = sum(tickets for _, tickets, _ in arrivals)
    return total, judged, on_time, open_tickets


def main(center_path: str, folder: str) -> None:
    center = yaml.safe_load(Path(center_path).read_text(encoding="utf-8"))
    step = dt.timedelta(minutes=int(center.get("interval_minutes", 30)))
    staffing = center.get("staffing", {})
    by_hour = {int(k): float(v) for k, v in (staffing.get("shrinkage_by_hour") or {}).items()}
    base = float(staffing.get("shrinkage", 0.25))

    def shrinkage(hour: int) -> float:
        return by_hour.get(hour, base)

    deferred = {q["id"]: float(q["respond_within_hours"]) for q in center["queues"] if q.get("respond_within_hours")}
    arrivals: dict[str, list] = defaultdict(list)
    with open(Path(folder) / "forecast.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["queue"] in deferred:
                arrivals[row["queue"]].append((_time(row["interval_start"]), float(row["contacts"]), float(row["aht_seconds"])))
    agents: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    with open(Path(folder) / "activities.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["activity"] in deferred:
                agents[row["activity"]][_time(row["interval_start"])] += 1
    print(f"{'queue':<20}{'tickets':>10}{'judged':>10}{'on time':>10}{'late':>10}{'open at end':>13}")
    for queue, hours in deferred.items():
        total, judged, on_time, left = replay_queue(arrivals[queue], agents[queue], shrinkage, step, hours)
        share = on_time / judged if judged else float("nan")
        print(f"{queue:<20}{total:>10,.0f}{judged:>10,.0f}{share:>10.1%}{judged - on_time:>10,.0f}{left:>13,.0f}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
