"""The event calendar: promotions, holidays, campaigns and outages that move contact volume.

events.yaml format::

    chinese_public_holidays: true      # optional: add China's public holidays from `chinesecalendar`
    events:
      - {name: double11, kind: promotion, start: 2025-11-11, end: 2025-11-11}
      - {name: spring_festival, kind: holiday, start: 2025-01-28, end: 2025-02-04, queues: [presales_chat]}
      - {name: founders_day, kind: holiday, start: 2025-06-01, end: 2025-06-01, statutory: true}   # paid the holiday rate

Recurring events share a `name` across years; their effect is learned from past occurrences.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from staffcast.errors import DataError
from staffcast.strict_model import StrictModel
from staffcast.tables import DatesAsTextLoader, load_yaml

HOLIDAY_LIBRARY_YEARS = range(2004, 2027)  # years chinesecalendar 1.11 knows


def iso_date(value: object) -> object:
    """A YAML date field as a date: ISO text is parsed, a date-time refused (pydantic checks the rest)."""
    if isinstance(value, datetime.datetime):
        raise ValueError("give a date (YYYY-MM-DD), not a date-time")
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"'{value}' is not an ISO date (YYYY-MM-DD)") from None
    return value


class Event(StrictModel):
    """One occurrence of an event; dates are inclusive local calendar days."""

    name: str = Field(min_length=1)
    kind: Literal["promotion", "holiday", "campaign", "outage"]
    start: datetime.date
    end: datetime.date
    queues: tuple[str, ...] | None = None
    statutory: bool = False

    @field_validator("start", "end", mode="before")
    @classmethod
    def _iso_date(cls, value: object) -> object:
        return iso_date(value)

    @model_validator(mode="after")
    def _ordered(self) -> Event:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        if self.statutory and self.kind != "holiday":
            raise ValueError("statutory: true (work on these days is paid the holiday rate) applies to holidays only")
        return self

    def applies_to(self, queue: str) -> bool:
        """Whether the event touches this queue (no `queues` list means all queues)."""
        return self.queues is None or queue in self.queues


class _EventsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    chinese_public_holidays: bool = False
    events: list[dict] = Field(default_factory=list)


def read_events(path: Path | str) -> list[Event]:
    """Read an events YAML; errors name the event (index and name) and the field.

    Raises:
        DataError for unknown fields, a wrong kind, a non-ISO date or an end before the start.
    """
    path = Path(path)
    raw = load_yaml(path, loader=DatesAsTextLoader)
    if raw is None:
        return []
    if not isinstance(raw, dict):
        raise DataError(f"{path}: expected a mapping with an 'events:' list at the top level.")
    try:
        document = _EventsFile.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise DataError(f"{path}: field '{field}': {first['msg']}. Allowed top-level fields: chinese_public_holidays, events.") from None
    events = []
    for index, item in enumerate(document.events):
        label = f"events[{index}]" + (f" ({item.get('name')})" if isinstance(item, dict) and item.get("name") else "")
        if not isinstance(item, dict):
            raise DataError(f"{path}: {label}: expected a mapping with name, kind, start, end[, queues].")
        try:
            events.append(Event.model_validate(item))
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(part) for part in first["loc"]) or "(event)"
            raise DataError(
                f"{path}: {label}, field '{field}': {first['msg']}. "
                "Each event needs name, kind (promotion|holiday|campaign|outage), start and end (YYYY-MM-DD)."
            ) from None
    if document.chinese_public_holidays:
        events.extend(chinese_holidays(HOLIDAY_LIBRARY_YEARS)[0])
    return events


def chinese_holidays(years) -> tuple[list[Event], list[str]]:
    """China's public holidays (with their bridge days off) as holiday events, from `chinesecalendar`.

    Years the library does not cover are skipped with a warning instead of failing.

    Returns:
        (events named like `spring_festival`, `national_day`, warnings).
    """
    import chinese_calendar

    events, warnings, skipped = [], [], []
    for year in years:
        if year not in HOLIDAY_LIBRARY_YEARS:
            skipped.append(year)
            continue
        days = [d for d in chinese_calendar.get_dates(datetime.date(year, 1, 1), datetime.date(year, 12, 31))]
        run: list[tuple[datetime.date, str]] = []
        for day in days + [None]:
            name = None
            if day is not None:
                on_holiday, label = chinese_calendar.get_holiday_detail(day)
                name = label if on_holiday and label else None
            if run and (name != run[-1][1] or day - run[-1][0] != datetime.timedelta(days=1)):
                events.append(Event(name=_snake(run[0][1]), kind="holiday", start=run[0][0], end=run[-1][0]))
                run = []
            if name:
                run.append((day, name))
    if skipped:
        warnings.append(
            f"chinesecalendar covers {HOLIDAY_LIBRARY_YEARS.start}-{HOLIDAY_LIBRARY_YEARS.stop - 1}; no public holidays "
            f"for {', '.join(map(str, skipped))}. List those holidays in events.yaml by hand."
        )
    return events, warnings


def _snake(label: str) -> str:
    return label.strip().lower().replace("-", " ").replace("'", "").replace(" ", "_")
