"""Shared fixtures: each example's history is generated once per test session."""

from __future__ import annotations

import pandas as pd
import pytest

from scheduler import Center, examples, load_center


@pytest.fixture(scope="session")
def histories() -> dict[str, pd.DataFrame]:
    """Generated history of each example center, with a `date` column added."""
    frames = {}
    for name in examples.CENTER_NAMES:
        frame = examples.generate_history(name)
        frames[name] = frame.assign(date=frame.interval_start.dt.normalize())
    return frames


@pytest.fixture(scope="session")
def centers() -> dict[str, Center]:
    """Each example center, loaded and validated as a planner's run would load it."""
    return {name: load_center(examples.center_path(name)) for name in examples.CENTER_NAMES}
