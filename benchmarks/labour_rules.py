"""Read a written roster by calendar date, as a labour inspector would, and count broken labour rules.

    python benchmarks/labour_rules.py CENTER.yaml ROSTER.csv

Counts agent-dates worked on approved leave, calendar weeks (all seven dates inside the roster) with fewer
rest days than the rules ask, shifts of agents without night_ok that touch the night hours, turnarounds
shorter than min_rest_hours, and calendar weeks paid above max_hours_per_week. It reads the files with
the standard library only and shares no code with staffcast, so it is a check on the checker too.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from collections import defaultdict
from pathlib import Path

import yaml

DAY = dt.timedelta(days=1)
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def _clock(text: str) -> dt.timedelta:
    hours, minutes = text.split(":")
    return dt.timedelta(hours=int(hours), minutes=int(minutes))


def _night_overlap(begin: dt.datetime, end: dt.datetime, night: tuple[str, str]) -> dt.timedelta:
    """How much of [begin, end) lies in the night window of any date."""
    first, last = _clock(night[0]), _clock(night[1])
    if last <= first:
        last += DAY
    total = dt.timedelta(0)
    midnight = dt.datetime.combine(begin.date() - DAY, dt.time())
    while midnight < end:
        total += max(dt.timedelta(0), min(end, midnight + last) - max(begin, midnight + first))
        midnight += DAY
    return total


def _dates(begin: dt.datetime, end: dt.datetime) -> set[dt.date]:
    """Calendar dates with at least one worked minute of [begin, end)."""
    last = (end - dt.timedelta(minutes=1)).date()
    return {begin.date() + k * DAY for k in range((last - begin.date()).days + 1)}


def count_violations(center_path: Path, roster_path: Path) -> dict[str, int]:
    """The labour-rule counts of one roster file."""
    center = yaml.safe_load(center_path.read_text(encoding="utf-8"))
    rules = center.get("rules") or {}
    min_rest = dt.timedelta(hours=rules.get("min_rest_hours", 11))
    min_off = rules.get("min_days_off_per_week", 2)
    night = tuple(rules.get("night_hours", ["22:00", "06:00"]))
    week_start = WEEKDAYS.index(rules.get("week_start", "monday"))
    with open(center_path.parent / center["agents"], encoding="utf-8") as handle:
        agents = {row["agent_id"]: row for row in csv.DictReader(handle)}
    leave: set[tuple[str, dt.date]] = set()
    if center.get("time_off"):
        with open(center_path.parent / center["time_off"], encoding="utf-8") as handle:
            leave = {(r["agent_id"], dt.date.fromisoformat(r["date"])) for r in csv.DictReader(handle) if r["kind"] == "leave"}
    shifts = defaultdict(list)
    with open(roster_path, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            begin, end = dt.datetime.fromisoformat(row["start"]), dt.datetime.fromisoformat(row["end"])
            shifts[row["agent_id"]].append((begin, end, int(row["paid_minutes"])))
    all_starts = [b for rows in shifts.values() for b, _, _ in rows]
    first_date, last_date = min(all_starts).date(), max(all_starts).date()
    counts = dict.fromkeys(["leave_worked", "weeks_short_of_rest_days", "night_work_not_night_ok", "short_rest", "weeks_over_max_hours"], 0)
    for agent_id, rows in shifts.items():
        rows.sort()
        worked = set().union(*(_dates(b, e) for b, e, _ in rows))
        counts["leave_worked"] += sum((agent_id, d) in leave for d in worked)
        night_ok = agents[agent_id].get("night_ok", "").strip().lower() not in ("false", "no", "0")
        if not night_ok:
            counts["night_work_not_night_ok"] += sum(_night_overlap(b, e, night) > dt.timedelta(0) for b, e, _ in rows)
        counts["short_rest"] += sum(after[0] - before[1] < min_rest for before, after in zip(rows, rows[1:]))
        monday = first_date - dt.timedelta(days=(first_date.weekday() - week_start) % 7)
        while monday <= last_date:
            week = [monday + k * DAY for k in range(7)]
            paid = sum(p for b, _, p in rows if monday <= b.date() < monday + 7 * DAY)
            if paid > float(agents[agent_id]["max_hours_per_week"]) * 60:
                counts["weeks_over_max_hours"] += 1
            if week[0] >= first_date and week[-1] <= last_date:
                on_leave = sum((agent_id, d) in leave for d in week)
                rest = sum(d not in worked and (agent_id, d) not in leave for d in week)
                counts["weeks_short_of_rest_days"] += rest < min(min_off, 7 - on_leave)
            monday += 7 * DAY
    return counts


def main() -> None:
    counts = count_violations(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"{'rule':<28}{'violations':>11}")
    for rule, count in counts.items():
        print(f"{rule:<28}{count:>11}")


if __name__ == "__main__":
    main()
