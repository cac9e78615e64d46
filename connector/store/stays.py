"""Which stay held which room when (SQL), kept beside the inbox by the ingest: call
accounting attributes a call to the stay in its room at the call's start, which the room's
current state cannot tell once the guest has left or moved."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from connector.rooms.state import RoomState
from connector.store.timestamps import from_text, to_text


@dataclass(frozen=True)
class StaySpan:
    """One stay's time in one room; `reservation` None is the room's own stay (a PMS keyed
    by room), `until` None: still in the room."""

    room: str
    reservation: str | None
    since: datetime
    until: datetime | None


def follow(conn: sqlite3.Connection, before: Mapping[str, RoomState],
           after: Mapping[str, RoomState], at: datetime) -> None:
    """Open and close stays as one event changed rooms (`before`: as they were, a room
    missing had nobody; `after`: the rooms it changed): a stay that appears in a room is
    there from `at`, one that went is gone from `at`."""
    when = to_text(at)
    for room, state in after.items():
        old = before.get(room)
        was = {_key(stay.reservation) for stay in old.stays} if old is not None else set()
        now = {_key(stay.reservation) for stay in state.stays}
        for key in was - now:
            conn.execute("UPDATE stays SET until = ? WHERE room = ? AND reservation = ?"
                         " AND until IS NULL", (when, room, key))
        for key in now - was:
            conn.execute("INSERT OR IGNORE INTO stays (room, reservation, since) VALUES (?, ?, ?)",
                         (room, key, when))


def at_time(conn: sqlite3.Connection, room: str, moment: datetime) -> list[StaySpan]:
    """The stays in the room at `moment`, in the order they came (the first names the room)."""
    text = to_text(moment)
    rows = conn.execute(
        "SELECT room, reservation, since, until FROM stays WHERE room = ? AND since <= ?"
        " AND (until IS NULL OR until > ?) ORDER BY since, id", (room, text, text))
    return [_span(row) for row in rows]


def of_reservation(conn: sqlite3.Connection, reservation: str) -> list[StaySpan]:
    """The reservation's time in each room it held, in order (a move makes two)."""
    rows = conn.execute("SELECT room, reservation, since, until FROM stays"
                        " WHERE reservation = ? ORDER BY since, id", (reservation,))
    return [_span(row) for row in rows]


def last_in_room(conn: sqlite3.Connection, room: str) -> StaySpan | None:
    """The room's latest stay (in house, or the last to leave)."""
    row = conn.execute("SELECT room, reservation, since, until FROM stays WHERE room = ?"
                       " ORDER BY since DESC, id DESC LIMIT 1", (room,)).fetchone()
    return None if row is None else _span(row)


def came_after(conn: sqlite3.Connection, room: str, moment: datetime) -> bool:
    """Whether a stay came into the room at or after `moment` (the room was let again)."""
    return conn.execute("SELECT 1 FROM stays WHERE room = ? AND since >= ? LIMIT 1",
                        (room, to_text(moment))).fetchone() is not None


def _key(reservation: str | None) -> str:
    return reservation or ""


def _span(row: tuple[str, str, str, str | None]) -> StaySpan:
    room, reservation, since, until = row
    return StaySpan(room=room, reservation=reservation or None, since=from_text(since),
                    until=None if until is None else from_text(until))
