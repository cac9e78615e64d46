"""`connector status --room`, `status` and `plan` as IT reads them in a Berlin hotel: what
the PMS sent and what it changed, the room as it stands, every time in hotel time."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner, Result

from connector.cli import main
from connector.events.models import ClassOfService, MessageWaiting
from connector.sandbox import SandboxConfig
from tests.scenarios.hotel import Hotel, open_hotel

BERLIN = {"CONNECTOR_HOTEL__TIMEZONE": "Europe/Berlin"}


@pytest.fixture
async def hotel(tmp_path: Path) -> AsyncIterator[Hotel]:
    """A frozen clock at the sandbox's Monday, 09:00 UTC: 10:00 in Berlin."""
    async with open_hotel(tmp_path, SandboxConfig(frozen_clock=True), **BERLIN) as opened:
        yield opened


@pytest.fixture
async def live_hotel(tmp_path: Path) -> AsyncIterator[Hotel]:
    """On the real clock (a frozen one starves the sandbox's rate limits, which `plan`'s
    start-up directory listing needs)."""
    async with open_hotel(tmp_path, **BERLIN) as opened:
        yield opened


async def _cli(hotel: Hotel, *args: str) -> Result:
    room_map = hotel.settings.rooms.map_file
    assert room_map is not None
    env = {**hotel.sandbox.environment(str(room_map)), **BERLIN,
           "CONNECTOR_STORE__PATH": str(hotel.store_path),
           "CONNECTOR_RECONCILE__SETTLE_SECONDS": "0", "CONNECTOR_LOG__FORMAT": "text"}
    return await asyncio.to_thread(CliRunner().invoke, main, list(args), env=env)


def _message_light(hotel: Hotel, room: str, on: bool) -> None:
    hotel.send(MessageWaiting(id=hotel._id(), occurred_at=hotel.now, room=room, on=on))


async def test_one_room_shows_its_pms_events_and_what_each_changed(hotel: Hotel) -> None:
    arrival = hotel.check_in("104", "Dana", "Cohen", reservation="4711",
                             cos=ClassOfService.NATIONAL)
    hotel.send(arrival)  # the PMS delivers it twice
    hotel.dnd("104", True, until=hotel.now + timedelta(hours=2))
    _message_light(hotel, "104", True)
    await hotel.settle()

    result = await _cli(hotel, "status", "--room", "104")

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Room 104: occupied since 2026-03-02 10:00 CET, 1 guest(s)"
    assert "  reservation 4711: 1 guest(s)" in lines
    assert "  DND: on until 2026-03-02 12:00 CET" in lines
    assert "  class of service: national" in lines
    assert "  message waiting: on" in lines
    assert "  Zoom: in step with the PMS" in lines
    events = lines[lines.index("Recent PMS events, newest first (4 shown):") + 1:]
    assert events == [
        "  2026-03-02 10:00:00 CET  message_waiting from api [changed]: "
        "room 104 message waiting on",
        "  2026-03-02 10:00:00 CET  dnd from api [changed]: room 104 DND on until 12:00 CET",
        "  2026-03-02 10:00:00 CET  check_in from api reservation 4711 [duplicate]: "
        "no change (duplicate)",
        "  2026-03-02 10:00:00 CET  check_in from api reservation 4711 [changed]: "
        "room 104 occupied, 1 guest; class of service national; "
        "voicemail before 10:00 CET to purge",
    ]
    assert "Dana" not in result.output and "Cohen" not in result.output


async def test_names_only_with_show_names_and_as_many_events_as_asked(hotel: Hotel) -> None:
    hotel.check_in("104", "Dana", "Cohen", reservation="4711")
    hotel.dnd("104", True)

    result = await _cli(hotel, "status", "--room", "104", "--events", "1", "--show-names")

    assert "  reservation 4711: 1 guest(s): Dana Cohen" in result.output
    assert "Recent PMS events, newest first (1 shown):" in result.output
    assert "check_in from" not in result.output
    assert "Zoom: not yet in step (version 0 of 2 confirmed)" in result.output


async def test_a_room_after_check_out_shows_vacant_and_why(hotel: Hotel) -> None:
    hotel.check_in("104", "Dana", "Cohen", reservation="4711")
    hotel.advance(hours=3)
    hotel.check_out("104", "4711")

    result = await _cli(hotel, "status", "--room", "104")

    assert result.output.startswith("Room 104: vacant since 2026-03-02 13:00 CET\n")
    assert ("check_out from api reservation 4711 [changed]: room 104 vacant; "
            "voicemail before 13:00 CET to purge") in result.output


async def test_a_room_the_pms_never_named_says_so(hotel: Hotel) -> None:
    result = await _cli(hotel, "status", "--room", "105")

    assert result.exit_code == 0
    assert result.output == "No PMS event has named room 105 yet.\n"


async def test_status_counts_the_message_lamps_and_shows_changes_in_hotel_time(
    hotel: Hotel,
) -> None:
    hotel.check_in("104", "Dana", "Cohen")
    hotel.check_in("106", "Eli", "Ward")
    _message_light(hotel, "106", True)
    _message_light(hotel, "104", True)
    await hotel.settle()

    result = await _cli(hotel, "status")

    assert "Message waiting (from the PMS): 2 room(s): 104, 106." in result.output
    assert "2026-03-02 10:00:00 CET room 104: rename the user" in result.output
    assert "UTC" not in result.output


async def test_plan_gives_times_in_hotel_time(live_hotel: Hotel) -> None:
    hotel = live_hotel
    hotel.check_in("104", "Dana", "Cohen", reservation="4711")
    await hotel.settle()
    until = (hotel.now + timedelta(hours=2)).replace(second=0, microsecond=0)
    hotel.dnd("104", True, until=until)  # not yet in Zoom

    result = await _cli(hotel, "plan", "--room", "104")

    in_berlin = until.astimezone(ZoneInfo("Europe/Berlin"))
    assert f"(until {in_berlin:%Y-%m-%d %H:%M %Z})" in result.output, result.output
    assert in_berlin.tzname() in ("CET", "CEST")
