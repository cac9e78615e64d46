"""Every REST operation the emulator serves answers as Oracle's spec shapes it: each call below
goes through the spec-checking middleware (request and answer), and the table covers every
operation the emulator has."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from connector.sandbox.ohip.emulator import OhipEmulator
from tests.ohip_spec import OhipSpec
from tests.sandbox.ohip.support import Ohip, SpecChecker
from tests.support.fake_clock import FakeClock

TODAY = date(2026, 3, 10)  # FakeClock's day


@dataclass(frozen=True)
class Call:
    operation_id: str
    method: str
    path: str  # {hotel} and {resv} (the in-house guest's reservation) filled in
    status: int
    params: Any = None
    body: Any = None


CALLS = [
    Call("getReservation", "GET", "/rsv/v1/hotels/{hotel}/reservations/{resv}", 200),
    Call("getHotelReservations", "GET", "/rsv/v1/hotels/{hotel}/reservations", 200,
         params={"searchType": "InHouse", "limit": "2", "offset": "0"}),
    Call("getWakeUpCall", "GET", "/fof/v1/hotels/{hotel}/reservations/{resv}/wakeUpCalls", 200),
    Call("getWakeUpCalls", "GET", "/fof/v1/hotels/{hotel}/wakeUpCalls", 200,
         params={"fetchPending": "true"}),
    Call("postWakeUpCall", "POST", "/fof/v1/hotels/{hotel}/reservations/{resv}/wakeUpCalls",
         201, body={"calls": [{"callTime": "2026-03-11T07:15:00",
                               "instructions": "Second call"}]}),
    Call("putWakeUpCall", "PUT", "/fof/v1/hotels/{hotel}/reservations/{resv}/wakeUpCalls",
         200, body={"calls": [{"callTime": "2026-03-11T06:30:00", "status": "Completed"}]}),
    Call("deleteWakeUpCall", "DELETE",
         "/fof/v1/hotels/{hotel}/reservations/{resv}/wakeUpCalls", 200,
         params={"callTime": "2026-03-11T06:30:00"}),
    Call("getHotelRooms", "GET", "/fof/v1/hotels/{hotel}/rooms", 200, params={"limit": "1"}),
    Call("putRoomRelatedStatus", "PUT", "/hsk/v1/hotels/{hotel}/rooms/status", 200,
         body={"roomList": [{"roomId": "102"}], "housekeepingStatus": "Occupied",
               "housekeepingRoomStatus": "Dirty"}),
    Call("postBillingCharges", "POST",
         "/csh/v1/hotels/{hotel}/reservations/{resv}/charges", 201,
         body={"criteria": {"hotelId": "HOTEL1", "cashierId": 7, "charges": [{
             "transactionCode": "9400", "price": {"amount": 2.4, "currencyCode": "USD"},
             "postingQuantity": 1, "postingReference": "call 42",
             "postingRemark": "Call to +44 20 7946 0000"}]}}),
]


def _hotel_with_a_guest(emulator: OhipEmulator) -> str:
    state = emulator.state
    guest = state.create_reservation("Ada", "Lovelace", title="Lady", vip="VIP1",
                                     language="en", arrival=TODAY, room="102")
    state.check_in(guest.id)
    state.create_reservation("Charles", "Babbage", arrival=TODAY, share_with=guest.id)
    state.add_wakeup(guest.id, state.local_now().replace(day=11, hour=6, minute=30))
    return guest.id


def test_the_table_covers_every_operation_the_emulator_serves(
        emulator: OhipEmulator, spec: OhipSpec) -> None:
    served = set()
    for route in emulator.routes():
        path = getattr(route, "path", "")
        for method in getattr(route, "methods", set()) - {"HEAD"}:
            served.add(spec.operation(method, path).operation_id)
    assert served == {c.operation_id for c in CALLS} | {"getToken"}


async def test_a_token_is_answered_as_the_spec_shapes_it(ohip: Ohip,
                                                          checker: SpecChecker) -> None:
    response = await ohip.get_token()
    assert response.status_code == 200
    assert response.json()["expires_in"] == 3600
    assert checker.checked == 1


@pytest.mark.parametrize("call", CALLS, ids=[c.operation_id for c in CALLS])
async def test_each_operation_answers_as_the_spec_shapes_it(
        call: Call, ohip: Ohip, emulator: OhipEmulator, spec: OhipSpec,
        checker: SpecChecker) -> None:
    resv = _hotel_with_a_guest(emulator)
    path = call.path.replace("{resv}", resv)
    response = await ohip.call(call.method, path, params=call.params, json=call.body)
    assert response.status_code == call.status, response.text
    assert spec.operation(call.method, path.replace("{hotel}", "H")).operation_id == \
        call.operation_id
    assert checker.checked == 2  # the token, then the call: both checked by the middleware


async def test_a_reservation_reads_back_with_its_guest_room_and_sharer(
        ohip: Ohip, emulator: OhipEmulator) -> None:
    resv = _hotel_with_a_guest(emulator)
    response = await ohip.call("GET", f"/rsv/v1/hotels/{{hotel}}/reservations/{resv}")
    stay = response.json()["reservations"]["reservation"][0]
    assert stay["reservationStatus"] == "InHouse"
    assert stay["roomStay"]["currentRoomInfo"]["roomId"] == "102"
    customer = stay["reservationGuests"][0]["profileInfo"]["profile"]["customer"]
    assert customer["personName"][0] == {"givenName": "Ada", "surname": "Lovelace",
                                         "nameTitle": "Lady", "nameType": "Primary"}
    assert (customer["vipStatus"], customer["language"]) == ("VIP1", "en")
    assert [s["lastName"] for s in stay["sharedGuests"]] == ["Babbage"]


async def test_an_unknown_reservation_is_a_404_in_ohips_error_shape(ohip: Ohip) -> None:
    response = await ohip.call("GET", "/rsv/v1/hotels/{hotel}/reservations/999")
    assert response.status_code == 404
    assert response.json()["title"] == "Not Found"


async def test_a_path_the_emulator_does_not_serve_is_a_404_in_ohips_error_shape(
        ohip: Ohip, checker: SpecChecker) -> None:
    checker.lenient_requests = True
    response = await ohip.call("GET", "/rsv/v1/hotels/{hotel}/reservations/1/nonsense")
    assert response.status_code == 404
    assert response.json()["title"] == "Not Found"
    checker.violations.clear()  # a path outside the specs: nothing to check it against


async def test_wake_up_times_sent_with_an_offset_are_read_as_property_time(
        clock: FakeClock) -> None:
    emulator = OhipEmulator(clock=clock, tz=ZoneInfo("America/New_York"))
    stay = emulator.state.create_reservation("Ada", "Lovelace", room="101")
    emulator.state.check_in(stay.id)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=emulator.app()),
                                 base_url="http://ohip.test") as http:
        ohip = Ohip(http, emulator)
        path = f"/fof/v1/hotels/{{hotel}}/reservations/{stay.id}/wakeUpCalls"
        posted = await ohip.call("POST", path, json={
            "calls": [{"callTime": "2026-03-11T11:30:00Z"}]})
        assert posted.status_code == 201
        listed = (await ohip.call("GET", path)).json()["calls"]
    assert [c["callTime"] for c in listed] == ["2026-03-11T07:30:00"]  # EDT since 8 March
    assert listed[0]["reservationInfo"]["timezone"] == "America/New_York"
