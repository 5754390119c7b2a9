"""Loading a whole center: the YAML, its agents and time off, checked against each other."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from scheduler.contracts.schema import CenterConfig, minutes_of_day
from staffcast.errors import ConfigError
from staffcast.tables import field_problem, load_yaml, parse_column, read_csv_table

AGENT_COLUMNS = ["agent_id", "name", "team", "contract", "skills", "min_hours_per_week", "max_hours_per_week"]
AGENT_OPTIONAL = ["night_ok", "earliest_start", "latest_end", "hourly_cost"]
TIME_OFF_COLUMNS = ["agent_id", "date", "kind", "weight"]
SENSIBLE_DATES = (dt.date(2000, 1, 1), dt.date(2099, 12, 31))
"""Time off outside these dates is a typo of the year (2205 for 2025), never a plan."""
CONTRACTS = ("full_time", "part_time", "temp")
_BOOLEANS = {"true": True, "yes": True, "y": True, "1": True, "false": False, "no": False, "n": False, "0": False}


@dataclass(frozen=True)
class Agent:
    """One agent: contract, skills with star levels (1-5) and personal limits."""

    agent_id: str
    name: str
    team: str
    contract: str
    skills: dict[str, int]
    min_hours_per_week: float
    max_hours_per_week: float
    night_ok: bool = True
    earliest_start: str | None = None
    latest_end: str | None = None
    hourly_cost: float | None = None

    def can_serve(self, skill: str, min_level: int = 1) -> bool:
        """True when the agent holds `skill` at `min_level` stars or more."""
        return self.skills.get(skill, 0) >= min_level


@dataclass(frozen=True)
class TimeOff:
    """A day an agent asked off: `leave` is hard, `preference` costs `weight` when broken."""

    agent_id: str
    date: dt.date
    kind: str
    weight: float


@dataclass(frozen=True)
class Center:
    """A center YAML with the agents and time off it points to; paths resolved to absolute."""

    config: CenterConfig
    source: Path
    agents: list[Agent] = field(default_factory=list)
    time_off: list[TimeOff] = field(default_factory=list)
    statutory_days: frozenset[dt.date] = frozenset()

    def path(self, name: str) -> Path | None:
        """The absolute path of the YAML field `name` (history, events, agents, time_off), or None."""
        value = getattr(self.config, name)
        return None if value is None else (self.source.parent / value).resolve()


def load_center(path: Path | str) -> Center:
    """Load and validate a center YAML and the agents and time-off CSVs it names.

    Raises:
        ConfigError: with the file, line or row, the field and what to do.
    """
    path = Path(path)
    config = parse_center_config(path)
    for name in ("history", "events", "agents", "time_off"):
        value = getattr(config, name)
        if value is not None and not (path.parent / value).is_file():
            raise ConfigError(f"{path}: field {name}: file '{value}' not found next to the YAML ({(path.parent / value).resolve()}).")
    agents = load_agents(path.parent / config.agents, config) if config.agents else []
    time_off = load_time_off(path.parent / config.time_off, agents, config) if config.time_off else []
    statutory = _statutory_event_days(path.parent / config.events) if config.events else frozenset()
    return Center(config=config, source=path.resolve(), agents=agents, time_off=time_off, statutory_days=statutory)


def _statutory_event_days(path: Path) -> frozenset[dt.date]:
    """The dates of the events file's holidays marked `statutory: true` (work on them is paid the holiday rate)."""
    from forecasts.events import read_events

    days = set()
    for event in read_events(path):
        if event.statutory:
            days.update(event.start + dt.timedelta(days=k) for k in range((event.end - event.start).days + 1))
    return frozenset(days)


def parse_center_config(path: Path) -> CenterConfig:
    """Validate the YAML against the schema; errors name the YAML line and the field."""
    data = load_yaml(path, ConfigError)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of fields (name, queues, shifts, ...) at the top, found {type(data).__name__}.")
    try:
        return CenterConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe_validation(path, exc)) from None


def _describe_validation(path: Path, exc: ValidationError) -> str:
    lines = [f"{path}: {exc.error_count()} problem(s) in the center YAML:"]
    root = yaml.compose(path.read_text(encoding="utf-8-sig"))
    for error in exc.errors():
        loc = list(error["loc"])
        where = _yaml_line(root, loc)
        field_path, message = field_problem(loc, error, "check the spelling against the schema in the README")
        lines.append(f"  {where}{field_path or '(top level)'}: {message}")
    return "\n".join(lines)


def _yaml_line(node: yaml.Node | None, loc: list) -> str:
    """'line N, ' for the deepest YAML node on the path `loc`."""
    found = node
    for part in loc:
        if isinstance(found, yaml.MappingNode) and isinstance(part, str):
            match = next(((k, v) for k, v in found.value if k.value == part), None)
            if match is None:
                break
            found = match[1] if part != loc[-1] else match[0]
        elif isinstance(found, yaml.SequenceNode) and isinstance(part, int) and part < len(found.value):
            found = found.value[part]
        else:
            break
    return f"line {found.start_mark.line + 1}, " if found is not None else ""


def _parse_skills(text: str) -> dict[str, int]:
    skills: dict[str, int] = {}
    for pair in filter(None, (p.strip() for p in text.split(";"))):
        name, sep, level = pair.partition(":")
        if not sep or not name.strip() or not level.strip().isdigit() or not 1 <= int(level) <= 5 or name.strip() in skills:
            raise ValueError(pair)
        skills[name.strip()] = int(level)
    if not skills:
        raise ValueError(text)
    return skills


def _parse_bool(text: str) -> bool:
    """true/false, yes/no, y/n or 1/0 in any case (Excel exports write Y and N)."""
    value = _BOOLEANS.get(text.strip().lower())
    if value is None:
        raise ValueError(text)
    return value


def load_agents(path: Path, config: CenterConfig) -> list[Agent]:
    """Read agents.csv and check ids, skills, contracts and hour limits row by row."""
    frame = read_csv_table(path, AGENT_COLUMNS, AGENT_OPTIONAL, ConfigError)
    if frame.empty:
        raise ConfigError(f"{path}: no agents listed. Add one row per agent under the header.")
    skills = parse_column(
        frame, "skills", _parse_skills, path, "skill:level pairs separated by ';' with levels 1-5 (e.g. presales:3;aftersales:2)", ConfigError
    )
    min_hours = parse_column(frame, "min_hours_per_week", _non_negative, path, "a number of hours >= 0", ConfigError)
    max_hours = parse_column(frame, "max_hours_per_week", _non_negative, path, "a number of hours >= 0", ConfigError)
    night_ok = parse_column(
        frame, "night_ok", lambda s: True if s == "" else _parse_bool(s), path, "true or false (also yes/no, y/n, 1/0)", ConfigError
    )
    cost = parse_column(frame, "hourly_cost", lambda s: None if s == "" else _non_negative(s), path, "a cost per hour >= 0", ConfigError)
    known = set(config.skills)
    seen: dict[str, int] = {}
    agents = []
    for number, row in frame.iterrows():
        where = f"{path}: row {number} (agent {row.agent_id or '?'})"
        if not row.agent_id:
            raise ConfigError(f"{path}: row {number}: agent_id is empty.")
        if row.agent_id in seen:
            raise ConfigError(f"{where}: agent_id duplicates row {seen[row.agent_id]}. Agent ids must be unique.")
        seen[row.agent_id] = number
        if row.contract not in CONTRACTS:
            raise ConfigError(f"{where}, column contract: '{row.contract}' is not one of {', '.join(CONTRACTS)}.")
        unknown = sorted(set(skills[number]) - known)
        if unknown:
            raise ConfigError(
                f"{where}, column skills: unknown skill(s) {', '.join(unknown)}. Known skills (from the queues): {', '.join(sorted(known))}."
            )
        if min_hours[number] > max_hours[number]:
            raise ConfigError(f"{where}: min_hours_per_week {min_hours[number]:g} exceeds max_hours_per_week {max_hours[number]:g}.")
        if max_hours[number] > 7 * 24:
            raise ConfigError(f"{where}: max_hours_per_week {max_hours[number]:g} is more than the hours in a week.")
        for column in ("earliest_start", "latest_end"):
            if row[column] and not _is_hhmm(row[column]):
                raise ConfigError(f"{where}, column {column}: '{row[column]}' is not a time of day; write HH:MM or leave it empty.")
        agents.append(
            Agent(
                agent_id=row.agent_id,
                name=row["name"],
                team=row.team,
                contract=row.contract,
                skills=skills[number],
                min_hours_per_week=min_hours[number],
                max_hours_per_week=max_hours[number],
                night_ok=night_ok[number],
                earliest_start=row.earliest_start or None,
                latest_end=row.latest_end or None,
                hourly_cost=cost[number],
            )
        )
    for queue in config.queues:
        if not any(a.can_serve(queue.skill, queue.min_skill_level) for a in agents):
            raise ConfigError(
                f"{path}: no agent holds skill '{queue.skill}' at level {queue.min_skill_level}+ needed by queue '{queue.id}'. "
                "Add the skill to some agents or lower the queue's min_skill_level."
            )
    return agents


def load_time_off(path: Path, agents: list[Agent], config: CenterConfig) -> list[TimeOff]:
    """Read time_off.csv: known agents, ISO dates, kind leave or preference, weights for preferences."""
    frame = read_csv_table(path, TIME_OFF_COLUMNS[:3], TIME_OFF_COLUMNS[3:], ConfigError)
    dates = parse_column(frame, "date", dt.date.fromisoformat, path, "a date in ISO format (YYYY-MM-DD)", ConfigError)
    weights = parse_column(frame, "weight", lambda s: None if s == "" else _non_negative(s), path, "a weight >= 0", ConfigError)
    known = {a.agent_id for a in agents}
    entries = []
    for number, row in frame.iterrows():
        if row.agent_id not in known:
            raise ConfigError(f"{path}: row {number}: agent '{row.agent_id}' is not in agents.csv. Fix the id or add the agent.")
        if row.kind not in ("leave", "preference"):
            raise ConfigError(f"{path}: row {number}, column kind: '{row.kind}' is not leave or preference.")
        if not SENSIBLE_DATES[0] <= dates[number] <= SENSIBLE_DATES[1]:
            raise ConfigError(
                f"{path}: row {number}, column date: {dates[number]} is outside {SENSIBLE_DATES[0]} to {SENSIBLE_DATES[1]}; check the year."
            )
        weight = weights[number] if weights[number] is not None else (config.weights.time_off_preference if row.kind == "preference" else 0.0)
        entries.append(TimeOff(agent_id=row.agent_id, date=dates[number], kind=row.kind, weight=weight))
    return entries


def _non_negative(text: str) -> float:
    value = float(text)
    if not value >= 0 or value == float("inf"):
        raise ValueError(text)
    return value


def _is_hhmm(text: str) -> bool:
    try:
        return 0 <= minutes_of_day(text) < 24 * 60 and len(text) == 5
    except ValueError:
        return False
