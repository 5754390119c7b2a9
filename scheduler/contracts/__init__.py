"""The file contracts: the center YAML schema (schema.py, capacity_schema.py), loading a center with its agents
and time off (center.py), and the readers and writers of the plan CSVs (plan_tables.py)."""
