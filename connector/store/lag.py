"""How far Zoom lags behind the PMS, for the metrics read at each scrape.

Both queries touch only rooms Zoom lags on (the `rooms_dirty` partial index) and the failures
table, so a scrape of a 2,000-room hotel costs what its backlog costs, not a table scan.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from connector.store.timestamps import from_text


@dataclass(frozen=True)
class Lag:
    """Rooms Zoom lags on and rooms whose last attempt failed."""

    # Dirty room → when the oldest event among its unconfirmed changes was stored (None: only
    # a forced re-check is unconfirmed, no PMS event waits on it).
    waiting: dict[str, datetime | None]
    # Room → True when the reconciler gave up on it (until a new event or a full pass).
    failing: dict[str, bool]


def lag(conn: sqlite3.Connection) -> Lag:
    rows = conn.execute(
        "SELECT r.room, min(i.received_at) FROM rooms AS r"
        " JOIN room_changes AS c ON c.room = r.room AND c.version > r.confirmed_version"
        " LEFT JOIN inbox AS i ON i.event_id = c.event_id"
        " WHERE r.version > r.confirmed_version GROUP BY r.room"
    )
    waiting = {room: None if at is None else from_text(at) for room, at in rows}
    failing = {room: bool(final)
               for room, final in conn.execute("SELECT room, final FROM failures")}
    return Lag(waiting=waiting, failing=failing)
