"""The packages depend one way: staffcast <- forecasts <- scheduler, and the center schema stands alone."""

import subprocess
import sys

import pytest


def modules_loaded_by(module: str) -> set[str]:
    code = f"import sys, {module}; print(' '.join(sorted(sys.modules)))"
    return set(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split())


def test_loading_a_center_loads_no_capacity_planner_and_no_later_stage() -> None:
    loaded = {m for m in modules_loaded_by("scheduler.contracts.center") if m.startswith("scheduler.")}
    assert loaded <= {"scheduler.contracts", "scheduler.contracts.center", "scheduler.contracts.schema", "scheduler.contracts.capacity_schema"}


@pytest.mark.parametrize("module", ["forecasts.forecaster", "forecasts.backtesting", "forecasts.plots", "staffcast.tables", "staffcast.atomic"])
def test_forecasts_and_the_base_know_nothing_of_scheduling(module: str) -> None:
    assert not [m for m in modules_loaded_by(module) if m.startswith("scheduler")]


def test_the_base_knows_nothing_of_forecasting() -> None:
    assert not [m for m in modules_loaded_by("staffcast.tables") if m.startswith("forecasts")]
