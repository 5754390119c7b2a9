"""The built wheel installs only the project's packages and ships the example data without history.csv."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
BUILD_LEFTOVERS = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", "demo_output", "out")


@pytest.mark.slow
def test_wheel_holds_only_the_product_packages_and_the_example_data(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=BUILD_LEFTOVERS)
    (source / "examples" / "flagship_store" / "history.csv").write_text("queue,interval_start,contacts\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path / "dist"), str(source)], check=True)
    (wheel,) = (tmp_path / "dist").glob("staffcast-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")} == {"staffcast", "forecasts", "scheduler"}
    for name in ("flagship_store", "express_service"):
        assert f"scheduler/example_data/{name}/center.yaml" in names
        assert f"scheduler/example_data/{name}/generator.yaml" in names
    assert "scheduler/examples/centers.py" in names
    assert not [n for n in names if n.endswith("history.csv")]
