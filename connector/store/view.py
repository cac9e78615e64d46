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
    that kept it would otherwise write outside any transaction."""

    def __init__(self, conn: sqlite3.Connection, path: str) -> None:
        self._conn = conn
        self._path = path
        self._open = True

    def close(self) -> None:
        self._open = False

    def get(self, room: str) -> RoomState | None:
        return rooms.get(self._live(), room)

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
