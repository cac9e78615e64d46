"""Every request the emulated OHIP answered, for tests and the bench to read (the bench
checks the limit per second from it)."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class OhipRequest:
    at: datetime  # when it arrived (emulator clock, UTC)
    monotonic: float  # when it arrived, emulator clock
    method: str
    path: str
    operation: str | None  # OHIP's operationId; None for a path OHIP does not have
    status: int  # 0 when the connection was dropped
    delayed: bool  # held 1 s by the limit
    fault: str | None

    def to_json(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "monotonic": self.monotonic, "method": self.method,
                "path": self.path, "operation": self.operation, "status": self.status,
                "delayed": self.delayed, "fault": self.fault}


class OhipRequestLog:
    """Bounded and append-only."""

    def __init__(self, maxlen: int = 200_000) -> None:
        self._entries: deque[OhipRequest] = deque(maxlen=maxlen)

    def append(self, entry: OhipRequest) -> None:
        self._entries.append(entry)

    def entries(self, operation: str | None = None) -> list[OhipRequest]:
        return [e for e in self._entries if operation is None or e.operation == operation]

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
