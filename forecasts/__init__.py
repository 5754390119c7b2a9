"""staffcast forecasting: contact volume and handle time per queue and interval, with events."""

from forecasts.errors import DataError, StaffcastError

__all__ = ["DataError", "StaffcastError"]
