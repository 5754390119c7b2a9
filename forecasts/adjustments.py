"""A planner's adjustments to a forecast: per queue (default every queue) and date range, multiply the
contacts or set a day's total, always with a reason.

An adjustments YAML (`staffcast forecast --adjust`), or the same list under `forecast_adjustments:` in
a center YAML::

    adjustments:
      - {queues: [presales_chat], start: 2026-11-20, end: 2026-11-30, multiply: 1.15, reason: "live-stream campaign"}
      - {start: 2026-12-24, set: 9000, reason: "last year's Christmas Eve"}

`set` is a daily total per queue, spread over the day's intervals by the forecast's own intraday
shape (the band moves with it). Entries apply in the listed order; `end` defaults to `start`.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pandas as pd
from pydantic import Field, ValidationError, field_validator, model_validator

from forecasts.events import iso_date
from staffcast.errors import DataError
from staffcast.strict_model import StrictModel
from staffcast.tables import DatesAsTextLoader, field_problem, load_yaml

VOLUME_COLUMNS = ("contacts", "contacts_lo", "contacts_hi")
ADJUSTMENT_COLUMNS = ["entry", "queues", "first_date", "last_date", "change", "reason", "days", "contacts_before", "contacts_after"]


class ForecastAdjustment(StrictModel):
    """One adjustment: `multiply` the contacts, or `set` each day's total, on some queues and dates."""

    queues: tuple[str, ...] | None = Field(None, min_length=1, description="default: every queue")
    start: datetime.date
    end: datetime.date | None = None
    multiply: float | None = Field(None, gt=0)
    set: float | None = Field(None, ge=0, description="contacts per queue and day")
    reason: str = Field(min_length=1)

    @field_validator("start", "end", mode="before")
    @classmethod
    def _iso_date(cls, value: object) -> object:
        return iso_date(value)

    @field_validator("reason")
    @classmethod
    def _said(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("say why (a campaign, last year's figure, a manager's call)")
        return value.strip()

    @model_validator(mode="after")
    def _one_change(self) -> ForecastAdjustment:
        if (self.multiply is None) == (self.set is None):
            raise ValueError("give exactly one of multiply (e.g. 1.15) or set (contacts per day)")
        if self.end is not None and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self

    @property
    def last_date(self) -> datetime.date:
        return self.end or self.start

    def describe_change(self) -> str:
        return f"x{self.multiply:g}" if self.multiply is not None else f"set {self.set:g}/day"


def read_adjustments(path: Path | str) -> list[ForecastAdjustment]:
    """Read an adjustments YAML (`adjustments:` list); errors name the entry and the field.

    Raises:
        DataError: e.g. "ADJUST.yaml: adjustments[1], field multiply: ...".
    """
    path = Path(path)
    raw = load_yaml(path, loader=DatesAsTextLoader)
    if not isinstance(raw, dict) or set(raw) != {"adjustments"} or not isinstance(raw["adjustments"], list):
        raise DataError(
            f"{path}: expected one top-level field 'adjustments:' holding a list of entries (queues, start, end, multiply or set, reason)."
        )
    adjustments = []
    for number, item in enumerate(raw["adjustments"]):
        if not isinstance(item, dict):
            raise DataError(f"{path}: adjustments[{number}]: expected a mapping with queues, start, end, multiply or set, and reason.")
        try:
            adjustments.append(ForecastAdjustment.model_validate(item))
        except ValidationError as exc:
            error = exc.errors()[0]
            field, message = field_problem(list(error["loc"]), error, "allowed fields: queues, start, end, multiply, set, reason")
            raise DataError(f"{path}: adjustments[{number}], field {field or '(the entry)'}: {message}.") from None
    return adjustments


def apply_adjustments(
    forecast: pd.DataFrame, adjustments: list[ForecastAdjustment], source: str, field: str = "adjustments"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The forecast with the adjustments applied in order, and one row per adjustment (ADJUSTMENT_COLUMNS).

    Days without rows for a queue (closed) are left alone; a `set` day whose intervals are all 0 is spread
    evenly over them.

    Raises:
        DataError: an entry names a queue the forecast does not have (naming `source`, the entry as `field[n]`, and queues).
    """
    table = forecast.copy()
    columns = [c for c in VOLUME_COLUMNS if c in table]
    known = sorted(table.queue.unique())
    days = table.interval_start.dt.normalize()
    rows = []
    for number, adjustment in enumerate(adjustments):
        unknown = [q for q in adjustment.queues or () if q not in known]
        if unknown:
            raise DataError(
                f"{source}: {field}[{number}], field queues: unknown queue(s) {', '.join(unknown)}; the forecast's queues are {', '.join(known)}."
            )
        mask = table.queue.isin(adjustment.queues or known)
        mask &= (days >= pd.Timestamp(adjustment.start)) & (days <= pd.Timestamp(adjustment.last_date))
        before = float(table.loc[mask, "contacts"].sum())
        if adjustment.multiply is not None:
            table.loc[mask, columns] *= adjustment.multiply
        else:
            _set_daily_totals(table, mask, days, adjustment.set, columns)
        rows.append(
            {
                "entry": number,
                "queues": ", ".join(adjustment.queues) if adjustment.queues else "all",
                "first_date": adjustment.start,
                "last_date": adjustment.last_date,
                "change": adjustment.describe_change(),
                "reason": adjustment.reason,
                "days": len(set(zip(table.queue[mask], days[mask]))),
                "contacts_before": before,
                "contacts_after": float(table.loc[mask, "contacts"].sum()),
            }
        )
    return table, pd.DataFrame(rows, columns=ADJUSTMENT_COLUMNS)


def _set_daily_totals(table: pd.DataFrame, mask: pd.Series, days: pd.Series, total: float, columns: list[str]) -> None:
    """Scale each queue-day under `mask` so its contacts sum to `total`; an all-zero day gets an even spread."""
    for _, index in table[mask].groupby([table.queue[mask], days[mask]]).groups.items():
        day_sum = float(table.loc[index, "contacts"].sum())
        if day_sum > 0:
            table.loc[index, columns] *= total / day_sum
        else:
            table.loc[index, columns] = total / len(index)


def adjustment_lines(applied: pd.DataFrame) -> list[str]:
    """One line per applied adjustment, for the terminal and the report."""
    lines = []
    for row in applied.itertuples():
        dates = f"{row.first_date}" if row.first_date == row.last_date else f"{row.first_date}..{row.last_date}"
        effect = (
            f"{row.contacts_before:,.0f} -> {row.contacts_after:,.0f} contacts on {row.days} queue day(s)"
            if row.days
            else "no day of the forecast in range; nothing changed"
        )
        lines.append(f"forecast adjusted: {row.queues} {dates} {row.change} ({row.reason}): {effect}")
    return lines
