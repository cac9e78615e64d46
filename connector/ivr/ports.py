"""What the room-phone services need from the rest of the connector, as small protocols:
the durable way in for room changes (`Connector.ingest`) and the stored room state
(`Store`). The prompts come through `connector.voice.voice.Voice`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from connector.events.models import AnyEvent
from connector.rooms.state import RoomState
from connector.store import Received


class Ingest(Protocol):
    def __call__(self, events: Sequence[AnyEvent], *, source: str) -> list[Received]:
        """Store the events and fold them into room state before returning."""
        ...


class Rooms(Protocol):
    def room(self, room: str) -> RoomState | None: ...

    def all_rooms(self) -> dict[str, RoomState]: ...

    def meta(self, key: str) -> str | None: ...

    def set_meta(self, key: str, value: str | None) -> None: ...
