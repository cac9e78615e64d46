"""Who may call the emulated Cloudbeds, and how often: the API key, the per-second limit that
suspends it, and the log of every request answered.

Cloudbeds allows 5 requests a second per property (10 for technology partners) and may
suspend the credentials of a client that goes above it, until Cloudbeds reactivates them by
hand. The emulator is strict: the request that makes `limit + 1` inside any one second
suspends the key, and from then on every request with that key is refused until `reactivate()`.
What a suspended key is answered is not published (UNCONFIRMED): here 403 with
`{"success": false, "message": …}`; a wrong or missing key gets 401, as Cloudbeds answers.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime

from connector.clock import Clock
from connector.sandbox.cloudbeds.state import CloudbedsError

SUSPENDED_STATUS = 403  # UNCONFIRMED
SUSPENDED_MESSAGE = ("API credentials suspended: more than {limit} requests in one second. "
                     "Ask Cloudbeds to reactivate them.")
UNAUTHORIZED_MESSAGE = "Invalid or missing API key"


@dataclass(frozen=True, slots=True)
class LoggedRequest:
    at: datetime  # the emulator's clock
    monotonic: float
    method: str
    path: str  # the operation, e.g. /getReservation
    status: int


@dataclass
class Gate:
    """The property's API key and its limit."""

    clock: Clock
    api_key: str
    limit: int = 5
    window: float = 1.0
    suspended: bool = False
    suspensions: int = 0  # how many times the key was suspended (the bench reads it)
    log: list[LoggedRequest] = field(default_factory=list)
    _recent: deque[float] = field(default_factory=deque)

    def admit(self, headers: dict[str, str]) -> None:
        """Raise CloudbedsError unless this request may be served; count it."""
        if self._key(headers) != self.api_key:
            raise CloudbedsError(401, UNAUTHORIZED_MESSAGE)
        now = self.clock.monotonic()
        self._recent.append(now)
        while self._recent and self._recent[0] <= now - self.window:
            self._recent.popleft()
        if not self.suspended and len(self._recent) > self.limit:
            self.suspended = True
            self.suspensions += 1
        if self.suspended:
            raise CloudbedsError(SUSPENDED_STATUS, SUSPENDED_MESSAGE.format(limit=self.limit))

    def reactivate(self) -> None:
        """Cloudbeds' support lifts the suspension."""
        self.suspended = False
        self._recent.clear()

    def record(self, method: str, path: str, status: int) -> None:
        self.log.append(LoggedRequest(self.clock.now(), self.clock.monotonic(), method, path,
                                      status))

    def busiest_second(self) -> int:
        """The most requests the log holds inside any one second (the bench's check)."""
        times = [entry.monotonic for entry in self.log]
        best, start = 0, 0
        for end, t in enumerate(times):
            while times[start] <= t - self.window:
                start += 1
            best = max(best, end - start + 1)
        return best

    @staticmethod
    def _key(headers: dict[str, str]) -> str | None:
        key = headers.get("x-api-key")
        if key:
            return key
        scheme, _, token = headers.get("authorization", "").partition(" ")
        return token.strip() if scheme.lower() == "bearer" and token.strip() else None
