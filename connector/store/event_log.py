"""The event log: what each PMS event did to each room, in words, kept beside the inbox."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping

from connector.events.models import AnyEvent
from connector.rooms.narrate import ALREADY_SO, DUPLICATE, event_rooms, reservation_of
from connector.store.records import EventOutcome, RoomEvent
from connector.store.timestamps import from_text, to_text


def add(conn: sqlite3.Connection, event: AnyEvent, *, source: str, words: Mapping[str, str],
        duplicate: bool, received_at: str, occurred_at: str | None = None) -> None:
    """One row per room in `words` (room -> what the event did there); `occurred_at` as
    for `inbox.add`."""
    occurred = occurred_at or to_text(event.occurred_at)
    for room, said in words.items():
        outcome: EventOutcome = ("duplicate" if duplicate else
                                 "no change" if said == ALREADY_SO else "changed")
        conn.execute(
            "INSERT INTO event_log (room, event_id, type, source, reservation, outcome, words,"
            " occurred_at, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (room, event.id, event.type, source, reservation_of(event), outcome, said,
             occurred, received_at),
        )


def add_duplicate(conn: sqlite3.Connection, event: AnyEvent, *, source: str,
                  received_at: str) -> None:
    """A repeat delivery of an event already in the inbox, noted in each room it names."""
    add(conn, event, source=source, words=dict.fromkeys(event_rooms(event), DUPLICATE),
        duplicate=True, received_at=received_at)


def of_room(conn: sqlite3.Connection, room: str, limit: int) -> list[RoomEvent]:
    """The room's newest `limit` events, newest first (in the order they were received)."""
    rows = conn.execute(
        "SELECT event_id, type, source, reservation, outcome, words, occurred_at, received_at"
        " FROM event_log WHERE room = ? ORDER BY id DESC LIMIT ?",
        (room, limit),
    )
    return [
        RoomEvent(event_id=event_id, type=kind, source=source, reservation=reservation,
                  outcome=outcome, words=words, occurred_at=from_text(occurred),
                  received_at=from_text(received))
        for event_id, kind, source, reservation, outcome, words, occurred, received in rows
    ]
