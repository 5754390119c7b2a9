"""Shared fixtures of the scheduler tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from tiny_history import write_tiny_center_with_history


@pytest.fixture(scope="module")
def center_dir(tmp_path_factory) -> Path:
    """The tiny center plus 5 weeks of seeded history ending before 2025-11-10."""
    return write_tiny_center_with_history(tmp_path_factory.mktemp("tiny_plan"))
