"""Rooms in memory, seen the way the fold sees the store (a `RoomView`), with an inbox
sequence: enough to fold events as the store would, without a database."""

from __future__ import annotations

from connector.events.models import AnyEvent
from connector.rooms.desired import fold
from connector.rooms.state import RoomState


class MemoryRooms:
    def __init__(self) -> None:
        self.rooms: dict[str, RoomState] = {}
        self._meta: dict[str, str] = {}
        self._seq = 0

    def get(self, room: str) -> RoomState | None:
        return self.rooms.get(room)

    def all(self) -> dict[str, RoomState]:
        return dict(self.rooms)

    def meta(self, key: str) -> str | None:
        return self._meta.get(key)

    def set_meta(self, key: str, value: str | None) -> None:
        if value is None:
            self._meta.pop(key, None)
        else:
            self._meta[key] = value

    def apply(self, *events: AnyEvent) -> None:
        for event in events:
            self._seq += 1
            self.rooms.update(fold(event, self._seq, self))

    def room(self, room: str) -> RoomState:
        return self.rooms.get(room) or RoomState(room=room)

    def guests(self, room: str) -> list[str]:
        """Who the front desk sees in the room, first (the one naming it) first."""
        return [f"{g.first_name} {g.last_name}".strip()
                for stay in self.room(room).stays for g in stay.guests]
