"""Shared fixtures of the scheduler tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

TINY = Path(__file__).parents[1] / "fixtures" / "tiny_center"


@pytest.fixture(scope="module")
def center_dir(tmp_path_factory) -> Path:
    """The tiny center plus 5 weeks of seeded history ending before 2025-11-10."""
    folder = tmp_path_factory.mktemp("tiny_plan")
    for name in ("agents.csv", "time_off.csv"):
        shutil.copy(TINY / name, folder / name)
    config = yaml.safe_load((TINY / "center.yaml").read_text(encoding="utf-8"))
    config["history"] = "history.csv"
    (folder / "center.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    rng = np.random.default_rng(3)
    starts = pd.date_range("2025-10-06", "2025-11-09 23:30", freq="30min")
    hour = starts.hour.to_numpy()
    frames = []
    for queue, peak, aht in (("sales_chat", 5.0, 300.0), ("service_voice", 3.0, 240.0), ("complaints_email", 0.6, 600.0)):
        mean = np.where((hour >= 9) & (hour < 21), peak, 0.2)
        frames.append(
            pd.DataFrame({"queue": queue, "interval_start": starts.strftime("%Y-%m-%d %H:%M"), "contacts": rng.poisson(mean), "aht_seconds": aht})
        )
    pd.concat(frames).to_csv(folder / "history.csv", index=False)
    return folder
