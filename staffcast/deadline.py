"""One time limit shared by every stage of a command: no stage restarts the clock or brings its own limit.

On the wall clock (the default) the budget is seconds since the command began. In deterministic mode it is
CP-SAT deterministic seconds, which the stages spend as their solves report them: the same inputs, seed and
workers then stop at the same point under any machine load (the wall-clock time then varies with the load).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field


@dataclass
class Deadline:
    """`seconds` of budget from `started` (time.monotonic()); `deterministic`: counted in CP-SAT deterministic seconds."""

    seconds: float
    deterministic: bool = False
    started: float = field(default_factory=time.monotonic)
    spent_deterministic: float = 0.0

    def elapsed(self) -> float:
        """Wall-clock seconds since the command began (for progress and summaries, in either mode)."""
        return time.monotonic() - self.started

    def remaining(self) -> float:
        """The budget left, in the deadline's unit (never negative)."""
        used = self.spent_deterministic if self.deterministic else self.elapsed()
        return max(0.0, self.seconds - used)

    def expired(self) -> bool:
        return self.remaining() <= 0

    def spend(self, deterministic_seconds: float) -> None:
        """Count a solve's deterministic time (it is the clock in deterministic mode)."""
        self.spent_deterministic += deterministic_seconds

    def portion(self, share: float) -> Deadline:
        """The same clock, ending once `share` of the budget is used: for a stage that must leave time to the
        stages after it (deterministic time spent before is carried over)."""
        return Deadline(share * self.seconds, self.deterministic, self.started, self.spent_deterministic)

    def limit_solver(self, parameters, share: float = 1.0, floor: float = 1e-3) -> None:
        """Bound a CP-SAT solve by `share` of the budget left, at least `floor`: wall seconds, or deterministic
        seconds (then without a wall limit, so that the load cannot change where it stops)."""
        left = max(share * self.remaining(), floor)
        if self.deterministic:
            parameters.max_deterministic_time = left
            parameters.max_time_in_seconds = math.inf
        else:
            parameters.max_time_in_seconds = left
