"""The `capacity:` section of the center YAML: supply, hiring, cross-training, temps and costs.

Kept free of scheduler.contracts.schema so that CenterConfig can import it. Skills named here are checked
against the center's queues when a plan is made (settings.resolve_settings).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from staffcast.strict_model import StrictModel

Contract = Literal["full_time", "part_time", "temp"]


class HireProfile(StrictModel):
    """New hires trained in one skill (more come through cross-training); paid their contract's mean wage."""

    skill: str = Field(min_length=1)
    contract: Contract = "full_time"
    hire_cost: float = Field(6000.0, ge=0)


class Hiring(StrictModel):
    """Recruiting lead time, the new hires' ramp-up and the weekly hiring limit."""

    lead_weeks: int = Field(4, ge=0)
    training_days: int = Field(15, ge=0, le=84)  # calendar days until a hire is fully productive
    training_productivity: float = Field(0.0, ge=0, le=1)
    max_hires_per_week: int = Field(20, ge=0)
    profiles: list[HireProfile] | None = None


class CrossTraining(StrictModel):
    """A course that adds `skill` to agents who lack it; they are off the floor for course_weeks."""

    skill: str = Field(min_length=1)
    course_weeks: int = Field(1, ge=1)
    seats_per_week: int = Field(ge=0)
    cost_per_agent: float = Field(1500.0, ge=0)


class TempPool(StrictModel):
    """Temp agents bookable week by week from an agency, with a limited skill set."""

    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    skills: list[str] = Field(min_length=1)
    hourly_cost: float = Field(ge=0)
    hours_per_week: float = Field(40.0, gt=0, le=84)
    max_agents_per_week: int = Field(ge=0)
    lead_weeks: int = Field(1, ge=0)
    productivity: float = Field(0.8, gt=0, le=1)


class ContractHours(StrictModel):
    """Paid hours per week of one agent on each contract."""

    full_time: float = Field(40.0, gt=0, le=84)
    part_time: float = Field(20.0, gt=0, le=84)
    temp: float = Field(40.0, gt=0, le=84)


class CapacityConfig(StrictModel):
    """How forecast workload becomes FTE, how supply evolves, and what changes to it cost."""

    fte_hours_per_week: float = Field(40.0, gt=0, le=84)
    contract_hours_per_week: ContractHours = ContractHours()
    schedule_efficiency: float = Field(0.9, gt=0, le=1)
    attrition_rate_per_week: float = Field(0.004, ge=0, lt=1)
    growth_rate_per_year: float = Field(0.0, gt=-1, le=10)
    gap_penalty_per_fte_week: float = Field(1_000_000.0, gt=0)
    hiring: Hiring = Hiring()
    cross_training: list[CrossTraining] = Field(default_factory=list)
    temps: list[TempPool] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> CapacityConfig:
        hired = [(p.skill, p.contract) for p in self.hiring.profiles or []]
        if len(set(hired)) != len(hired):
            raise ValueError("hiring.profiles lists a skill and contract twice; give one profile for each")
        courses = [c.skill for c in self.cross_training]
        if len(set(courses)) != len(courses):
            raise ValueError("cross_training lists a skill twice; give one course per skill")
        pools = [p.id for p in self.temps]
        if len(set(pools)) != len(pools):
            raise ValueError("temps: pool ids must be unique")
        return self

    def contract_hours(self, contract: str) -> float:
        """Paid hours per week of one agent on `contract`."""
        return getattr(self.contract_hours_per_week, contract)
