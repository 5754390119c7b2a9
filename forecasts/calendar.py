"""Calendar features: which event touches which day, and at which position relative to it.

Each day near an occurrence of an event gets a key: `pre-3` (three days before the start),
`day-0` (the first day; the first half of the event counts from its start), `end-0` (the last day;
the second half counts back from its end, so occurrences of different lengths align at both ends),
`post-1` (the day after the end).
Occurrences of the same-named event share keys across years, so their effects can be averaged.
"""

from __future__ import annotations

import datetime

import pandas as pd

from forecasts.events import Event

DAYS_BEFORE = 21
DAYS_AFTER = 28


def event_days(events: list[Event], queue: str, first: datetime.date, last: datetime.date) -> pd.DataFrame:
    """Event positions per day for one queue between two dates (inclusive).

    Returns:
        Frame with columns date (Timestamp), name, kind, key, occurrence (the start date of the occurrence).
    """
    rows = []
    first, last = pd.Timestamp(first), pd.Timestamp(last)
    for event in events:
        if not event.applies_to(queue):
            continue
        start, end = pd.Timestamp(event.start), pd.Timestamp(event.end)
        if end + pd.Timedelta(days=DAYS_AFTER) < first or start - pd.Timedelta(days=DAYS_BEFORE) > last:
            continue
        for offset in range(-DAYS_BEFORE, (end - start).days + DAYS_AFTER + 1):
            day = start + pd.Timedelta(days=offset)
            if offset < 0:
                key = f"pre-{-offset}"
            elif day <= end:
                from_end = (end - day).days
                key = f"day-{offset}" if offset < from_end else f"end-{from_end}"
            else:
                key = f"post-{(day - end).days}"
            if first <= day <= last:
                rows.append((day, event.name, event.kind, key, start))
    frame = pd.DataFrame(rows, columns=["date", "name", "kind", "key", "occurrence"])
    return frame.drop_duplicates(["date", "name", "key"]).reset_index(drop=True)  # an event listed twice counts once


def in_event(keys: pd.Series) -> pd.Series:
    """True for keys inside an event (not the days before or after)."""
    return keys.str.startswith(("day-", "end-"))
