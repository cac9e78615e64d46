"""What Zoom still lacks, in the numbers /metrics shows: a pure function of the store's lag.

An event is *unapplied* while some room change it made is stored but not yet confirmed in
Zoom (the room's confirmed version is below the change's version). Its age runs from when the
connector stored it (not when the PMS says it happened: the PMS's clock and queue are not the
connector's doing). Rooms the connector has given up on and rooms outside the room map are
counted apart (connector_rooms_given_up, connector_rooms_unmapped): they wait for a person,
not for Zoom, and would otherwise hold the oldest age up forever.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from connector.store import Lag


@dataclass(frozen=True)
class Backlog:
    waiting: int  # rooms Zoom lags on that the connector is still working on
    failed: int  # of those, rooms whose last attempt failed (to be tried again)
    given_up: int  # rooms left until a new event for them or a full pass
    oldest_unapplied_seconds: float  # 0 when nothing waits


def backlog(lag: Lag, unmapped: Collection[str], now: datetime) -> Backlog:
    """The backlog of the rooms in the room map, as of `now`."""
    given_up = {room for room, final in lag.failing.items() if final and room not in unmapped}
    working = [room for room in lag.waiting if room not in unmapped and room not in given_up]
    failed = sum(1 for room, final in lag.failing.items() if not final and room not in unmapped)
    stored = [at for room in working if (at := lag.waiting[room]) is not None]
    oldest = max(0.0, (now - min(stored)).total_seconds()) if stored else 0.0
    return Backlog(waiting=len(working), failed=failed, given_up=len(given_up),
                   oldest_unapplied_seconds=oldest)
