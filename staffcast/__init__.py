"""The base `forecasts` and `scheduler` both stand on: planner errors, CSV/YAML readers with row-level
errors, atomic writers and lazy package exports (see ARCHITECTURE.md)."""
