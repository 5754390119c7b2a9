"""A generated e-commerce center of any size (default 1,000 agents, 6 queues) for the roster at scale.

`write_scale_center(directory, agents=1000, seed=0)` writes a complete center into `directory`:

- `center.yaml`: the flagship store's shifts, rules, weights and staffing with a sixth queue,
  `logistics_voice` (parcel and delivery calls, skill `logistics`);
- `agents.csv`: teams (pre-sales, after-sales, VIP, hotline, logistics, complaints care, night,
  part-time, temps) with multi-skilled agents, star levels moved down for juniors and up for seniors,
  full-time, part-time and temp contracts, a night-eligible subset and some personal hours of day;
- `time_off.csv`: blocks of approved leave and single day-off wishes inside the planned days;
- `history.csv`: the contacts of the planned days (`SCALE_START`, `SCALE_DAYS` days), simulated by
  `scheduler.examples.generator` from the flagship store's queue profiles plus logistics_voice, with the volume
  scaled so that the gross agent-hours required are `DEMAND_SHARE` of the agents' contract hours
  (from about 200 agents on; below that the 24/7 queues' floor of one agent each keeps it higher).

Everything is deterministic for (agents, seed).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from scheduler.contracts.center import load_center
from scheduler.contracts.schema import CenterConfig
from scheduler.examples.generator import HISTORY_COLUMNS, generate
from scheduler.examples.location import EXAMPLES_DIR
from scheduler.examples.parameters import GeneratorParameters, QueueProfile, load_parameters
from scheduler.staffing.coverage import gross_agents
from scheduler.staffing.requirements import compute_requirements
from staffcast.atomic import write_atomic, write_csv_atomic
from staffcast.errors import ConfigError
from staffcast.tables import load_yaml

SCALE_START = dt.date(2026, 3, 2)
"""First planned day: a Monday of an ordinary month (no promotion, no public holiday)."""
SCALE_DAYS = 28
DEMAND_SHARE = 0.8
"""Gross agent-hours required over the planned days, as a share of the agents' mid-contract hours
(shift shapes, breaks and nights keep a roster from using every contract hour on the requirement)."""

_BASE = EXAMPLES_DIR / "flagship_store"
_LOGISTICS_QUEUE = {
    "id": "logistics_voice",
    "channel": "voice",
    "skill": "logistics",
    "service_level": 0.8,
    "answer_within_seconds": 30,
    "patience_seconds": 90,
    "max_abandon_rate": 0.06,
}
_LOGISTICS_PROFILE = QueueProfile(  # "where is my parcel": Monday after the weekend's deliveries is busiest
    daily_contacts=1100,
    intraday="voice_business",
    weekday_factors=[1.25, 1.10, 1.00, 0.97, 0.95, 0.88, 0.85],
    aht_seconds=210,
    aht_swing=0.05,
    aht_peak_hour=10,
    aht_busy_day_uplift=0.10,
)


@dataclass(frozen=True)
class Team:
    """A team's share of the agents, its skills (skill, lowest and highest stars, probability held) and contract."""

    name: str
    share: float
    skills: tuple[tuple[str, int, int, float], ...]
    contract: str = "full_time"
    night_share: float = 0.05


TEAMS = (
    Team("presales", 0.14, (("presales", 2, 5, 1), ("aftersales", 2, 4, 0.8), ("phone", 2, 3, 0.25), ("vip", 4, 5, 0.1))),
    Team("aftersales", 0.12, (("aftersales", 3, 5, 1), ("presales", 2, 4, 0.7), ("complaints", 2, 3, 0.3), ("phone", 2, 3, 0.3))),
    Team("vip", 0.05, (("vip", 4, 5, 1), ("presales", 4, 5, 1), ("aftersales", 4, 5, 1), ("complaints", 3, 4, 0.3))),
    Team("hotline", 0.22, (("phone", 2, 5, 1), ("aftersales", 3, 4, 1), ("complaints", 2, 3, 0.3), ("logistics", 2, 3, 0.4))),
    Team("logistics", 0.15, (("logistics", 2, 5, 1), ("phone", 2, 3, 0.6), ("aftersales", 2, 3, 0.4))),
    Team("care", 0.08, (("complaints", 3, 5, 1), ("aftersales", 4, 5, 1), ("phone", 3, 4, 0.6))),
    Team(
        "night",
        0.12,
        (("presales", 3, 4, 1), ("aftersales", 3, 4, 1), ("phone", 3, 3, 1), ("logistics", 2, 3, 0.5), ("complaints", 3, 3, 0.3), ("vip", 4, 4, 0.2)),
        night_share=1.0,
    ),
    Team("part_time", 0.09, (("presales", 2, 3, 1), ("aftersales", 2, 3, 0.7), ("phone", 2, 2, 0.5)), "part_time", 0.0),
    Team("temp", 0.04, (("presales", 2, 2, 1), ("aftersales", 2, 2, 1)), "temp", 0.0),
)
_HOURS = {"full_time": (32, 48), "part_time": (12, 28), "temp": (0, 44)}
_BASE_COST = {"full_time": 36, "part_time": 30, "temp": 35}
_SENIORITY = ((-1, 0.3), (0, 0.5), (1, 0.2))  # junior, regular, senior: stars moved within the skill's range
_SURNAMES = [
    "Wang",
    "Li",
    "Zhang",
    "Liu",
    "Chen",
    "Yang",
    "Huang",
    "Zhao",
    "Wu",
    "Zhou",
    "Xu",
    "Sun",
    "Ma",
    "Zhu",
    "Hu",
    "Guo",
    "He",
    "Lin",
    "Luo",
    "Gao",
]
_GIVEN = [
    "Wei",
    "Fang",
    "Min",
    "Jing",
    "Li",
    "Qiang",
    "Lei",
    "Yan",
    "Jie",
    "Tao",
    "Hui",
    "Yun",
    "Ping",
    "Hao",
    "Xin",
    "Yu",
    "Ting",
    "Chen",
    "Lin",
    "Rui",
]


def write_scale_center(directory: Path | str, agents: int = 1000, seed: int = 0) -> Path:
    """Write a generated center of `agents` agents and 6 queues into `directory`; returns its center.yaml.

    Raises:
        ConfigError: when `agents` is below 20 (too few to hold every team and queue skill).
    """
    if agents < 20:
        raise ConfigError(f"agents = {agents}: a generated scale center needs at least 20 agents.")
    directory = Path(directory)
    rng = np.random.default_rng(seed)
    config_data = scale_config_data()
    config = CenterConfig.model_validate(config_data)
    roster = _agents(agents, rng)
    time_off = _time_off(roster.agent_id.tolist(), rng)
    history = _history(config, roster, time_off, seed)
    write_csv_atomic(roster, directory / "agents.csv")
    write_csv_atomic(time_off, directory / "time_off.csv")
    write_csv_atomic(history.assign(interval_start=history.interval_start.dt.strftime("%Y-%m-%d %H:%M")), directory / "history.csv")
    header = f"# Generated by scheduler/examples/scale.py (agents={agents}, seed={seed}); edit the generator, not this file.\n"
    write_atomic(directory / "center.yaml", lambda tmp: tmp.write_text(header + yaml.safe_dump(config_data, sort_keys=False), encoding="utf-8"))
    load_center(directory / "center.yaml")  # the written files agree with each other
    return directory / "center.yaml"


def scale_config_data() -> dict:
    """The center YAML as data: the flagship store's, renamed, with logistics_voice and without capacity or events."""
    data = load_yaml(_BASE / "center.yaml", ConfigError)
    data = {key: value for key, value in data.items() if key not in ("capacity", "events")}
    data.update(name="Generated e-commerce service center (scale)", history="history.csv", agents="agents.csv", time_off="time_off.csv")
    voice = next(i for i, q in enumerate(data["queues"]) if q["id"] == "aftersales_voice")
    data["queues"] = [*data["queues"][: voice + 1], dict(_LOGISTICS_QUEUE), *data["queues"][voice + 1 :]]
    return data


def _agents(count: int, rng: np.random.Generator) -> pd.DataFrame:
    """agents.csv rows: team sizes from the shares (largest remainder), then each agent's skills and limits."""
    shares = np.array([team.share for team in TEAMS])
    sizes = np.floor(shares / shares.sum() * count).astype(int)
    for i in np.argsort(-(shares / shares.sum() * count - sizes), kind="stable")[: count - sizes.sum()]:
        sizes[i] += 1
    rows = []
    for team, size in zip(TEAMS, sizes):
        for _ in range(size):
            rows.append(_agent(team, rng))
    frame = pd.DataFrame(rows)
    order = rng.permutation(len(frame))  # teams interleaved, as in a real export
    frame = frame.iloc[order].reset_index(drop=True)
    width = len(str(count))
    frame.insert(0, "agent_id", [f"SC{i + 1:0{width}d}" for i in range(len(frame))])
    frame.insert(1, "name", [f"{_SURNAMES[rng.integers(len(_SURNAMES))]} {_GIVEN[rng.integers(len(_GIVEN))]}" for _ in range(len(frame))])
    return frame


def _agent(team: Team, rng: np.random.Generator) -> dict:
    """One agent of `team`: skills with stars (seniority moves them within each range), contract, night, hours of day."""
    step = rng.choice([s for s, _ in _SENIORITY], p=[p for _, p in _SENIORITY])
    skills = {}
    for i, (skill, low, high, probability) in enumerate(team.skills):
        if i == 0 or rng.random() < min(1.0, probability * (1 + 0.5 * step)):
            skills[skill] = int(np.clip(rng.integers(low, high + 1) + step, low, high))
    low_hours, high_hours = _HOURS[team.contract]
    earliest = latest = ""
    personal = rng.random()
    if team.contract == "part_time":
        earliest, latest = ("17:00", "") if personal < 0.4 else ("", "15:30") if personal < 0.6 else ("", "")
    elif team.contract == "full_time" and team.night_share < 1:
        earliest, latest = ("09:00", "") if personal < 0.02 else ("", "20:00") if personal < 0.04 else ("", "")
    stars = np.mean(list(skills.values()))
    return {
        "team": team.name,
        "contract": team.contract,
        "skills": ";".join(f"{s}:{level}" for s, level in skills.items()),
        "min_hours_per_week": low_hours,
        "max_hours_per_week": high_hours,
        "night_ok": "true" if not latest and rng.random() < team.night_share else "false",
        "earliest_start": earliest,
        "latest_end": latest,
        "hourly_cost": int(round(_BASE_COST[team.contract] + 2 * stars)),
    }


def _time_off(agent_ids: list[str], rng: np.random.Generator) -> pd.DataFrame:
    """time_off.csv rows: 12% of agents take 1-5 days of leave in a row; 35% wish 1-3 single days off."""
    rows = []
    for agent_id in agent_ids:
        leave = set()
        if rng.random() < 0.12:
            length = int(rng.integers(1, 6))
            first = int(rng.integers(0, SCALE_DAYS - length + 1))
            leave = set(range(first, first + length))
            rows += [(agent_id, SCALE_START + dt.timedelta(days=d), "leave", "") for d in sorted(leave)]
        if rng.random() < 0.35:
            wishes = set(rng.choice(SCALE_DAYS, size=int(rng.integers(1, 4)), replace=False).tolist()) - leave
            rows += [(agent_id, SCALE_START + dt.timedelta(days=d), "preference", int(rng.choice([20, 30, 50, 80]))) for d in sorted(wishes)]
    return pd.DataFrame(rows, columns=["agent_id", "date", "kind", "weight"])


def _history(config: CenterConfig, roster: pd.DataFrame, time_off: pd.DataFrame, seed: int) -> pd.DataFrame:
    """The planned days' contacts, the volume scaled (twice, since staffing has economies of scale) to the demand share."""
    mid_hours = ((roster.min_hours_per_week + roster.max_hours_per_week) / 2).to_numpy(float)
    leave_days = time_off.loc[time_off.kind == "leave"].groupby("agent_id").size().reindex(roster.agent_id, fill_value=0).to_numpy()
    wanted = DEMAND_SHARE * float((mid_hours * (SCALE_DAYS - leave_days) / 7).sum())
    volume = 1.0
    for _ in range(3):
        history = generate(_parameters(volume), [], config.interval_minutes, seed)[HISTORY_COLUMNS]
        volume *= wanted / gross_agent_hours(config, history)
    return generate(_parameters(volume), [], config.interval_minutes, seed)[HISTORY_COLUMNS]


def gross_agent_hours(config: CenterConfig, workload: pd.DataFrame) -> float:
    """Agent-hours to place on queues (requirements grossed up for shrinkage) for a workload."""
    required = compute_requirements(config, workload).agents_required
    shrinkage = config.staffing.shrinkage
    return sum(gross_agents(value, shrinkage) for value in required) * config.interval_minutes / 60


def _parameters(volume: float) -> GeneratorParameters:
    """The flagship store's generator parameters over the planned days, no events, volumes times `volume`."""
    base = load_parameters(_BASE / "generator.yaml")
    queues = {**base.queues, "logistics_voice": _LOGISTICS_PROFILE}
    data = base.model_dump()
    data.update(
        history_start=SCALE_START,
        history_end=SCALE_START + dt.timedelta(days=SCALE_DAYS - 1),
        effects={},
        queues={q: {**profile.model_dump(), "daily_contacts": profile.daily_contacts * volume} for q, profile in queues.items()},
    )
    return GeneratorParameters.model_validate(data)
