"""A room the PMS uses that the room map forgot: its events are kept, Zoom is left alone, the
front desk's IT sees a configuration problem (not a Zoom failure), and a restart with the
room in the map brings its phone up to date at once."""

from __future__ import annotations

from connector.doctor import run_doctor
from connector.doctor.report import Status
from tests.scenarios.hotel import Hotel, reopen
from tests.scenarios.test_rooms_cli import _cli

FORGOTTEN = "207"  # in Zoom as extension 2207, but not in the room map
EXTENSION = 2207


async def _forget_in_the_room_map(hotel: Hotel, room: str) -> None:
    path = hotel.settings.rooms.map_file
    assert path is not None
    kept = [line for line in path.read_text().splitlines() if not line.startswith(f"{room},")]
    path.write_text("\n".join(kept) + "\n")
    await reopen(hotel)  # the map is read at start-up
    assert room not in hotel.connector.room_map


async def test_a_check_in_to_a_room_outside_the_map_changes_nothing_in_zoom(
    hotel: Hotel,
) -> None:
    await _forget_in_the_room_map(hotel, FORGOTTEN)
    before = hotel.mark()
    stay = hotel.check_in(FORGOTTEN, "Ana", "Lima")
    await hotel.settle()
    hotel.resync((FORGOTTEN, stay.reservation, "Ana", "Lima"))  # and again at a PMS resync
    await hotel.settle()
    await hotel.retry_round()

    assert hotel.calls_since(before) == {}  # not even a directory reload
    assert hotel.sandbox.owner(EXTENSION).display_name != "Ana Lima 2207"
    assert hotel.failure(FORGOTTEN) is None
    hotel.check_in("208", "Bo", "Chen")  # the rest of the hotel goes on
    await hotel.settle()
    assert hotel.shown_name("208") == "Bo Chen 2208"
    assert hotel.connector.store.room(FORGOTTEN) is not None  # kept
    registry = hotel.connector.reconciler.metrics.registry
    # A room map to fix, not a Zoom to wait for: no outage alert from it.
    assert {name: registry.get_sample_value(name) for name in (
        "connector_rooms_unmapped", "connector_rooms_failed", "connector_rooms_waiting",
        "connector_oldest_unapplied_event_seconds")} == {
        "connector_rooms_unmapped": 1, "connector_rooms_failed": 0,
        "connector_rooms_waiting": 0, "connector_oldest_unapplied_event_seconds": 0}
    assert hotel.connector.reconciler.unmapped_rooms() == [FORGOTTEN]


async def test_status_shows_a_room_outside_the_map_as_a_configuration_problem(
    hotel: Hotel,
) -> None:
    await _forget_in_the_room_map(hotel, FORGOTTEN)
    hotel.check_in(FORGOTTEN, "Ana", "Lima")
    await hotel.settle()

    result = await _cli(hotel, "status")

    assert result.exit_code == 0, result.output  # not a Zoom failure
    assert ("1 event(s) received; 1 room(s) known; 0 waiting for Zoom; 0 failed; "
            "1 not in the room map.") in result.output
    assert "Configuration problem: 1 room(s) the PMS uses are not in the room map" in (
        result.output)
    assert "not updated: 207;" in result.output
    assert "CONNECTOR_ROOMS__MAP_FILE / CONNECTOR_ROOMS__MAP" in result.output
    assert "Rooms not converged" not in result.output


async def test_doctor_names_the_rooms_outside_the_map_and_what_to_do(hotel: Hotel) -> None:
    await _forget_in_the_room_map(hotel, FORGOTTEN)
    hotel.check_in(FORGOTTEN, "Ana", "Lima")
    await hotel.settle()

    report = await run_doctor(hotel.settings)

    check = next(c for c in report.checks if c.name == "PMS rooms")
    assert check.status is Status.WARN
    assert check.details[0] == "room 207"
    assert "CONNECTOR_ROOMS__MAP_FILE / CONNECTOR_ROOMS__MAP" in check.details[1]
    assert not report.blocking


async def test_a_restart_with_the_room_in_the_map_brings_its_phone_up_to_date(
    hotel: Hotel,
) -> None:
    await _forget_in_the_room_map(hotel, FORGOTTEN)
    stay = hotel.check_in(FORGOTTEN, "Ana", "Lima")
    await hotel.settle()

    path = hotel.settings.rooms.map_file
    assert path is not None
    hotel.sandbox.hotel.write_room_map(path)  # IT adds the room, then restarts
    await reopen(hotel)
    await hotel.settle()

    assert hotel.shown_name(FORGOTTEN) == "Ana Lima 2207"
    assert hotel.status(stay).state == "applied"
    assert hotel.connector.reconciler.unmapped_rooms() == []
    result = await _cli(hotel, "status")
    assert result.exit_code == 0 and "not in the room map" not in result.output


async def test_a_sync_of_a_room_outside_the_map_says_what_to_do_and_asks_zoom_nothing(
    hotel: Hotel,
) -> None:
    await _forget_in_the_room_map(hotel, FORGOTTEN)
    hotel.check_in(FORGOTTEN, "Ana", "Lima")
    await hotel.settle()
    before = hotel.mark()

    result = await _cli(hotel, "sync", "--room", FORGOTTEN)

    assert result.exit_code == 0, result.output
    assert "1 room(s) checked, 0 changed, 0 failed." in result.output
    assert "Configuration problem: 1 room(s) the PMS uses are not in the room map" in (
        result.output)
    # Starting up and a full pass read the directory; nothing is changed for the room.
    assert all(endpoint.startswith("list_") for endpoint in hotel.calls_since(before))
