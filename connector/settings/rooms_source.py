"""Read the room map named by the settings (a CSV file, an inline list, or both)."""

from __future__ import annotations

from connector.rooms.room_map import RoomMap, RoomMapError, parse_room_csv, parse_room_pairs
from connector.settings.model import RoomSettings


def load_room_map(settings: RoomSettings) -> RoomMap:
    """The file's rooms plus the inline ones; a room in both is an error."""
    rooms: dict[str, str] = {}
    if settings.map_file is not None:
        path = settings.map_file
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as error:
            raise RoomMapError(
                str(path),
                [f"cannot be read ({error.strerror}); set CONNECTOR_ROOMS__MAP_FILE to a "
                 "readable CSV with 'room,extension' rows"],
            ) from None
        rooms.update(parse_room_csv(text, source=str(path)))
    if settings.map:
        inline = parse_room_pairs(settings.map)
        problems = []
        both = sorted(set(rooms) & set(inline))
        if both:
            problems.append(f"room(s) {', '.join(both)} are in both the file and the inline map")
        # Each source checks its own extensions; one shared across the two would ring two rooms.
        file_rooms = {extension: room for room, extension in rooms.items()}
        problems += [
            f"extension {extension} is given to room {file_rooms[extension]} in the file and "
            f"to room {room} in the inline map"
            for room, extension in inline.items()
            if extension in file_rooms and file_rooms[extension] != room
        ]
        if problems:
            raise RoomMapError("settings", problems)
        rooms.update(inline)
    return RoomMap(rooms)
