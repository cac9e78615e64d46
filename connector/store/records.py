"""What the store hands back: small frozen records, no SQL, no connection."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

EventState = Literal["received", "applied", "failed"]
EventOutcome = Literal["changed", "no change", "duplicate"]


@dataclass(frozen=True)
class Received:
    """The answer to one event given to `Store.ingest`.

    `seq` is the event's place in the inbox; for a duplicate it is the seq of the copy that
    was kept first.
    """

    event_id: str
    seq: int | None
    duplicate: bool


@dataclass(frozen=True)
class RoomEvent:
    """One PMS event as one room saw it: where it came from and what it changed there, in
    the words the log gave it (never a guest name)."""

    event_id: str
    type: str
    source: str  # the door: fias, webhook, phone, …
    reservation: str | None
    outcome: EventOutcome
    words: str
    occurred_at: datetime
    received_at: datetime


@dataclass(frozen=True)
class Failure:
    """The latest failure to bring a room's Zoom state to its desired state."""

    room: str
    error: str
    attempts: int
    final: bool  # the reconciler gave up until the next full pass
    at: datetime


@dataclass(frozen=True)
class JournalEntry:
    """One change made in Zoom, and the events that caused it (none for a drift repair)."""

    id: int
    room: str
    change: str
    detail: Mapping[str, object]
    event_ids: tuple[str, ...]
    at: datetime


@dataclass(frozen=True)
class EventStatus:
    """Where one event stands, as an integrator sees it.

    `applied`: Zoom has every change the event caused (or it caused none); `failed`: a room
    it changed has given up converging; `received`: stored, not yet in Zoom.
    """

    event_id: str
    type: str
    received_at: datetime
    seq: int
    state: EventState
    rooms: list[str]
    error: str | None


@dataclass(frozen=True)
class StoreCounts:
    """Sizes for `connector status` and metrics."""

    events: int
    rooms: int
    dirty: int  # rooms whose desired state Zoom does not yet have
    failed: int  # rooms with a final failure
