"""Fixtures of the capacity tests (helpers live in capacity_worlds.py)."""

import pytest
from capacity_worlds import TINY

from scheduler import load_center


@pytest.fixture
def tiny_center():
    return load_center(TINY / "center.yaml")
