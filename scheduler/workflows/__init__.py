"""Whole chains: plan one center (plan.py), what-if scenarios (whatif.py), the built-in demo (demo.py)."""
