"""How long to wait after a cloud PMS was away (its notices, its resync, its reports)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Backoff:
    """Exponential waits after the PMS was away: `first`, doubling, at most `cap` seconds."""

    first: float = 1.0
    cap: float = 300.0

    def wait(self, failures: int, retry_after: float = 0.0) -> float:
        """The wait after `failures` failures in a row (at least what the PMS asked for)."""
        return max(retry_after, min(self.cap, self.first * 2.0 ** max(0, failures - 1)))
