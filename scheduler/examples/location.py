"""Where the example data lives: the copy an installed wheel ships, else the checkout's examples/ folder."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_SHIPPED = _PACKAGE.parent / "example_data"
EXAMPLES_DIR = _SHIPPED if _SHIPPED.is_dir() else _PACKAGE.parents[1] / "examples"
NETWORK_NAME = "express_network"
"""The example network of express sites (scheduler/examples/network.py)."""
