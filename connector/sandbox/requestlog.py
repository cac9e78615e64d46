"""Every request the emulator answered, for tests and benchmarks to read."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class LoggedRequest:
    seq: int
    at: datetime  # sandbox clock
    monotonic: float  # sandbox clock
    method: str
    path: str
    query: str
    endpoint: str | None  # catalogue name, "oauth_token", or None if not emulated
    family: str | None
    category: str | None
    status: int  # 0 when the connection was dropped
    fault: str | None
    duration_ms: float
    # When the rate limits counted it (sandbox monotonic), as Zoom counts a call on arrival;
    # None when they never looked (not an API call, a fault, a bad token).
    counted: float | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["at"] = self.at.isoformat().replace("+00:00", "Z")
        return data


class RequestLog:
    """A bounded, append-only log of answered requests."""

    def __init__(self, maxlen: int = 100_000) -> None:
        self._entries: deque[LoggedRequest] = deque(maxlen=maxlen)
        self._seq = 0

    def append(self, **fields: Any) -> LoggedRequest:
        self._seq += 1
        entry = LoggedRequest(seq=self._seq, **fields)
        self._entries.append(entry)
        return entry

    def entries(self, endpoint: str | None = None) -> list[LoggedRequest]:
        """All entries, oldest first; only one endpoint's if named."""
        return [e for e in self._entries if endpoint is None or e.endpoint == endpoint]

    def clear(self) -> None:
        self._entries.clear()

    def __iter__(self) -> Iterator[LoggedRequest]:
        return iter(list(self._entries))

    def __len__(self) -> int:
        return len(self._entries)
