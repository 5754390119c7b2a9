"""What-if scenarios: named sets of overrides on a base center, each run through the whole chain.

A scenarios YAML names the base center (relative to the YAML), the horizon and the scenarios:

    center: ../flagship_store/center.yaml
    start: 2026-11-01
    days: 30
    time_limit_seconds: 40          # each scenario's requirements, roster and evaluation
    forecast: approved_forecast.csv # optional: a forecast used as given (else the center's history is forecast)
    scenarios:
      - name: base
      - name: chatbot_65
        chatbot: {current_deflection: 0.40, deflection: 0.65}
      - name: temps_1_20_nov
        temp_agents: [{count: 30, skills: {presales: 2}, first_date: 2026-11-01, last_date: 2026-11-20}]
      - name: phone_3_rings
        targets: [{queue: aftersales_voice, answer_within_seconds: 15}]

The forecast is made once and shared; each scenario changes it (volume, AHT, chatbot deflection)
and the center (targets, shrinkage, agents, shifts, rules), then staffs, rosters and evaluates in
its own process.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, Field, ValidationError, create_model, model_validator

from scheduler.contracts.center import Agent, Center, TimeOff
from scheduler.contracts.schema import CenterConfig, Rules, Shift, Staffing, Weights
from scheduler.evaluation.evaluate import Evaluation, evaluate_roster
from staffcast.deadline import Deadline
from staffcast.errors import ConfigError, InfeasibleError
from staffcast.strict_model import StrictModel, load_listing, repeated_names

NOT_RUN = "not run: interrupted (Ctrl-C)"
"""The roster_status of a scenario that Ctrl-C kept from running (or stopped on a cluster)."""


def _partial(model: type[BaseModel], name: str) -> type[BaseModel]:
    """A model with the same fields, all optional (None = keep the base value), unknown fields forbidden."""
    fields = {key: (info.annotation | None, None) for key, info in model.model_fields.items()}
    return create_model(name, __base__=StrictModel, **fields)


RulesChange = _partial(Rules, "RulesChange")
WeightsChange = _partial(Weights, "WeightsChange")
StaffingChange = _partial(Staffing, "StaffingChange")


class VolumeChange(StrictModel):
    """More (or fewer) contacts: on some queues (default all), optionally only on an event's days."""

    uplift: float = Field(gt=-1, description="relative change: 0.2 = 20% more contacts")
    queues: list[str] | None = None
    event: str | None = Field(None, description="a name from events.yaml: only the days of that event")


class AhtChange(StrictModel):
    """Longer or shorter handle times on some queues (default all)."""

    change: float = Field(gt=-1, description="relative change: -0.1 = 10% shorter")
    queues: list[str] | None = None


class ChatbotChange(StrictModel):
    """A chatbot that deflects a share of chat contacts: human chat volume scales by (1 - new) / (1 - current)."""

    current_deflection: float = Field(0.0, ge=0, lt=1)
    deflection: float = Field(ge=0, lt=1)
    queues: list[str] | None = Field(None, description="default: every chat queue")


class TargetChange(StrictModel):
    """New service targets for one queue."""

    queue: str
    service_level: float | None = Field(None, gt=0, lt=1)
    answer_within_seconds: float | None = Field(None, gt=0)
    max_abandon_rate: float | None = Field(None, gt=0, lt=1)
    patience_seconds: float | None = Field(None, gt=0)
    respond_within_hours: float | None = Field(None, gt=0)


class AgentGroup(StrictModel):
    """`count` identical agents added to the center, optionally available only between two dates."""

    count: int = Field(ge=1, le=1000)
    skills: dict[str, int] = Field(min_length=1, description="skill -> star level 1-5")
    team: str = "added"
    contract: str = "full_time"
    min_hours_per_week: float = Field(0, ge=0)
    max_hours_per_week: float = Field(40, gt=0, le=84)
    hourly_cost: float | None = Field(None, ge=0)
    night_ok: bool = False
    first_date: dt.date | None = None
    last_date: dt.date | None = None
    id_prefix: str | None = Field(None, pattern=r"^[A-Za-z0-9_.-]+$")

    @model_validator(mode="after")
    def _consistent(self) -> AgentGroup:
        if any(not 1 <= level <= 5 for level in self.skills.values()):
            raise ValueError("skill levels are stars 1-5")
        if self.first_date and self.last_date and self.last_date < self.first_date:
            raise ValueError("last_date is before first_date")
        if self.min_hours_per_week > self.max_hours_per_week:
            raise ValueError("min_hours_per_week exceeds max_hours_per_week")
        if self.contract not in ("full_time", "part_time", "temp"):
            raise ValueError("contract is one of full_time, part_time, temp")
        return self


class TempAgents(AgentGroup):
    """Temp agents from an agency: contract temp, team temp, by default between first_date and last_date."""

    team: str = "temp"
    contract: str = "temp"


class Scenario(StrictModel):
    """One named scenario: every field is an override of the base (absent = unchanged)."""

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    description: str = ""
    volume: list[VolumeChange] = Field(default_factory=list)
    aht: list[AhtChange] = Field(default_factory=list)
    chatbot: ChatbotChange | None = None
    targets: list[TargetChange] = Field(default_factory=list)
    staffing: StaffingChange | None = None
    remove_agents: list[str] = Field(default_factory=list, description="agent ids to take out")
    remove_from_teams: dict[str, int] = Field(default_factory=dict, description="team -> how many agents to take out (the last ids)")
    add_agents: list[AgentGroup] = Field(default_factory=list)
    temp_agents: list[TempAgents] = Field(default_factory=list)
    add_shifts: list[Shift] = Field(default_factory=list)
    rules: RulesChange | None = None
    weights: WeightsChange | None = None


class ScenarioFile(StrictModel):
    """The scenarios YAML."""

    center: str = Field(description="the base center YAML, relative to the scenarios file")
    forecast: str | None = Field(None, description="an approved forecast CSV (relative to the scenarios file), used as given")
    start: dt.date
    days: int = Field(ge=1, le=62)
    time_limit_seconds: float = Field(40, gt=0)
    seed: int = 0
    scenarios: list[Scenario] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_names(self) -> ScenarioFile:
        repeated = repeated_names(s.name for s in self.scenarios)
        if repeated:
            raise ValueError(f"scenario name(s) {', '.join(repeated)} appear more than once")
        return self


def load_scenarios(path: Path | str) -> ScenarioFile:
    """Read and validate a scenarios YAML; errors name the scenario and the field.

    Raises:
        ConfigError: a message per problem, e.g. "scenario 'chatbot_65', field chatbot.deflection: ...".
    """
    return load_listing(
        path, ScenarioFile, "scenarios file", "scenarios", "scenario", "see the scenario fields in the README (What-if)", by_name=True
    )


def scenario_center_path(scenarios_path: Path | str, scenarios: ScenarioFile) -> Path:
    """The base center YAML, resolved relative to the scenarios file.

    Raises:
        ConfigError: naming the scenarios file and its `center` field when that file does not exist.
    """
    path = (Path(scenarios_path).parent / scenarios.center).resolve()
    if not path.is_file():
        raise ConfigError(
            f"{scenarios_path}: field center: the base center {scenarios.center} ({path}) is not a file. Give the center YAML's path "
            "relative to the scenarios file."
        )
    return path


def scenario_forecast_path(scenarios_path: Path | str, scenarios: ScenarioFile) -> Path | None:
    """The approved forecast named by the scenarios file (resolved relative to it), or None."""
    return None if scenarios.forecast is None else (Path(scenarios_path).parent / scenarios.forecast).resolve()


# --- applying a scenario -------------------------------------------------------------------------


def _fail(scenario: Scenario, field: str, message: str) -> ConfigError:
    return ConfigError(f"scenario '{scenario.name}', field {field}: {message}")


def _queue_ids(config: CenterConfig, queues: list[str] | None, scenario: Scenario, field: str) -> list[str]:
    known = [q.id for q in config.queues]
    if queues is None:
        return known
    unknown = [q for q in queues if q not in known]
    if unknown:
        raise _fail(scenario, field, f"unknown queue(s) {', '.join(unknown)}; the center's queues are {', '.join(known)}.")
    return list(queues)


def scenario_workload(config: CenterConfig, workload: pd.DataFrame, events: list, scenario: Scenario) -> pd.DataFrame:
    """The forecast with the scenario's volume, AHT and chatbot changes."""
    table = workload.copy()
    volume_columns = [c for c in ("contacts", "contacts_lo", "contacts_hi") if c in table]
    by_name = {}
    for event in events:
        by_name.setdefault(event.name, []).append(event)
    for number, change in enumerate(scenario.volume):
        mask = table.queue.isin(_queue_ids(config, change.queues, scenario, f"volume[{number}].queues"))
        if change.event is not None:
            if change.event not in by_name:
                raise _fail(
                    scenario, f"volume[{number}].event", f"no event '{change.event}' in events.yaml (events: {', '.join(sorted(by_name)) or 'none'})."
                )
            days = table.interval_start.dt.date
            mask &= pd.concat([(days >= e.start) & (days <= e.end) for e in by_name[change.event]], axis=1).any(axis=1)
        table.loc[mask, volume_columns] *= 1 + change.uplift
    for number, change in enumerate(scenario.aht):
        mask = table.queue.isin(_queue_ids(config, change.queues, scenario, f"aht[{number}].queues"))
        table.loc[mask, "aht_seconds"] *= 1 + change.change
    if scenario.chatbot is not None:
        chat = [q.id for q in config.queues if q.channel == "chat"]
        queues = _queue_ids(config, scenario.chatbot.queues, scenario, "chatbot.queues") if scenario.chatbot.queues else chat
        not_chat = [q for q in queues if q not in chat]
        if not_chat:
            raise _fail(scenario, "chatbot.queues", f"{', '.join(not_chat)} are not chat queues.")
        factor = (1 - scenario.chatbot.deflection) / (1 - scenario.chatbot.current_deflection)
        table.loc[table.queue.isin(queues), volume_columns] *= factor
    return table


def scenario_center(center: Center, scenario: Scenario, start: dt.date, days: int) -> Center:
    """The center with the scenario's targets, staffing, rules, shifts and agents.

    Raises:
        ConfigError: naming the scenario and the field when an override does not fit the center.
    """
    data = center.config.model_dump(mode="json", exclude_none=True)
    queues = {q["id"]: q for q in data["queues"]}
    for number, target in enumerate(scenario.targets):
        if target.queue not in queues:
            raise _fail(scenario, f"targets[{number}].queue", f"unknown queue '{target.queue}'; the center's queues are {', '.join(queues)}.")
        queues[target.queue].update(target.model_dump(exclude={"queue"}, exclude_none=True))
    for section, change in (("staffing", scenario.staffing), ("rules", scenario.rules), ("weights", scenario.weights)):
        if change is not None:
            data[section] = {**data.get(section, {}), **change.model_dump(exclude_none=True)}
    data["shifts"] = data["shifts"] + [s.model_dump(mode="json", exclude_none=True) for s in scenario.add_shifts]
    try:
        config = CenterConfig.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg'].removeprefix('Value error, ')}" for e in exc.errors())
        raise ConfigError(f"scenario '{scenario.name}': the changed center is not valid: {problems}") from None

    agents = list(center.agents)
    known = {a.agent_id for a in agents}
    missing = [a for a in scenario.remove_agents if a not in known]
    if missing:
        raise _fail(scenario, "remove_agents", f"agent(s) {', '.join(missing)} are not in agents.csv.")
    removed = set(scenario.remove_agents)
    for team, count in scenario.remove_from_teams.items():
        members = sorted((a.agent_id for a in agents if a.team == team and a.agent_id not in removed), reverse=True)
        if count > len(members):
            raise _fail(scenario, f"remove_from_teams.{team}", f"team '{team}' has {len(members)} agents left, cannot remove {count}.")
        removed.update(members[:count])
    agents = [a for a in agents if a.agent_id not in removed]
    time_off = [t for t in center.time_off if t.agent_id not in removed]
    horizon = [start + dt.timedelta(days=d) for d in range(days)]
    for field, groups in (("add_agents", scenario.add_agents), ("temp_agents", scenario.temp_agents)):
        for number, group in enumerate(groups):
            unknown = sorted(set(group.skills) - set(config.skills))
            if unknown:
                raise _fail(
                    scenario, f"{field}[{number}].skills", f"unknown skill(s) {', '.join(unknown)}; the queues need {', '.join(config.skills)}."
                )
            prefix = group.id_prefix or f"{scenario.name}_{field}{number + 1}_"
            for index in range(group.count):
                agent_id = f"{prefix}{index + 1:03d}"
                if agent_id in known:
                    raise _fail(scenario, f"{field}[{number}].id_prefix", f"agent id {agent_id} already exists; choose another id_prefix.")
                agents.append(
                    Agent(
                        agent_id=agent_id,
                        name=agent_id,
                        team=group.team,
                        contract=group.contract,
                        skills=dict(group.skills),
                        min_hours_per_week=group.min_hours_per_week,
                        max_hours_per_week=group.max_hours_per_week,
                        night_ok=group.night_ok,
                        hourly_cost=group.hourly_cost,
                    )
                )
                time_off += [
                    TimeOff(agent_id=agent_id, date=day, kind="leave", weight=0.0)
                    for day in horizon
                    if (group.first_date and day < group.first_date) or (group.last_date and day > group.last_date)
                ]
    for queue in config.queues:
        if not any(a.can_serve(queue.skill, queue.min_skill_level) for a in agents):
            raise ConfigError(f"scenario '{scenario.name}': no agent left holds skill '{queue.skill}' for queue '{queue.id}'.")
    return dataclasses.replace(center, config=config, agents=agents, time_off=time_off)


# --- running -------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ScenarioOutcome:
    """One scenario run through the chain."""

    name: str
    center: Center | None
    requirements: pd.DataFrame | None
    shifts: pd.DataFrame | None
    activities: pd.DataFrame | None
    evaluation: Evaluation | None
    roster_status: str


@dataclasses.dataclass(frozen=True)
class WhatIfResult:
    """The comparison table (one row per scenario) and every scenario's outcome."""

    comparison: pd.DataFrame
    outcomes: dict[str, ScenarioOutcome]
    interrupted: bool = False


def run_scenario(
    center: Center,
    workload: pd.DataFrame,
    events: list,
    scenario: Scenario,
    start: dt.date,
    days: int,
    time_limit_seconds: float,
    seed: int,
    workers: int | None,
    previous: pd.DataFrame | None = None,
    deterministic: bool = False,
) -> ScenarioOutcome:
    """Staff, roster and evaluate one scenario (forecast already made and shared), all within `time_limit_seconds`
    (the roster search ends when ROSTER_LEAVES of it is left; `deterministic`: counted in CP-SAT deterministic seconds).

    A scenario whose roster cannot be built (rules that cannot hold, or no roster within the time
    limit) comes back without roster and evaluation, its reason in `roster_status`, so the other
    scenarios still compare.
    """
    from scheduler.roster import build_roster
    from scheduler.staffing.requirements import compute_requirements
    from scheduler.workflows.plan import ROSTER_LEAVES

    deadline = Deadline(time_limit_seconds, deterministic)
    changed = scenario_center(center, scenario, start, days)
    changed_workload = scenario_workload(changed.config, workload, events, scenario)
    requirements = compute_requirements(changed.config, changed_workload[["queue", "interval_start", "contacts", "aht_seconds"]])
    try:
        roster = build_roster(
            changed,
            requirements,
            start,
            days,
            seed=seed,
            workers=workers,
            previous=_known(previous, changed),
            deadline=deadline.portion(1 - ROSTER_LEAVES),
        )
    except InfeasibleError as exc:
        return ScenarioOutcome(
            name=scenario.name,
            center=changed,
            requirements=requirements,
            shifts=None,
            activities=None,
            evaluation=None,
            roster_status=f"no roster: {exc}",
        )
    if roster.check is not None and not roster.check.ok:
        return ScenarioOutcome(
            name=scenario.name,
            center=changed,
            requirements=requirements,
            shifts=None,
            activities=None,
            evaluation=None,
            roster_status=f"roster fails the independent check: {'; '.join(map(str, roster.check.violations[:3]))}",
        )
    evaluation = evaluate_roster(
        changed, roster.shifts, roster.activities, changed_workload, requirements=requirements, coverage=roster.coverage, start=start
    )
    return ScenarioOutcome(
        name=scenario.name,
        center=changed,
        requirements=requirements,
        shifts=roster.shifts,
        activities=roster.activities,
        evaluation=evaluation,
        roster_status=str(roster.status),
    )


def run_whatif(
    center: Center,
    workload: pd.DataFrame,
    events: list,
    scenarios: ScenarioFile,
    *,
    time_limit_seconds: float | None = None,
    processes: int = 2,
    cluster: str | None = None,
    previous: pd.DataFrame | None = None,
    progress: Callable[[str], None] | None = None,
    deterministic: bool = False,
) -> WhatIfResult:
    """Run every scenario through staffing, roster and evaluation, each as a task (`scheduler.workflows.tasks`).

    Every scenario is checked against the center before any runs, so a bad override fails fast. A scenario
    whose task fails (a bug, a worker that died twice) or that Ctrl-C cancelled gets a row saying so.

    Args:
        center: the base center.
        workload: the shared forecast over the scenarios' horizon.
        events: the events (for per-event volume changes).
        scenarios: the validated scenarios file.
        time_limit_seconds: each scenario's requirements, roster and evaluation (default: the file's).
        processes: scenarios run at once in local processes (1 = in this process); ignored with `cluster`.
        cluster: a Dask scheduler address (tcp://HOST:PORT): the scenarios run on its workers instead.
        previous: the roster before the scenarios' start (rest, streaks, weeks begun before it).
        progress: receives a message as each scenario finishes, and the tasks' progress.
        deterministic: roster searches counted in CP-SAT deterministic seconds (same results under any load).

    Ctrl-C (within a `deferred_interrupt` block, as the CLI runs it) ends the running scenarios' searches early
    with their best rosters (local runs); scenarios not yet started, or running on a cluster, are not run and say so.
    """
    from scheduler.workflows.tasks import Task, run_tasks, task_pool

    for scenario in scenarios.scenarios:
        changed = scenario_center(center, scenario, scenarios.start, scenarios.days)
        scenario_workload(changed.config, workload, events, scenario)
    limit = time_limit_seconds if time_limit_seconds is not None else scenarios.time_limit_seconds
    with task_pool(cluster, min(processes, len(scenarios.scenarios))) as pool:
        tasks = [
            Task(
                scenario.name,
                run_scenario,
                (
                    center,
                    workload,
                    events,
                    scenario,
                    scenarios.start,
                    scenarios.days,
                    limit,
                    scenarios.seed,
                    pool.solver_workers,
                    previous,
                    deterministic,
                ),
            )
            for scenario in scenarios.scenarios
        ]
        run = run_tasks(pool, tasks, progress=progress, announce=_finished)
    rows = [comparison_row(scenario, run.results.get(scenario.name), _task_problem(run, scenario.name)) for scenario in scenarios.scenarios]
    columns = list(dict.fromkeys(key for row in rows for key in row))
    columns.append(columns.pop(columns.index("roster_status")))
    return WhatIfResult(comparison=pd.DataFrame(rows, columns=columns), outcomes=run.results, interrupted=run.interrupted)


def _task_problem(run, name: str) -> str | None:
    """Why a scenario has no outcome: its task failed, or Ctrl-C cancelled it (None when it came back)."""
    if name in run.failures:
        return f"failed: {run.failures[name]}"
    if name in run.cancelled:
        return NOT_RUN
    return None


def _finished(name: str, outcome: ScenarioOutcome) -> str:
    if outcome.evaluation is None:
        return f"warning: scenario {name}: {outcome.roster_status}"
    return f"scenario {name} done (roster {outcome.roster_status})"


def _known(previous: pd.DataFrame | None, center: Center) -> pd.DataFrame | None:
    """The previous roster's rows of agents the scenario still has (a scenario may remove agents)."""
    if previous is None:
        return None
    return previous.loc[previous.agent_id.isin({a.agent_id for a in center.agents})]


def comparison_row(scenario: Scenario, outcome: ScenarioOutcome | None, problem: str | None = None) -> dict[str, Any]:
    """One comparison.csv row: cost, hours, service per queue, ASA, abandons, gaps, occupancy (empty without a roster;
    `problem` says why there is no outcome)."""
    if outcome is None or outcome.evaluation is None:
        status = problem or outcome.roster_status
        return {"scenario": scenario.name, "description": scenario.description, "roster_status": status}
    totals = outcome.evaluation.totals
    row: dict[str, Any] = {
        "scenario": scenario.name,
        "description": scenario.description,
        "cost": round(float(totals["cost"]), 2),
        "currency": totals["currency"],
        "paid_hours": round(float(totals["paid_hours"]), 2),
        "agents_rostered": int(totals["agents_rostered"]),
        "service_level": round(float(totals["service_level"]), 4),
    }
    for queue in outcome.evaluation.queues.itertuples(index=False):
        row[f"service_level_{queue.queue}"] = round(float(queue.service_level), 4)
    row.update(
        {
            "asa_seconds": round(float(totals["asa_seconds"]), 2),
            "abandon_rate": round(float(totals["abandon_rate"]), 4),
            "understaffed_agent_hours": round(float(totals["understaffed_agent_hours"]), 2),
            "overstaffed_agent_hours": round(float(totals["overstaffed_agent_hours"]), 2),
            "occupancy": round(float(totals["occupancy"]), 4),
            **required_hours(outcome.center, outcome.requirements, float(totals["paid_hours"])),
        }
    )
    row["cost_to_meet_targets"] = cost_to_meet_targets(outcome.center, float(totals["cost"]), row["paid_hours_gap"])
    row["roster_status"] = outcome.roster_status
    return row


def cost_to_meet_targets(center: Center, roster_cost: float, paid_hours_gap: float) -> float:
    """The roster's cost plus the paid hours it lacks to meet every target, bought at the overtime rate of the team's
    mean hourly cost: what a volume or a target a fixed team cannot carry would cost (a lower estimate, since beyond
    the monthly overtime limit the hours need hires or temps)."""
    rates = [a.hourly_cost if a.hourly_cost is not None else center.config.costs.hourly_cost for a in center.agents]
    rate = sum(rates) / len(rates) if rates else center.config.costs.hourly_cost
    return round(roster_cost + max(0.0, paid_hours_gap) * rate * center.config.costs.overtime_multiplier, 2)


def required_hours(center: Center, requirements: pd.DataFrame, rostered_paid_hours: float) -> dict[str, float]:
    """What meeting every target would take: the gross agent-hours the requirements ask for on the queues, as paid
    hours (/ the shifts' on-queue share of paid time) and FTE over the scenario's days, and the gap to the
    roster's paid hours (positive: the team is short)."""
    from scheduler.capacity.requirements import on_queue_share
    from scheduler.staffing.coverage import gross_requirements

    config = center.config
    days = max(1, requirements.interval_start.dt.normalize().nunique())
    paid = float(gross_requirements(config, requirements).sum()) * config.interval_minutes / 60 / on_queue_share(config.shifts)
    fte_hours = (config.capacity.fte_hours_per_week if config.capacity else config.rules.standard_hours_per_week) * days / 7
    return {
        "required_paid_hours": round(paid, 1),
        "required_fte": round(paid / fte_hours, 1),
        "paid_hours_gap": round(paid - rostered_paid_hours, 1),
        "fte_gap": round((paid - rostered_paid_hours) / fte_hours, 1),
    }
