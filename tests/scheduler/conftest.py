"""A real local Dask cluster for the task tests (skipped where Dask distributed is not installed)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def cluster():
    """Two worker processes of one thread each (the machine's two cores), started once."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as local:
        yield local
