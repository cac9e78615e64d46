"""`connector plan`, `sync` and `status` as a hotel's IT person uses them, against the sandbox."""

from __future__ import annotations

import asyncio
from zoneinfo import ZoneInfo

from click.testing import CliRunner, Result

from connector.cli import main
from connector.sandbox.state import User
from tests.scenarios.hotel import Hotel


async def _cli(hotel: Hotel, *args: str) -> Result:
    room_map = hotel.settings.rooms.map_file
    assert room_map is not None
    env = {**hotel.sandbox.environment(str(room_map)),
           "CONNECTOR_STORE__PATH": str(hotel.store_path),
           "CONNECTOR_RECONCILE__SETTLE_SECONDS": "0",
           "CONNECTOR_LOG__FORMAT": "text"}
    # The CLI runs its own event loop; the sandbox keeps serving on this one meanwhile.
    return await asyncio.to_thread(CliRunner().invoke, main, list(args), env=env)


def _hand_edit(hotel: Hotel, room: str, name: str) -> None:
    """Someone renames the room's user in the Zoom portal."""
    user = hotel.user(room)
    user.first_name, user.last_name, user.display_name = name, "", name


async def test_plan_shows_a_hand_edit_and_changes_nothing(hotel: Hotel) -> None:
    hotel.check_in("101", "Ana", "Lima")
    await hotel.settle()
    _hand_edit(hotel, "101", "Front desk test")
    patches = hotel.calls("update_user")

    result = await _cli(hotel, "plan")

    assert result.exit_code == 0, result.output
    assert "room 101 (extension 2101, user): rename the user" in result.output
    assert "Ana" not in result.output  # guest names only with --show-names
    assert hotel.calls("update_user") == patches
    assert hotel.shown_name("101") == "Front desk test"


async def test_sync_repairs_a_hand_edit_and_leaves_matching_rooms_alone(hotel: Hotel) -> None:
    hotel.check_in("101", "Ana", "Lima")
    hotel.check_in("102", "Ben", "Okafor")
    await hotel.settle()
    _hand_edit(hotel, "101", "Front desk test")
    patches = hotel.calls("update_user")

    result = await _cli(hotel, "sync")

    assert result.exit_code == 0, result.output
    assert hotel.shown_name("101") == "Ana Lima 2101"
    assert hotel.calls("update_user") == patches + 1  # room 102 already matched
    assert "2 room(s) checked, 1 changed, 0 failed." in result.output


async def test_a_deep_sync_reopens_what_was_restricted_by_hand(hotel: Hotel) -> None:
    hotel.check_in("103", "Chloé", "Martin")
    await hotel.settle()
    owner = hotel.user("103")
    assert isinstance(owner, User) and owner.phone is not None
    owner.phone.policy.international_calling = False  # someone blocked it in the portal

    shallow = await _cli(hotel, "sync")
    assert owner.phone.policy.international_calling is False  # names only: not noticed
    deep = await _cli(hotel, "sync", "--deep")

    assert shallow.exit_code == deep.exit_code == 0
    assert hotel.may_call("103") == {"international": True, "domestic": True}


async def test_status_lists_events_and_recent_changes(hotel: Hotel) -> None:
    event = hotel.check_in("104", "Dana", "Cohen")
    await hotel.settle()

    result = await _cli(hotel, "status")

    assert result.exit_code == 0, result.output
    assert "1 event(s) received; 1 room(s) known; 0 waiting for Zoom; 0 failed." in result.output
    assert f"room 104: rename the user (events: {event.id})" in result.output


async def test_status_names_a_room_that_gave_up(hotel: Hotel) -> None:
    hotel.check_in("901", "Eve", "Ng")  # in the room map, but never created in Zoom
    await hotel.settle()

    result = await _cli(hotel, "status")

    assert result.exit_code == 1
    assert "room 901: 1 attempt(s), gave up until the next `connector sync`" in result.output
    assert "not in the Zoom directory" in result.output


async def test_status_says_where_the_store_is_and_since_when_zoom_lags(hotel: Hotel) -> None:
    # What /readyz no longer tells an unsigned caller, IT reads here.
    hotel.sandbox.faults.error_burst(100_000, status=503)
    hotel.check_in("105", "Dana", "Cohen")
    received = hotel.now.astimezone(ZoneInfo(hotel.settings.hotel.timezone))
    await hotel.one_pass()

    result = await _cli(hotel, "status")

    assert f"Store: {hotel.store_path}" in result.output
    assert ("The oldest PMS event Zoom does not have yet was received at "
            f"{received:%Y-%m-%d %H:%M:%S}") in result.output
    assert "1 waiting for Zoom" in result.output
