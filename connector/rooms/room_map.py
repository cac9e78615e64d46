"""The room → extension map (pure parsing; reading the file is the caller's job).

Hotels rarely give a room's phone the room number as its extension (site codes, 4-digit
plans), so the connector is told which extension rings in which room.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

_EXTENSION = re.compile(r"^\d{1,15}$")


class RoomMapError(ValueError):
    """The map has problems; each names its line and what to fix."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            f"The room map {source} has {len(problems)} problem(s):\n"
            + "\n".join(f"  - {p}" for p in problems)
        )


@dataclass(frozen=True)
class RoomMap(Mapping[str, str]):
    """Room number → extension number, both as text."""

    rooms: Mapping[str, str]

    def __getitem__(self, room: str) -> str:
        return self.rooms[room]

    def __iter__(self) -> Iterator[str]:
        return iter(self.rooms)

    def __len__(self) -> int:
        return len(self.rooms)

    def room_for_extension(self, extension: str) -> str | None:
        for room, ext in self.rooms.items():
            if ext == extension:
                return room
        return None


def parse_room_csv(text: str, source: str = "file") -> RoomMap:
    """`room,extension` rows; a header row and `#` comments are allowed."""
    pairs: list[tuple[int, str, str]] = []
    problems: list[str] = []
    first_row = True
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [cell.strip() for cell in row]
        if not cells or not any(cells) or cells[0].startswith("#"):
            continue
        # The header may follow comment lines: it is the first row that is not one.
        if first_row:
            first_row = False
            if cells[0].lower() == "room":
                continue
        if len(cells) < 2:
            problems.append(f"line {number}: expected 'room,extension', got {','.join(cells)!r}")
            continue
        pairs.append((number, cells[0], cells[1]))
    return _build(pairs, problems, source)


def parse_room_pairs(text: str, source: str = "CONNECTOR_ROOMS__MAP") -> RoomMap:
    """`101=2101,102=2102`, the inline form for small hotels and demos."""
    pairs: list[tuple[int, str, str]] = []
    problems: list[str] = []
    for index, item in enumerate((p.strip() for p in text.split(",")), start=1):
        if not item:
            continue
        room, sep, extension = item.partition("=")
        if not sep:
            problems.append(f"entry {index}: expected 'room=extension', got {item!r}")
            continue
        pairs.append((index, room.strip(), extension.strip()))
    return _build(pairs, problems, source, unit="entry")


def _build(
    pairs: list[tuple[int, str, str]], problems: list[str], source: str, unit: str = "line"
) -> RoomMap:
    rooms: dict[str, str] = {}
    owner: dict[str, str] = {}
    for number, room, extension in pairs:
        where = f"{unit} {number}"
        if not room:
            problems.append(f"{where}: the room is empty")
        elif not _EXTENSION.match(extension):
            problems.append(f"{where}: extension {extension!r} of room {room} is not a number")
        elif room in rooms:
            problems.append(f"{where}: room {room} is listed twice")
        # `02101` and `2101` are the same extension to Zoom.
        elif (number_text := str(int(extension))) in owner:
            problems.append(
                f"{where}: extension {extension} is given to rooms {owner[number_text]} and {room}"
            )
        else:
            rooms[room] = number_text
            owner[number_text] = room
    if problems:
        raise RoomMapError(source, problems)
    return RoomMap(rooms)
