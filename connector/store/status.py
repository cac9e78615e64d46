"""Where an event stands: received, applied in Zoom, or failed."""

from __future__ import annotations

import sqlite3

from connector.store.records import EventState, EventStatus
from connector.store.timestamps import from_text


def event_status(conn: sqlite3.Connection, event_id: str) -> EventStatus | None:
    head = conn.execute(
        "SELECT type, received_at, seq FROM inbox WHERE event_id = ?", (event_id,)
    ).fetchone()
    if head is None:
        return None
    event_type, received_at, seq = head
    rooms: list[str] = []
    failed: list[str] = []
    pending = False
    rows = conn.execute(
        "SELECT c.room, c.version <= r.confirmed_version, coalesce(f.final, 0), f.error"
        " FROM room_changes AS c JOIN rooms AS r ON r.room = c.room"
        " LEFT JOIN failures AS f ON f.room = c.room"
        " WHERE c.event_id = ? ORDER BY c.room",
        (event_id,),
    )
    for room, confirmed, final, error in rows:
        rooms.append(room)
        if confirmed:
            continue
        pending = True
        if final:
            failed.append(f"room {room}: {error}")
    state: EventState = "failed" if failed else "received" if pending else "applied"
    return EventStatus(
        event_id=event_id,
        type=event_type,
        received_at=from_text(received_at),
        seq=seq,
        state=state,
        rooms=rooms,
        error="; ".join(failed) if failed else None,
    )
