"""Rooms the PMS uses that the room map does not have (pure).

Such a room's events are kept, but nothing is sent to Zoom for it: it has no extension. That
is a configuration problem, not a Zoom failure, and it ends only when someone adds the room to
the map. The map is read at start-up, so the fix is: add it, then restart the connector
(which at once brings the room's kept state to Zoom).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

HINT = ("add them to the room map (CONNECTOR_ROOMS__MAP_FILE / CONNECTOR_ROOMS__MAP), then "
        "restart the connector: the map is read at start-up, and the rooms' kept state goes "
        "to Zoom at once")


def unmapped_rooms(rooms: Iterable[str], room_map: Mapping[str, str]) -> list[str]:
    """The rooms not in `room_map`, in room-number order."""
    return sorted({room for room in rooms if room not in room_map}, key=by_room_number)


def describe(rooms: list[str], shown: int = 20) -> str:
    """One line a person can act on: which rooms, and what to do."""
    listed = ", ".join(rooms[:shown]) + (" …" if len(rooms) > shown else "")
    return (f"{len(rooms)} room(s) the PMS uses are not in the room map, so their phones are "
            f"not updated: {listed}; {HINT}.")


def by_room_number(room: str) -> tuple[int, str]:
    """Sort key: "99" before "101", as on the hotel's floors."""
    return len(room), room
