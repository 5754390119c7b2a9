"""Errors a planner can fix, each with a message naming the file, row or field and what to do.

The CLI turns each into a message on stderr and exit code 1; anything else is a bug and keeps its traceback.
"""


class StaffcastError(Exception):
    """Base class: something in the planner's input is wrong or cannot be met."""


class DataError(StaffcastError):
    """A data file (CSV, events YAML) is unreadable or holds invalid values."""


class ConfigError(StaffcastError):
    """The center YAML (or a file it points to) is invalid or inconsistent."""


class InfeasibleError(StaffcastError):
    """The hard rules cannot all hold; the message says which rules, agents and days conflict."""
