"""staffcast scheduling: center configuration, staffing requirements, rosters, evaluation, what-if."""

from scheduler.center import Agent, Center, TimeOff, load_center
from scheduler.config import CenterConfig, Queue, Shift
from scheduler.errors import ConfigError, DataError, InfeasibleError, StaffcastError

__all__ = [
    "Agent", "Center", "CenterConfig", "ConfigError", "DataError", "InfeasibleError", "Queue", "Shift",
    "StaffcastError", "TimeOff", "load_center",
]
