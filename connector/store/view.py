"""What a fold sees of the store: the rooms and meta as of this point in the batch."""

from __future__ import annotations

import sqlite3
from typing import Protocol

from connector.rooms.state import RoomState
from connector.store import meta, rooms
from connector.store.errors import StoreMisuse


class RoomView(Protocol):
    """Rooms and meta inside the ingest transaction: earlier events of the same batch are
    visible, and `set_meta` commits or rolls back with the batch."""

    def get(self, room: str) -> RoomState | None:
        """The room's desired state, or None if no event has touched it yet."""
        ...

    def all(self) -> dict[str, RoomState]:
        """Every room with a desired state."""
        ...

    def meta(self, key: str) -> str | None: ...

    def set_meta(self, key: str, value: str | None) -> None:
        """Set (None: remove) a hotel-wide value, in the batch's transaction."""
        ...


class TransactionView:
    """The RoomView of one ingest; it refuses use once its batch has ended, because a fold
    that kept it would otherwise write outside any transaction.

    A room is read from the database once per batch and then remembered, with each change
    the batch stores (`stored`): the fold, the narration and the write all need the room as
    it stands, and reading and parsing it each time was a sixth of storing a single event.
    The batch is the only writer of its rooms while it runs (folds cannot write), and a
    state is immutable, so what is remembered is what a read would give."""

    def __init__(self, conn: sqlite3.Connection, path: str) -> None:
        self._conn = conn
        self._path = path
        self._open = True
        self._rooms: dict[str, RoomState | None] = {}

    def close(self) -> None:
        self._open = False
        self._rooms.clear()

    def get(self, room: str) -> RoomState | None:
        conn = self._live()
        if room not in self._rooms:
            self._rooms[room] = rooms.get(conn, room)
        return self._rooms[room]

    def stored(self, state: RoomState) -> None:
        """`state` is now the room's, in this batch's transaction."""
        self._rooms[state.room] = state

    def all(self) -> dict[str, RoomState]:
        return rooms.all_rooms(self._live())

    def meta(self, key: str) -> str | None:
        return meta.get(self._live(), key)

    def set_meta(self, key: str, value: str | None) -> None:
        meta.put(self._live(), key, value)

    def _live(self) -> sqlite3.Connection:
        if not self._open:
            raise StoreMisuse(
                "A RoomView was used after its ingest ended; a fold must not keep it.",
                path=self._path,
            )
        return self._conn
