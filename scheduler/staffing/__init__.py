"""Staffing: net agents required per queue and interval (requirements.py) and the coverage a roster gives
against them (coverage.py)."""
