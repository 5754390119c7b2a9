"""Checks of an events file against the history and the forecast window, as plain warnings.

Mistakes that silently change a forecast: a `queues:` entry naming no queue of the history, and a
recurring event listed only for past years (or a public holiday past the years `chinesecalendar`
knows), so that the occurrence due in the forecast window is missing.
"""

from __future__ import annotations

import datetime
import difflib

import pandas as pd

from forecasts.events import HOLIDAY_LIBRARY_YEARS, Event

RECURRENCE_SLACK_DAYS = 30  # a yearly event may move (lunar holidays): look this far around its anniversary


def event_warnings(events: list[Event], queues: list[str], first: datetime.date, last: datetime.date) -> list[str]:
    """Warnings for unknown queue names and for yearly events with no occurrence listed where one is due."""
    return _unknown_queues(events, queues) + _missing_occurrences(events, first, last)


def _unknown_queues(events: list[Event], queues: list[str]) -> list[str]:
    warnings, known = [], set(queues)
    for queue in sorted({q for e in events for q in e.queues or () if q not in known}):
        names = sorted({e.name for e in events if queue in (e.queues or ())})
        close = difflib.get_close_matches(queue, sorted(known), n=1, cutoff=0.8)
        hint = f" Did you mean {close[0]}?" if close else " Correct the name if it is a typo."
        warnings.append(
            f"events: {', '.join(repr(n) for n in names)} list(s) queue '{queue}', which the history does not have "
            f"(its queues: {', '.join(sorted(known))}); those events do not apply to it.{hint}"
        )
    return warnings


def _missing_occurrences(events: list[Event], first: datetime.date, last: datetime.date) -> list[str]:
    """A name seen in two or more past years with none listed from the forecast's year on, while its
    anniversary falls in (or near) the forecast window."""
    warnings = []
    window_first, window_last = pd.Timestamp(first), pd.Timestamp(last)
    for name in sorted({e.name for e in events}):
        occurrences = sorted((e for e in events if e.name == name), key=lambda e: e.start)
        years = sorted({e.start.year for e in occurrences})
        if len(years) < 2 or occurrences[-1].end >= first - datetime.timedelta(days=RECURRENCE_SLACK_DAYS):
            continue
        latest = occurrences[-1]
        due = []
        for year in range(latest.start.year + 1, last.year + 2):
            start = pd.Timestamp(latest.start) + pd.DateOffset(years=year - latest.start.year)
            end = pd.Timestamp(latest.end) + pd.DateOffset(years=year - latest.start.year)
            slack = pd.Timedelta(days=RECURRENCE_SLACK_DAYS)
            if start - slack <= window_last and end + slack >= window_first:
                due.append(year)
        if due:
            library = (
                f" chinesecalendar knows public holidays up to {HOLIDAY_LIBRARY_YEARS.stop - 1} only."
                if latest.kind == "holiday" and latest.start.year == HOLIDAY_LIBRARY_YEARS.stop - 1
                else ""
            )
            warnings.append(
                f"events: '{name}' is listed for {', '.join(map(str, years))} but not for {', '.join(map(str, due))}, when the forecast "
                f"would see it; no effect of it is applied then.{library} Add its {', '.join(map(str, due))} dates to the events file."
            )
    return warnings
