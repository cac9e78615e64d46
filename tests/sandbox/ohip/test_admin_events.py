"""The front desk, driven through the admin API, writes the business events OPERA writes, with
their details; the phone system's own wake-up result writes none."""

from __future__ import annotations

from typing import Any

import httpx

from connector.sandbox.ohip.emulator import OhipEmulator
from connector.sandbox.ohip.event_log import BusinessEvent
from tests.sandbox.ohip.support import Ohip

WAKEUPS = "/fof/v1/hotels/{hotel}/reservations/{resv}/wakeUpCalls"


async def _admin(http: httpx.AsyncClient, method: str, path: str,
                 body: dict[str, Any] | None = None, status: int = 200) -> Any:
    response = await http.request(method, "/_admin" + path, json=body)
    assert response.status_code == status, response.text
    return response.json()


def _details(event: BusinessEvent) -> dict[str, tuple[str | None, str | None]]:
    return {d.element_name: (d.old_value, d.new_value) for d in event.details}


async def test_a_stay_from_check_in_to_check_out_writes_each_event(
        ohip: Ohip, emulator: OhipEmulator) -> None:
    http = ohip.http
    stay = await _admin(http, "POST", "/reservations", {
        "given_name": "Ada", "surname": "Lovelace", "vip": "VIP1", "language": "en"})
    resv = stay["id"]
    await _admin(http, "POST", f"/reservations/{resv}/check-in", {"room": "101"})
    await _admin(http, "POST", f"/reservations/{resv}/move", {"room": "205"})
    await _admin(http, "PATCH", f"/reservations/{resv}/guest", {"surname": "King", "vip": ""})
    call = await _admin(http, "POST", f"/reservations/{resv}/wakeups",
                        {"time": "2026-03-11T06:30"})
    await _admin(http, "PATCH", f"/reservations/{resv}/wakeups/{call['id']}",
                 {"time": "2026-03-11T07:00"})
    await _admin(http, "DELETE", f"/reservations/{resv}/wakeups/{call['id']}")
    await _admin(http, "POST", f"/reservations/{resv}/check-out")
    await _admin(http, "POST", f"/reservations/{resv}/reverse-check-out")
    await _admin(http, "PUT", "/rooms/101/status", {"condition": "Inspected"})

    events = emulator.log.after(0)
    assert [e.event_name for e in events] == [
        "CHECK IN", "UPDATE RESERVATION", "UPDATE RESERVATION", "CREATE WAKE UP CALL",
        "UPDATE WAKE UP CALL", "DELETE WAKE UP CALL", "CHECK OUT", "REVERSE CHECK OUT",
        "UPDATE ROOM STATUS"]
    assert [e.offset for e in events] == list(range(1, 10))
    assert {e.primary_key for e in events[:-1]} == {resv}  # wake-up calls too
    assert events[-1].primary_key == "101"
    assert _details(events[0])["ROOMNO"] == (None, "101")
    assert _details(events[1]) == {"ROOMNO": ("101", "205")}  # the move
    assert _details(events[2])["LAST NAME"] == ("Lovelace", "King")
    assert _details(events[2])["VIP"] == ("VIP1", None)
    assert _details(events[4])["WAKEUPTIME"] == ("2026-03-11T06:30:00", "2026-03-11T07:00:00")
    assert _details(events[6])["RESV STATUS"] == ("InHouse", "CheckedOut")
    assert _details(events[8])["ROOM STATUS"] == ("Dirty", "Inspected")
    assert {e.module_name for e in events} == {"RESERVATION", "FRONT DESK", "HOUSEKEEPING"}
    # the polling dequeue of the subscribed external system holds the same events
    assert emulator.log.dequeue("ZOOMPHONE") == events


async def test_a_reversed_check_in_is_its_own_event_and_frees_the_room(
        ohip: Ohip, emulator: OhipEmulator) -> None:
    state = emulator.state
    stay = state.create_reservation("Ada", "Lovelace", room="101")
    state.check_in(stay.id)
    state.reverse_check_in(stay.id)
    assert [e.event_name for e in emulator.log.after(0)] == ["CHECK IN", "REVERSE CHECK IN"]
    assert state.room("101").front_office == "Vacant"
    assert stay.status == "Reserved"


async def test_a_move_of_sharers_writes_one_update_per_reservation(
        emulator: OhipEmulator) -> None:
    state = emulator.state
    first = state.create_reservation("Ada", "Lovelace", room="101")
    second = state.create_reservation("Charles", "Babbage", share_with=first.id)
    state.check_in(first.id)
    state.check_in(second.id)
    state.move(first.id, "102")
    moves = emulator.log.after(2)
    assert [(e.event_name, e.primary_key) for e in moves] == [
        ("UPDATE RESERVATION", first.id), ("UPDATE RESERVATION", second.id)]
    assert state.room("101").front_office == "Vacant"
    assert state.room("102").front_office == "Occupied"


async def test_the_phone_systems_wake_up_result_is_not_an_event_to_it(
        ohip: Ohip, emulator: OhipEmulator) -> None:
    state = emulator.state
    stay = state.create_reservation("Ada", "Lovelace", room="101")
    state.check_in(stay.id)
    call = state.add_wakeup(stay.id, state.local_now().replace(day=11, hour=6, minute=30))
    before = emulator.log.last_offset
    answer = await ohip.call("PUT", WAKEUPS.replace("{resv}", stay.id), json={
        "calls": [{"callTime": "2026-03-11T06:30:00", "status": "NoAnswer"}]})
    assert answer.status_code == 200
    assert call.status == "NoAnswer"
    assert emulator.log.last_offset == before
    listed = await ohip.call("GET", WAKEUPS.replace("{resv}", stay.id),
                             params={"fetchNoAnswer": "true"})
    assert [c["status"] for c in listed.json()["calls"]] == ["NoAnswer"]


async def test_a_wake_up_set_through_the_api_is_echoed_only_when_asked(
        ohip: Ohip, emulator: OhipEmulator) -> None:
    state = emulator.state
    stay = state.create_reservation("Ada", "Lovelace", room="101")
    state.check_in(stay.id)
    body = {"calls": [{"callTime": "2026-03-11T06:30:00"}]}
    await ohip.call("POST", WAKEUPS.replace("{resv}", stay.id), json=body)
    assert emulator.log.after(1)[0].event_name == "CREATE WAKE UP CALL"
    state.echo_api_changes = False
    await ohip.call("DELETE", WAKEUPS.replace("{resv}", stay.id))
    assert state.reservation(stay.id).wakeups == []
    assert emulator.log.last_offset == 2


async def test_admin_refuses_what_the_front_desk_could_not_do(ohip: Ohip) -> None:
    http = ohip.http
    stay = await _admin(http, "POST", "/reservations", {"given_name": "A", "surname": "B"})
    await _admin(http, "POST", f"/reservations/{stay['id']}/check-in", {}, status=400)
    await _admin(http, "POST", f"/reservations/{stay['id']}/check-out", status=400)
    await _admin(http, "POST", "/reservations/999/check-in", {"room": "101"}, status=404)
    await _admin(http, "PUT", "/rooms/101/status", {"condition": "Sparkling"}, status=400)


async def test_the_hotels_wake_up_list_filters_by_room_status_and_date(
        ohip: Ohip, emulator: OhipEmulator) -> None:
    state = emulator.state
    for room, day in (("101", 11), ("102", 11), ("103", 12)):
        stay = state.create_reservation("Guest", room, room=room)
        state.check_in(stay.id)
        state.add_wakeup(stay.id, state.local_now().replace(day=day, hour=6, minute=30))
    listing = "/fof/v1/hotels/{hotel}/wakeUpCalls"

    async def rooms(params: dict[str, Any]) -> list[str]:
        answer = await ohip.call("GET", listing, params=params)
        return [c["reservationInfo"]["room"] for c in answer.json()["calls"]]

    assert await rooms({}) == ["101", "102", "103"]
    assert await rooms({"room": ["101", "103"]}) == ["101", "103"]
    assert await rooms({"beginDate": "2026-03-12", "endDate": "2026-03-12"}) == ["103"]
    assert await rooms({"fetchCompleted": "true"}) == []
