"""Shared fixtures of the scheduler tests: the tiny center with a history, and a real local Dask cluster."""

from __future__ import annotations

from pathlib import Path

import pytest
from tiny_history import write_tiny_center_with_history


@pytest.fixture(scope="module")
def center_dir(tmp_path_factory) -> Path:
    """The tiny center plus 5 weeks of seeded history ending before 2025-11-10."""
    return write_tiny_center_with_history(tmp_path_factory.mktemp("tiny_plan"))


@pytest.fixture(scope="session")
def cluster():
    """Two worker processes of one thread each (the machine's two cores), started once (skipped where Dask
    distributed is not installed)."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as local:
        yield local
