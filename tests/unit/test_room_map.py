"""The room → extension map: a CSV file and/or an inline list, each mistake named by line."""

from __future__ import annotations

from pathlib import Path

import pytest

from connector.rooms.room_map import RoomMapError, parse_room_csv, parse_room_pairs
from connector.settings import RoomSettings
from connector.settings.rooms_source import load_room_map


def _load(tmp_path: Path, csv_text: str | None = None, inline: str = "") -> dict[str, str]:
    map_file = None
    if csv_text is not None:
        map_file = tmp_path / "rooms.csv"
        map_file.write_text(csv_text, encoding="utf-8")
    return dict(load_room_map(RoomSettings(map_file=map_file, map=inline)))


def _problems(text: str) -> list[str]:
    with pytest.raises(RoomMapError) as caught:
        parse_room_csv(text, source="rooms.csv")
    return caught.value.problems


def test_a_csv_with_a_header_and_comments_maps_each_room_to_its_extension(
    tmp_path: Path,
) -> None:
    rooms = _load(
        tmp_path,
        "# Harbour View, floors 1-2\n"
        "room,extension\n"
        "101,2101\n"
        "\n"
        "# the suite\n"
        " 201 , 2201 \n",
    )

    assert rooms == {"101": "2101", "201": "2201"}


def test_a_header_on_the_first_line_is_skipped() -> None:
    assert dict(parse_room_csv("Room,Extension\n101,2101\n")) == {"101": "2101"}


def test_a_file_saved_by_excel_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    map_file = tmp_path / "rooms.csv"
    map_file.write_bytes("room,extension\r\n101,2101\r\n".encode("utf-8-sig"))

    assert dict(load_room_map(RoomSettings(map_file=map_file))) == {"101": "2101"}


def test_inline_pairs_map_rooms_for_a_small_hotel(tmp_path: Path) -> None:
    assert _load(tmp_path, inline="101=2101, 102=2102,") == {"101": "2101", "102": "2102"}


def test_file_and_inline_rooms_are_combined(tmp_path: Path) -> None:
    rooms = _load(tmp_path, "101,2101\n", inline="102=2102")

    assert rooms == {"101": "2101", "102": "2102"}


def test_a_room_in_both_the_file_and_the_inline_map_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RoomMapError, match="room\\(s\\) 101 are in both"):
        _load(tmp_path, "101,2101\n", inline="101=2102")


def test_a_room_listed_twice_is_named_with_its_line() -> None:
    problems = _problems("room,extension\n101,2101\n101,2102\n")

    assert problems == ["line 3: room 101 is listed twice"]


def test_two_rooms_on_one_extension_are_named_with_the_line() -> None:
    problems = _problems("101,2101\n102,2101\n")

    assert problems == ["line 2: extension 2101 is given to rooms 101 and 102"]


def test_a_leading_zero_does_not_hide_a_shared_extension() -> None:
    problems = _problems("101,2101\n102,02101\n")

    assert problems == ["line 2: extension 02101 is given to rooms 101 and 102"]


def test_a_non_numeric_extension_is_named_with_its_line_and_room() -> None:
    problems = _problems("101,2101\n102,ext-2102\n")

    assert problems == ["line 2: extension 'ext-2102' of room 102 is not a number"]


def test_a_line_without_an_extension_is_named() -> None:
    problems = _problems("101,2101\n102\n")

    assert problems == ["line 2: expected 'room,extension', got '102'"]


def test_every_problem_of_a_file_is_reported_at_once() -> None:
    with pytest.raises(RoomMapError) as caught:
        parse_room_csv("101,2101\n101,2102\n103,abc\n", source="/etc/connector/rooms.csv")

    message = str(caught.value)
    assert "/etc/connector/rooms.csv has 2 problem(s)" in message
    assert "line 2:" in message
    assert "line 3:" in message


def test_a_bad_inline_entry_is_named_by_its_position() -> None:
    with pytest.raises(RoomMapError) as caught:
        parse_room_pairs("101=2101,102:2102")

    assert caught.value.problems == ["entry 2: expected 'room=extension', got '102:2102'"]
    assert "CONNECTOR_ROOMS__MAP" in str(caught.value)


def test_an_unreadable_file_names_the_path_and_the_setting(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "rooms.csv"

    with pytest.raises(RoomMapError) as caught:
        load_room_map(RoomSettings(map_file=missing))

    message = str(caught.value)
    assert str(missing) in message
    assert "cannot be read" in message
    assert "CONNECTOR_ROOMS__MAP_FILE" in message


def test_the_room_ringing_on_an_extension_is_found() -> None:
    rooms = parse_room_pairs("101=2101,102=2102")

    assert rooms.room_for_extension("2102") == "102"
    assert rooms.room_for_extension("2999") is None


def test_an_extension_in_the_file_and_inline_for_different_rooms_is_refused(
    tmp_path: Path,
) -> None:
    with pytest.raises(RoomMapError) as caught:
        _load(tmp_path, "101,2101\n", inline="102=2101")

    assert caught.value.problems == [
        "extension 2101 is given to room 101 in the file and to room 102 in the inline map"
    ]
