"""OHIP's published limit as the emulated gateway applies it: above 50 requests a second per
environment, the excess is delayed by 1 s, not refused. Pure logic on a monotonic clock."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

PER_SECOND = 50
DELAY_SECONDS = 1.0


@dataclass
class ExcessDelay:
    """Counts arrivals over the last second; `admit` says how long this one waits."""

    per_second: int = PER_SECOND
    delay: float = DELAY_SECONDS
    enabled: bool = True
    delayed: int = 0  # how many requests were delayed, for tests and the bench
    _arrivals: deque[float] = field(default_factory=deque)

    def admit(self, monotonic: float) -> float:
        """Count one request arriving now; 0, or the delay when it is above the limit."""
        while self._arrivals and self._arrivals[0] <= monotonic - 1.0:
            self._arrivals.popleft()
        self._arrivals.append(monotonic)
        if not self.enabled or len(self._arrivals) <= self.per_second:
            return 0.0
        self.delayed += 1
        return self.delay
