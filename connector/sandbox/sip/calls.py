"""What happened on each emulated call, kept for tests, the demo and the admin API."""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

MAX_KEPT = 200  # older calls are forgotten: a long-running sandbox must not grow forever


class Direction(enum.StrEnum):
    TO_ROOM = "to_room"  # a connector line rang a room phone (a wake-up, the operator)
    FROM_ROOM = "from_room"  # a room phone called a connector line (housekeeping, wake-up)


class Outcome(enum.StrEnum):
    RINGING = "ringing"
    ANSWERED = "answered"
    BUSY = "busy"
    CANCELLED = "cancelled"  # the caller gave up while it rang
    REFUSED = "refused"  # an error response (no such extension, bad SDP, no line, ...)
    NOT_ACKED = "not_acked"  # a 200 OK that never got its ACK


@dataclass
class PhoneCall:
    """One call, updated as it goes; `ended_at` is set when it is over."""

    call_id: str
    direction: Direction
    extension: str  # the room phone's extension
    line: str  # the connector's line (SIP user name)
    dialled: str  # the number the caller dialled
    started_at: datetime
    outcome: Outcome = Outcome.RINGING
    sip_status: int | None = None
    answered_at: datetime | None = None
    digits_sent: list[str] = field(default_factory=list)
    audio_packets_received: int = 0
    ended_by: str | None = None  # "room" or "connector"
    ended_at: datetime | None = None

    @property
    def ended(self) -> bool:
        return self.ended_at is not None

    def to_json(self) -> dict[str, Any]:
        """The call as the admin API shows it."""

        def iso(value: datetime | None) -> str | None:
            return None if value is None else value.isoformat()

        return {
            "call_id": self.call_id, "direction": self.direction.value,
            "extension": self.extension, "line": self.line, "dialled": self.dialled,
            "started_at": iso(self.started_at), "outcome": self.outcome.value,
            "sip_status": self.sip_status, "answered_at": iso(self.answered_at),
            "digits_sent": "".join(self.digits_sent),
            "audio_packets_received": self.audio_packets_received,
            "ended_by": self.ended_by, "ended_at": iso(self.ended_at),
        }


class CallLog:
    """Every call, newest last, with a way to wait for one."""

    def __init__(self) -> None:
        self.calls: list[PhoneCall] = []
        self._changed = asyncio.Event()

    def add(self, call: PhoneCall) -> PhoneCall:
        """Keep a new call (the oldest are dropped past MAX_KEPT); returns it."""
        self.calls.append(call)
        del self.calls[:-MAX_KEPT]
        self.touch()
        return call

    def touch(self) -> None:
        """Something about a call changed: wake whoever waits."""
        self._changed.set()

    async def wait_for(self, matches: Callable[[PhoneCall], bool],
                       within: float = 10.0) -> PhoneCall:
        """The first call `matches` accepts, waiting up to `within` seconds for it
        (raises TimeoutError)."""
        async with asyncio.timeout(within):
            while True:
                found = next((call for call in self.calls if matches(call)), None)
                if found is not None:
                    return found
                self._changed.clear()
                await self._changed.wait()
