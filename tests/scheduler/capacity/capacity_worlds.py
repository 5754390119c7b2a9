"""Tiny capacity worlds: the tiny test center with a capacity section and hand-made requirements."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import yaml

from scheduler import load_center
from scheduler.capacity import capacity_problem, capacity_settings

TINY = Path(__file__).resolve().parents[2] / "fixtures" / "tiny_center"
START = dt.date(2026, 11, 2)


def write_center(folder: Path, capacity: dict | None = None, agents: str | None = None) -> Path:
    """A copy of the tiny center in `folder` with a capacity section (and optionally other agents)."""
    for name in ("agents.csv", "time_off.csv"):
        shutil.copy(TINY / name, folder / name)
    if agents is not None:
        (folder / "agents.csv").write_text(agents, encoding="utf-8")
        (folder / "time_off.csv").write_text("agent_id,date,kind,weight\n", encoding="utf-8")
    data = yaml.safe_load((TINY / "center.yaml").read_text(encoding="utf-8"))
    if capacity is not None:
        data["capacity"] = capacity
    path = folder / "center.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def flat_requirements(weeks: int, net_agents: dict[str, list[float]] | dict[str, float], start: dt.date = START) -> pd.DataFrame:
    """Net agents per queue, constant within each week (a list gives one value per week)."""
    times = pd.date_range(pd.Timestamp(start), periods=weeks * 7 * 48, freq="30min")
    week = (times - pd.Timestamp(start)).days // 7
    frames = []
    for queue, values in net_agents.items():
        per_week = values if isinstance(values, list) else [values] * weeks
        frames.append(pd.DataFrame({"queue": queue, "interval_start": times, "agents_required": [per_week[w] for w in week]}))
    return pd.concat(frames, ignore_index=True)


AGENTS_HEADER = "agent_id,name,team,contract,skills,min_hours_per_week,max_hours_per_week\n"


def agents_csv(*rows: tuple[str, str, str]) -> str:
    """agents.csv text from (agent_id, contract, skills) rows."""
    return AGENTS_HEADER + "".join(f"{a},Agent {a},team,{contract},{skills},0,48\n" for a, contract, skills in rows)


def fte_problem(tmp_path: Path, capacity: dict, weeks: int, required_fte: dict[str, list[float] | float], agents: str | None = None):
    tmp_path.mkdir(parents=True, exist_ok=True)
    """A problem whose weekly required FTE per skill is given directly (skills absent need 0)."""
    center = load_center(write_center(tmp_path, capacity, agents))
    settings = capacity_settings(center, weeks)
    problem = capacity_problem(center, flat_requirements(weeks, {q.id: 0 for q in center.config.queues}), START, weeks, settings)
    rows = []
    for week in range(weeks):
        for skill in center.config.skills:
            value = required_fte.get(skill, 0.0)
            rows.append((week, skill, float(value[week] if isinstance(value, list) else value)))
    return dataclasses.replace(problem, required=pd.DataFrame(rows, columns=["week", "skill", "required_fte"]))
