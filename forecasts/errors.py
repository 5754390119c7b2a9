"""Errors a planner can fix. The CLI turns each into a message on stderr and exit code 1."""


class StaffcastError(Exception):
    """Base class: something in the planner's input is wrong or cannot be met."""


class DataError(StaffcastError):
    """A data file (CSV, events YAML) is unreadable or holds invalid values."""
