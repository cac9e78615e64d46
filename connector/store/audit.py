"""The audit trail of one room: every change the connector made or was asked to make, in
time order, from several sources, in words without guest names.

A source is a function over one read snapshot that yields the room's entries from one table
(the event log, the journal, the wake-up jobs, ...); the trail is their union, sorted. More
sources (the console's staff actions, erasure records) are added by passing a longer list:
the reader knows none of them by name.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo


@dataclass(frozen=True)
class AuditQuery:
    """Which room, from when (None: from the beginning), and the hotel's zone for the times
    in the words (the front desk reads them)."""

    room: str
    since: datetime | None
    tz: tzinfo


@dataclass(frozen=True)
class AuditEntry:
    """One change, or one request for a change, to a room.

    `by` is who made or asked for it (the PMS's door, the room phone, Zoom, the connector, a
    staff member); `what` what changed; `why` what it answered (an event, a repair, a
    request); `ref` the record it comes from (an event id, `job 12`, `report 40`, ...).
    Never a guest name, a title or a dialled number."""

    at: datetime
    room: str
    kind: str
    by: str
    what: str
    why: str
    ref: str


AuditSource = Callable[[sqlite3.Connection, AuditQuery], Iterable[AuditEntry]]


def read_trail(conn: sqlite3.Connection, query: AuditQuery,
               sources: Sequence[AuditSource]) -> list[AuditEntry]:
    """Every source's entries for the room at or after `query.since`, oldest first; entries
    at the same moment keep the order of the sources (an event before what it caused)."""
    entries = [entry for source in sources for entry in source(conn, query)
               if query.since is None or entry.at >= query.since]
    return sorted(entries, key=lambda entry: entry.at)  # stable: ties keep source order
