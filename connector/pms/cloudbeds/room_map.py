"""The hotel's room numbers and Cloudbeds' room ids.

Zoom and FIAS name a room by its number ("101"); Cloudbeds keys rooms by `roomID` and shows
the property's own `roomName`, which is the number the hotel uses. The map is read with
`getRooms` once at start, kept, and read again when a room is missing from it (a room added
in Cloudbeds since)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from connector.pms.cloudbeds.client import CloudbedsClient, Json

log = logging.getLogger(__name__)

PAGE_SIZE = 100
MAX_ROOM_NUMBER = 16  # connector.events.models.RoomNumber


@dataclass(frozen=True, slots=True)
class RoomMap:
    """Both ways between a room number and its `roomID`; `unusable`: room names the phones
    cannot carry (too long, or the same name twice), in words for the doctor."""

    by_number: Mapping[str, str]
    by_id: Mapping[str, str]
    unusable: tuple[str, ...] = ()


def room_map(rows: Sequence[Json]) -> RoomMap:
    """The map from `getRooms` answers' `data` entries (`{propertyID, rooms[]}`), pure."""
    by_number: dict[str, str] = {}
    by_id: dict[str, str] = {}
    unusable: list[str] = []
    for row in rows:
        rooms = row.get("rooms")
        for room in rooms if isinstance(rooms, list) else []:
            if not isinstance(room, Mapping):
                continue
            room_id, name = str(room.get("roomID") or ""), str(room.get("roomName") or "").strip()
            if not room_id or not name:
                continue
            if len(name) > MAX_ROOM_NUMBER:
                unusable.append(f"room {room_id} is named {name[:40]!r}, longer than "
                                f"{MAX_ROOM_NUMBER} characters")
                continue
            if name in by_number and by_number[name] != room_id:
                unusable.append(f"two rooms are named {name!r} ({by_number[name]} and "
                                f"{room_id})")
                continue
            by_number[name] = room_id
            by_id[room_id] = name
    return RoomMap(by_number, by_id, tuple(unusable))


class RoomDirectory:
    """The kept map, read again on a miss (at most once per missing name until the next
    read, so an unknown room cannot make every report a `getRooms`)."""

    def __init__(self, client: CloudbedsClient) -> None:
        self._client = client
        self._map: RoomMap | None = None
        self._missed: set[str] = set()

    @property
    def current(self) -> RoomMap | None:
        return self._map

    async def load(self) -> RoomMap:
        """Read every room (100 a page) and keep the map."""
        rows: list[Json] = []
        for number in range(1, 1000):
            answer = await self._client.get(
                "getRooms", {"pageNumber": number, "pageSize": PAGE_SIZE},
                property_key="propertyIDs")
            data = answer.get("data")
            page = [row for row in data if isinstance(row, Mapping)] if isinstance(
                data, list) else []
            rows.extend(page)
            if _room_count(page) < PAGE_SIZE:
                break
        self._map = room_map(rows)
        self._missed.clear()
        for problem in self._map.unusable:
            log.warning("Cloudbeds: %s; the phones cannot name that room", problem)
        return self._map

    async def room_id(self, number: str) -> str | None:
        """The `roomID` of a room number; None when Cloudbeds has no such room."""
        return await self._lookup(lambda m: m.by_number.get(number), f"n:{number}")

    async def number(self, room_id: str) -> str | None:
        """The room number of a `roomID`; None when Cloudbeds has no such room."""
        return await self._lookup(lambda m: m.by_id.get(room_id), f"i:{room_id}")

    async def _lookup(self, find: Callable[[RoomMap], str | None], miss_key: str) -> str | None:
        if self._map is None:
            await self.load()
        assert self._map is not None
        found = find(self._map)
        if found is None and miss_key not in self._missed:
            await self.load()
            assert self._map is not None
            found = find(self._map)
            if found is None:
                self._missed.add(miss_key)
        return found


def _room_count(page: Sequence[Json]) -> int:
    return sum(len(rooms) for row in page if isinstance(rooms := row.get("rooms"), list))
