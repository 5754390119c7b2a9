"""Turning solver values into the roster.csv and activities.csv frames.

Breaks: the model counts, per skill-set group, day and shift option, how many agents take each break
at each start. Here the i-th agent (in agents.csv order) of that group and shift gets the i-th earliest
start of every break, which never overlaps thanks to the order constraints of `breaks_inside_windows`.

Queues: per group and interval the model gives how many members serve each queue; agents keep the
queue they served in the interval before while that queue has room, the rest fill the remaining room
in queue order.

A break shorter than an interval (15 minutes on a 30-minute grid) is written exactly in roster.csv;
in activities.csv the whole interval it starts in is `break` (coverage is counted conservatively).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable

import pandas as pd

from scheduler.roster.model import RosterModel
from scheduler.roster.rules import RuleVariables


def _clock(moment: pd.Timestamp) -> str:
    return f"{moment:%H:%M}"


def extract_roster(m: RosterModel, variables: RuleVariables, value: Callable[[object], int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The shifts and activities frames of the solution read through `value(variable)`."""
    horizon, step = m.horizon, m.horizon.interval_minutes
    stamp = functools.lru_cache(maxsize=None)(horizon.timestamp)  # the same few thousand intervals, many times
    group_of = {a: g for g, group in enumerate(m.groups) for a in group.members}
    shift_rows, working = [], defaultdict(list)  # working[(g, t)] -> agents on shift and not on break
    taken: dict[tuple[int, int, int], list[int]] = defaultdict(list)
    for (a, d, o), variable in m.x.items():
        if value(variable):
            taken[group_of[a], d, o].append(a)
    for (g, d, o), members in sorted(taken.items()):
        option = m.options[o]
        first = horizon.first_interval(d, option)
        starts_per_break = [
            [offset for offset in slot.offsets for _ in range(value(m.b[g, d, o, k, offset]))] for k, slot in enumerate(option.breaks)
        ]
        for i, a in enumerate(sorted(members)):
            start = stamp(first)
            on_break, ranges = set(), []
            for slot, offsets in zip(option.breaks, starts_per_break):
                offset = offsets[i]
                on_break.update(range(first + offset, first + offset + slot.length_intervals))
                begin = stamp(first + offset)
                ranges.append(f"{_clock(begin)}-{_clock(begin + pd.Timedelta(minutes=slot.minutes))}")
            shift_rows.append(
                {
                    "agent_id": m.agents[a].agent_id,
                    "date": horizon.date(d),
                    "shift": option.shift_id,
                    "start": start,
                    "end": start + pd.Timedelta(minutes=option.length_minutes),
                    "paid_minutes": option.paid_minutes,
                    "breaks": ";".join(ranges),
                }
            )
            for t in range(first, first + option.length_minutes // step):
                if t not in on_break:
                    working[g, t].append(a)
            activity_breaks = [(m.agents[a].agent_id, stamp(t), "break") for t in sorted(on_break)]
            shift_rows[-1]["_breaks"] = activity_breaks
    index = {agent.agent_id: a for a, agent in enumerate(m.agents)}
    for agent_id, shifts in m.previous.items():
        for shift in shifts:
            for t in shift.working_intervals():
                if t >= 0:
                    working[group_of[index[agent_id]], t].append(index[agent_id])
    activity_rows = [row for shift in shift_rows for row in shift.pop("_breaks")]
    activity_rows += [
        (agent_id, stamp(t), "break") for agent_id, shifts in m.previous.items() for shift in shifts for t in sorted(shift.break_intervals) if t >= 0
    ]
    activity_rows += _assign_queues(m, variables.coverage.flows, working, value, stamp)
    shifts_frame = pd.DataFrame(shift_rows, columns=["agent_id", "date", "shift", "start", "end", "paid_minutes", "breaks"])
    activities = pd.DataFrame(activity_rows, columns=["agent_id", "interval_start", "activity"])
    order = {agent.agent_id: a for a, agent in enumerate(m.agents)}
    shifts_frame = shifts_frame.assign(_order=shifts_frame.agent_id.map(order)).sort_values(["_order", "start"])
    activities = activities.assign(_order=activities.agent_id.map(order)).sort_values(["_order", "interval_start"], kind="stable")
    shifts_frame = shifts_frame.drop(columns="_order").reset_index(drop=True)
    activities = activities.drop(columns="_order").reset_index(drop=True)
    return shifts_frame, activities


def _assign_queues(m: RosterModel, flows: dict, working: dict, value: Callable[[object], int], stamp: Callable[[int], pd.Timestamp]) -> list[tuple]:
    """Hand each group's per-interval queue counts to its working members, keeping agents on their last queue."""
    rows, last_queue = [], {}
    for g, t in sorted(working, key=lambda key: (key[1], key[0])):
        queues = m.groups[g].queues
        agents = sorted(working[g, t])
        room = {q: (len(agents) if len(queues) == 1 else value(flows[g, q, t])) for q in queues}
        if sum(room.values()) != len(agents):
            raise AssertionError(f"group {queues} at interval {t}: {len(agents)} agents working but the queue counts sum to {sum(room.values())}")
        unplaced = []
        for a in agents:
            queue = last_queue.get(a)
            if queue in room and room[queue] > 0:
                room[queue] -= 1
                rows.append((m.agents[a].agent_id, stamp(t), queue))
            else:
                unplaced.append(a)
        for a in unplaced:
            queue = next(q for q in queues if room[q] > 0)
            room[queue] -= 1
            last_queue[a] = queue
            rows.append((m.agents[a].agent_id, stamp(t), queue))
    return rows
