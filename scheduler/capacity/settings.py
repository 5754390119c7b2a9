"""The capacity settings a plan runs with: the YAML section (or defaults), what-if overrides, checks."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from pydantic import ValidationError

from scheduler.contracts.capacity_schema import CapacityConfig, HireProfile
from staffcast.errors import ConfigError


def resolve_settings(
    section: CapacityConfig | None, skills: list[str], weeks: int, overrides: Mapping[str, object] | None = None, source: Path | str = "center YAML"
) -> CapacityConfig:
    """The settings for a `weeks`-long plan: the YAML section with overrides applied, checked.

    Args:
        section: the center's `capacity:` section, or None for the defaults.
        skills: the skills the center's queues need.
        weeks: the planning horizon.
        overrides: dotted field paths to new values, e.g. {"attrition_rate_per_week": 0.01,
            "hiring.lead_weeks": 6, "growth_rate_per_year": 0.1} (what-if scenarios).
        source: the file named in error messages.

    Raises:
        ConfigError: an override names no field, a value is out of range, a skill is not one of
            the queues' skills, or a lead time leaves no week of the horizon to act in.
    """
    data = (section or CapacityConfig()).model_dump(exclude_unset=False)
    for dotted, value in (overrides or {}).items():
        _set_dotted(data, dotted, value, source)
    try:
        settings = CapacityConfig.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"capacity.{'.'.join(str(p) for p in e['loc'])}: {e['msg'].removeprefix('Value error, ')}" for e in exc.errors())
        raise ConfigError(f"{source}: {problems}.") from None
    if settings.hiring.profiles is None:
        profiles = [HireProfile(skill=skill) for skill in skills]
        settings = settings.model_copy(update={"hiring": settings.hiring.model_copy(update={"profiles": profiles})})
    _check_skills(settings, skills, source)
    _check_horizon(settings, weeks, source)
    return settings


def _set_dotted(data: dict, dotted: str, value: object, source: Path | str) -> None:
    parts = dotted.split(".")
    node = data
    for depth, part in enumerate(parts):
        if not isinstance(node, dict) or part not in node:
            known = ", ".join(sorted(node)) if isinstance(node, dict) else "(none: not a section)"
            raise ConfigError(
                f"{source}: override 'capacity.{dotted}': no field '{part}' in capacity.{'.'.join(parts[:depth]) or '(top)'}. Fields there: {known}."
            )
        if depth == len(parts) - 1:
            node[part] = value
        else:
            node = node[part]


def _check_skills(settings: CapacityConfig, skills: list[str], source: Path | str) -> None:
    named = [(f"capacity.hiring.profiles[{i}].skill", p.skill) for i, p in enumerate(settings.hiring.profiles or [])]
    named += [(f"capacity.cross_training[{i}].skill", c.skill) for i, c in enumerate(settings.cross_training)]
    named += [(f"capacity.temps[{i}].skills", s) for i, p in enumerate(settings.temps) for s in p.skills]
    for field, skill in named:
        if skill not in skills:
            raise ConfigError(f"{source}: {field}: unknown skill '{skill}'. Known skills (from the queues): {', '.join(skills)}.")


def _check_horizon(settings: CapacityConfig, weeks: int, source: Path | str) -> None:
    if weeks < 1:
        raise ConfigError(f"the planning horizon must be at least 1 week, got {weeks}.")
    leads = [("capacity.hiring.lead_weeks", settings.hiring.lead_weeks)]
    leads += [(f"capacity.cross_training[{i}].course_weeks", c.course_weeks) for i, c in enumerate(settings.cross_training)]
    leads += [(f"capacity.temps[{i}].lead_weeks", p.lead_weeks) for i, p in enumerate(settings.temps)]
    for field, lead in leads:
        if lead >= weeks:
            raise ConfigError(
                f"{source}: {field} is {lead} weeks, not shorter than the {weeks}-week horizon, so it could never "
                "take effect. Shorten it or plan more weeks (--weeks)."
            )
