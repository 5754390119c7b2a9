"""The parameters of an example center's history generator (its `generator.yaml`), validated.

Each center folder holds a `generator.yaml` that describes, in planner's terms, how its contacts
behave: the ordinary-day volume per queue, growth, weekly and intraday shapes, handle times,
noise, and what each event of `events.yaml` does to volume (by day and by hour).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from staffcast.errors import ConfigError
from staffcast.strict_model import StrictModel
from staffcast.tables import load_yaml


class QueueProfile(StrictModel):
    """How one queue's contacts and handle times behave on an ordinary day."""

    daily_contacts: float = Field(gt=0, description="ordinary-day contacts at `level_date`")
    intraday: str = Field(description="name of a pattern in `intraday_patterns`")
    weekday_factors: list[float] = Field(min_length=7, max_length=7, description="Monday..Sunday, normalised to mean 1")
    aht_seconds: float = Field(gt=0)
    aht_swing: float = Field(0.0, ge=0, lt=1, description="relative amplitude of the daily AHT cycle")
    aht_peak_hour: float = Field(12, ge=0, lt=24, description="hour of day when AHT is longest")
    aht_busy_day_uplift: float = Field(0.0, ge=0, description="AHT grows by this share per unit of extra day volume")
    aht_cv: float = Field(0.7, gt=0, description="coefficient of variation of one contact's handle time")


class Effect(StrictModel):
    """What an event does to some queues on some days (and optionally some hours of those days).

    `anchor: start` or `end` counts `days` from the event's first or last day; `span` covers every
    day of the event. `multiplier` is constant or ramps linearly [first, last] across the days.
    `hours` multiplies the listed hours of those days on top (hour of day -> factor).
    """

    label: str
    anchor: Literal["start", "end", "span"]
    days: tuple[int, int] | None = None
    multiplier: float | tuple[float, float] = 1.0
    hours: dict[int, float] = Field(default_factory=dict)
    queues: list[str] | None = None

    @model_validator(mode="after")
    def _days_match_anchor(self) -> Effect:
        if (self.anchor == "span") != (self.days is None):
            raise ValueError(f"effect '{self.label}': give days [first, last] with anchor start/end, and no days with span")
        if self.days is not None and self.days[1] < self.days[0]:
            raise ValueError(f"effect '{self.label}': days {list(self.days)} end before they start")
        if any(not 0 <= hour < 24 or factor < 0 for hour, factor in self.hours.items()):
            raise ValueError(f"effect '{self.label}': hours maps an hour 0-23 to a factor >= 0")
        return self


class GeneratorParameters(StrictModel):
    """The whole `generator.yaml` of one center."""

    seed: int
    history_start: dt.date
    history_end: dt.date
    level_date: dt.date = Field(description="the date at which queues' daily_contacts hold (before growth)")
    yearly_growth: float = Field(gt=-1)
    aht_yearly_change: float = Field(0.0, gt=-1)
    month_factors: list[float] = Field(min_length=12, max_length=12)
    day_noise_shape: float = Field(gt=0, description="gamma shape of the day factor shared by all queues")
    queue_day_noise_shape: float = Field(gt=0, description="gamma shape of each queue's own day factor")
    interval_noise_shape: float = Field(gt=0, description="gamma shape of the per-interval factor")
    intraday_patterns: dict[str, list[float]]
    queues: dict[str, QueueProfile] = Field(min_length=1)
    effects: dict[str, list[Effect]] = Field(default_factory=dict)

    @field_validator("intraday_patterns")
    @classmethod
    def _hourly(cls, patterns: dict[str, list[float]]) -> dict[str, list[float]]:
        for name, weights in patterns.items():
            if len(weights) != 24 or min(weights) < 0 or sum(weights) <= 0:
                raise ValueError(f"intraday pattern '{name}': give 24 hourly weights >= 0 (00:00..23:00)")
        return patterns

    @model_validator(mode="after")
    def _references(self) -> GeneratorParameters:
        if self.history_end < self.history_start:
            raise ValueError("history_end is before history_start")
        for queue_id, profile in self.queues.items():
            if profile.intraday not in self.intraday_patterns:
                raise ValueError(f"queue '{queue_id}': intraday pattern '{profile.intraday}' is not in intraday_patterns")
        for event_name, effects in self.effects.items():
            for effect in effects:
                unknown = sorted(set(effect.queues or ()) - set(self.queues))
                if unknown:
                    raise ValueError(f"effect '{event_name}/{effect.label}': unknown queue(s) {', '.join(unknown)}")
        return self


def load_parameters(path: Path) -> GeneratorParameters:
    """Read and validate a center's generator.yaml.

    Raises:
        ConfigError: naming the file and the field.
    """
    data = load_yaml(path, ConfigError)
    try:
        return GeneratorParameters.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or '(top level)'}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"{path}: {problems}") from None
