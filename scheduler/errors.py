"""Library errors: each carries a fix-it message naming the file, row or field."""

from forecasts.errors import DataError, StaffcastError


class ConfigError(StaffcastError):
    """The center YAML (or a file it points to) is invalid or inconsistent."""


class InfeasibleError(StaffcastError):
    """The hard rules cannot all hold; the message says which rules, agents and days conflict."""


__all__ = ["ConfigError", "DataError", "InfeasibleError", "StaffcastError"]
