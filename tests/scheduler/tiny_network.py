"""A network of tiny sites for the task tests: the tiny center with seeded histories, and sites that fail on purpose."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

TINY = Path(__file__).parents[1] / "fixtures" / "tiny_center"
START = "2025-11-10"


def write_site(folder: Path, volume: float, seed: int, **changes) -> Path:
    """The tiny center with 5 weeks of seeded history before START at `volume` times the base; `changes` go into the YAML."""
    folder.mkdir(parents=True)
    for name in ("agents.csv", "time_off.csv"):
        shutil.copy(TINY / name, folder / name)
    config = yaml.safe_load((TINY / "center.yaml").read_text(encoding="utf-8"))
    config.update(history="history.csv", **changes)
    (folder / "center.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    rng = np.random.default_rng(seed)
    starts = pd.date_range("2025-10-06", "2025-11-09 23:30", freq="30min")
    hour = starts.hour.to_numpy()
    frames = []
    for queue, peak, aht in (("sales_chat", 5.0, 300.0), ("service_voice", 3.0, 240.0), ("complaints_email", 0.6, 600.0)):
        mean = volume * np.where((hour >= 9) & (hour < 21), peak, 0.2)
        frames.append(
            pd.DataFrame({"queue": queue, "interval_start": starts.strftime("%Y-%m-%d %H:%M"), "contacts": rng.poisson(mean), "aht_seconds": aht})
        )
    pd.concat(frames).to_csv(folder / "history.csv", index=False)
    return folder / "center.yaml"


def write_network(root: Path, sites: dict[str, dict], days: int = 1, time_limit_seconds: float = 3) -> Path:
    """network.yaml under `root` with a tiny site per entry (name -> volume, seed and YAML changes)."""
    for name, options in sites.items():
        write_site(root / name, **options)
    data = {
        "start": START,
        "days": days,
        "time_limit_seconds": time_limit_seconds,
        "sites": [{"name": name, "center": f"{name}/center.yaml"} for name in sites],
    }
    (root / "network.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    return root / "network.yaml"


def make_infeasible(folder: Path) -> None:
    """An agent who must work 84 hours a week on a one-day horizon with a day of leave: the rules cannot hold."""
    agents = pd.read_csv(folder / "agents.csv")
    agents.loc[0, ["min_hours_per_week", "max_hours_per_week"]] = [84, 84]
    agents.to_csv(folder / "agents.csv", index=False)


def csv_files(folder: Path) -> dict[str, bytes]:
    """Every CSV under `folder`, by relative path (report.html and the plots carry timings and are left out)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.csv"))}
