"""Every operation the adapter uses, answered as Cloudbeds' spec shapes it (the client checks
each request and answer against the spec), with what the front desk did visible in it."""

from __future__ import annotations

from datetime import date

import pytest

from connector.sandbox.cloudbeds import CloudbedsEmulator
from tests.sandbox.cloudbeds.support import Cloudbeds

MARCH_10, MARCH_12 = date(2026, 3, 10), date(2026, 3, 12)


@pytest.fixture
def in_house(emulator: CloudbedsEmulator) -> str:
    """Ada Lovelace, checked in to room 101 with a sharer; Alan Turing booked for 201."""
    state = emulator.state
    ada = state.create_reservation("Ada", "Lovelace", MARCH_10, MARCH_12, room="101",
                                   sharers=[("Charles", "Babbage")])
    state.check_in(ada.reservation_id)
    state.create_reservation("Alan", "Turing", MARCH_10, MARCH_12, room="201")
    return ada.reservation_id


def _form(**fields: str) -> dict[str, str]:
    return fields


CALLS: list[tuple[str, str, dict[str, str], dict[str, str] | None]] = [
    ("GET", "/getHotelDetails", {}, None),
    ("GET", "/getRooms", {}, None),
    ("GET", "/getRooms", {"pageNumber": "2", "pageSize": "2"}, None),
    ("GET", "/getReservation", {"reservationID": "{ada}"}, None),
    ("GET", "/getReservations", {"status": "checked_in", "includeGuestsDetails": "true"}, None),
    ("GET", "/getReservations", {"roomID": "{room101}", "status": "checked_in"}, None),
    ("GET", "/getReservations", {"modifiedFrom": "2026-03-10 08:00:00"}, None),
    ("GET", "/getGuestsByStatus", {"status": "in_house", "pageNumber": "1", "pageSize": "100"},
     None),
    ("GET", "/getGuestsByStatus", {"status": "not_checked_in"}, None),
    ("POST", "/postHousekeepingStatus", {}, {"roomID": "{room101}", "doNotDisturb": "true"}),
    ("POST", "/postHousekeepingStatus", {}, {"roomID": "{room101}", "roomCondition": "dirty"}),
    ("POST", "/postCustomItem", {}, {"reservationID": "{ada}", "referenceID": "posting-1",
                                     "items[0][itemName]": "Telephone",
                                     "items[0][itemQuantity]": "1",
                                     "items[0][itemPrice]": "3.40"}),
    ("GET", "/getWebhooks", {}, None),
    ("POST", "/postWebhook", {}, {"object": "reservation", "action": "status_changed",
                                  "endpointUrl": "https://phones.hotel.example/cb/x/events"}),
]


@pytest.mark.parametrize(("method", "operation", "query", "form"), CALLS,
                         ids=[f"{m} {o} {sorted(q)}" for m, o, q, _ in CALLS])
async def test_every_operation_answers_as_the_spec_shapes_it(
        cloudbeds: Cloudbeds, emulator: CloudbedsEmulator, in_house: str, method: str,
        operation: str, query: dict[str, str], form: dict[str, str] | None) -> None:
    room101 = emulator.state.room_named("101")
    assert room101 is not None
    names = {"{ada}": in_house, "{room101}": room101.room_id}
    query = {k: names.get(v, v) for k, v in query.items()}
    form = None if form is None else {k: names.get(v, v) for k, v in form.items()}
    answer = await cloudbeds.call(method, operation, query, form)
    assert answer.status_code == 200
    assert answer.json()["success"] is True
    assert answer.headers["x-request-id"]


async def test_the_in_house_list_names_each_guest_and_the_room_number(
        cloudbeds: Cloudbeds, in_house: str) -> None:
    rows = await cloudbeds.data("GET", "/getGuestsByStatus", {"status": "in_house"})
    assert {(r["guestFirstName"], r["roomName"], r["reservationID"]) for r in rows} == {
        ("Ada", "101", in_house), ("Charles", "101", in_house)}
    assert {r["currentStatus"] for r in rows} == {"in_house"}


async def test_a_reservation_read_back_shows_its_room_status_and_guests(
        cloudbeds: Cloudbeds, emulator: CloudbedsEmulator, in_house: str) -> None:
    emulator.state.move(in_house, "202")
    data = await cloudbeds.data("GET", "/getReservation", {"reservationID": in_house})
    assert data["status"] == "checked_in"
    assert [a["roomName"] for a in data["assigned"]] == ["202"]
    main = [g for g in data["guestList"].values() if g["isMainGuest"]]
    assert [(g["guestFirstName"], g["guestLastName"]) for g in main] == [("Ada", "Lovelace")]


async def test_reservations_filtered_by_room_and_by_modification_time(
        cloudbeds: Cloudbeds, emulator: CloudbedsEmulator, in_house: str) -> None:
    room = emulator.state.room_named("201")
    assert room is not None
    rows = await cloudbeds.data("GET", "/getReservations",
                                {"roomID": room.room_id, "status": "confirmed"})
    assert [r["guestName"] for r in rows] == ["Alan Turing"]
    later = await cloudbeds.data("GET", "/getReservations", {"modifiedFrom": "2030-01-01"})
    assert later == []


async def test_a_page_of_more_than_100_guests_is_refused(cloudbeds: Cloudbeds) -> None:
    answer = await cloudbeds.call("GET", "/getGuestsByStatus",
                                  {"status": "in_house", "pageSize": "101"})
    assert answer.status_code == 400
    assert "pageSize" in answer.json()["message"]


async def test_dnd_from_the_room_phone_is_kept_on_the_room(
        cloudbeds: Cloudbeds, emulator: CloudbedsEmulator, in_house: str) -> None:
    room = emulator.state.room_named("101")
    assert room is not None
    data = await cloudbeds.data("POST", "/postHousekeepingStatus",
                                form={"roomID": room.room_id, "doNotDisturb": "true"})
    assert data["doNotDisturb"] is True and room.dnd is True
    assert data["roomCondition"] == "clean"  # DND alone leaves the condition as it was


async def test_an_unknown_reservation_is_answered_not_found(cloudbeds: Cloudbeds) -> None:
    answer = await cloudbeds.call("GET", "/getReservation", {"reservationID": "404"})
    assert answer.status_code == 404
    assert answer.json()["success"] is False


async def test_a_subscription_is_listed_then_removed(cloudbeds: Cloudbeds) -> None:
    url = "https://phones.hotel.example/cloudbeds/s/events"
    made = await cloudbeds.data("POST", "/postWebhook", form={
        "object": "reservation", "action": "created", "endpointUrl": url})
    listed = await cloudbeds.data("GET", "/getWebhooks")
    assert [(w["id"], w["subscriptionData"]["endpoint"]) for w in listed] == [
        (made["subscriptionID"], url)]
    await cloudbeds.call("DELETE", "/deleteWebhook", {"subscriptionID": made["subscriptionID"]})
    assert await cloudbeds.data("GET", "/getWebhooks") == []
