"""Reports back to OPERA: each one's request, checked against Oracle's definitions, and what
the outbox is told when OPERA refuses, is away, or its answer is lost."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import httpx
import respx

from connector.pms.cloud.contract import Refused, Sent, Unavailable, Unknown
from connector.pms.ohip.adapter import OhipPms
from connector.pms.ohip.client import OhipClient
from connector.store import Report
from connector.store.outbox_records import ReportKind
from tests.ohip.conftest import HOTEL_TZ, ohip_settings
from tests.ohip.factories import in_house_page, in_house_row, wakeup_call
from tests.ohip_spec import OhipSpec
from tests.support.fake_clock import FakeClock

MADE = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
SEARCH = "/rsv/v1/hotels/HOTEL1/reservations"
HOTEL_WAKEUPS = "/fof/v1/hotels/HOTEL1/wakeUpCalls"
CALLS_OF = "/fof/v1/hotels/HOTEL1/reservations/{}/wakeUpCalls"
CHARGES = "/csh/v1/hotels/HOTEL1/reservations/880001/charges"
# The reporter's reference of report 31 (its store's random name, then the id).
REF = "7f3a9c01-31"


def _report(kind: ReportKind, payload: Mapping[str, object], *, room: str = "1204",
            report_id: int = 31) -> Report:
    return Report(id=report_id, channel=None, kind=kind, room=room, payload=payload,
                  created_at=MADE, state="pending", attempts=0, next_attempt_at=MADE,
                  sent_at=None, last_error=None, p_number=None, answer=None)


def _posting(amount_minor: int = 345) -> Report:
    return _report("posting", {"amount_minor": amount_minor, "dialled": "+442079460000",
                               "duration_seconds": 192, "at": "2026-03-10T10:00:00+00:00",
                               "posting_type": "call"})


def _body(gateway: respx.MockRouter, method: str) -> Any:
    request = next(c.request for c in reversed(gateway.calls) if c.request.method == method)
    return json.loads(request.content)


def _guest_in_1204(gateway: respx.MockRouter, *rows: dict[str, object]) -> respx.Route:
    return gateway.get(SEARCH).mock(return_value=httpx.Response(200, json=in_house_page(
        list(rows) or [in_house_row("880001", "1204")], offset=0, total=1, has_more=False)))


async def test_an_answered_wake_up_is_completed_at_its_requested_time(
        pms: OhipPms, gateway: respx.MockRouter) -> None:
    gateway.get(HOTEL_WAKEUPS).mock(return_value=httpx.Response(200, json={"calls": [
        wakeup_call("2026-03-11T06:30:00", reservation_id="880002"),
        wakeup_call("2026-03-11T07:00:00", reservation_id="880002")]}))
    put = gateway.put(CALLS_OF.format("880002")).mock(return_value=httpx.Response(200, json={}))
    requested = datetime(2026, 3, 11, 7, 0, tzinfo=HOTEL_TZ).isoformat()
    result = await pms.send(_report("wakeup_answer", {"requested_at": requested,
                                                      "status": "OK"}), reference=REF)
    assert result == Sent()
    body = _body(gateway, "PUT")
    assert body == {"calls": [{"reservationInfo": {
        "reservationIdList": [{"id": "880002", "type": "Reservation"}], "room": "1204"},
        "callTime": "2026-03-11T07:00:00", "status": "Completed"}]}
    OhipSpec.load().validate_request("PUT", CALLS_OF.format("880002"), body=body)
    assert put.call_count == 1
    params = next(c.request.url.params for c in gateway.calls
                  if c.request.url.path == HOTEL_WAKEUPS)
    assert (params["room"], params["beginDate"]) == ("1204", "2026-03-11")


async def test_an_unanswered_or_busy_wake_up_is_no_answer(
        pms: OhipPms, gateway: respx.MockRouter) -> None:
    gateway.get(HOTEL_WAKEUPS).mock(return_value=httpx.Response(200, json={"calls": [
        wakeup_call("2026-03-11T07:00:00")]}))
    gateway.put(CALLS_OF.format("880001")).mock(return_value=httpx.Response(200, json={}))
    requested = datetime(2026, 3, 11, 7, 0, tzinfo=HOTEL_TZ).isoformat()
    for code in ("NR", "BY"):
        assert await pms.send(_report("wakeup_answer", {"requested_at": requested,
                                                        "status": code}), reference=REF) == Sent()
        assert _body(gateway, "PUT")["calls"] == [{
            "reservationInfo": {"reservationIdList": [{"id": "880001", "type": "Reservation"}],
                                "room": "1204"},
            "callTime": "2026-03-11T07:00:00", "status": "NoAnswer"}]


async def test_a_wake_up_opera_does_not_hold_is_refused_with_the_room(
        pms: OhipPms, gateway: respx.MockRouter) -> None:
    gateway.get(HOTEL_WAKEUPS).mock(return_value=httpx.Response(200, json={"calls": []}))
    requested = datetime(2026, 3, 11, 7, 0, tzinfo=HOTEL_TZ).isoformat()
    result = await pms.send(_report("wakeup_answer", {"requested_at": requested,
                                                      "status": "OK"}), reference=REF)
    assert result == Refused("OPERA holds no wake-up at 07:00 for room 1204")


async def test_a_wake_up_the_guest_keyed_on_the_phone_is_posted_to_their_reservation(
        pms: OhipPms, gateway: respx.MockRouter) -> None:
    _guest_in_1204(gateway)
    gateway.post(CALLS_OF.format("880001")).mock(return_value=httpx.Response(201, json={}))
    at = datetime(2026, 3, 11, 6, 45, tzinfo=HOTEL_TZ).isoformat()
    assert await pms.send(_report("wakeup_set", {"at": at}), reference=REF) == Sent()
    body = _body(gateway, "POST")
    assert body == {"calls": [{"reservationInfo": {
        "reservationIdList": [{"id": "880001", "type": "Reservation"}], "room": "1204"},
        "callTime": "2026-03-11T06:45:00", "status": "Pending"}]}
    OhipSpec.load().validate_request("POST", CALLS_OF.format("880001"), body=body)


async def test_a_wake_up_cleared_on_the_phone_is_deleted_by_its_time(
        pms: OhipPms, gateway: respx.MockRouter) -> None:
    gateway.get(HOTEL_WAKEUPS).mock(return_value=httpx.Response(200, json={"calls": [
        wakeup_call("2026-03-11T07:00:00")]}))
    delete = gateway.delete(CALLS_OF.format("880001")).mock(return_value=httpx.Response(200))
    at = datetime(2026, 3, 11, 7, 0, tzinfo=HOTEL_TZ).isoformat()
    assert await pms.send(_report("wakeup_clear", {"at": at}), reference=REF) == Sent()
    assert delete.calls.last.request.url.params["callTime"] == "2026-03-11T07:00:00"


async def test_a_maid_status_keyed_on_the_phone_sets_the_rooms_status(
        pms: OhipPms, gateway: respx.MockRouter) -> None:
    gateway.put("/hsk/v1/hotels/HOTEL1/rooms/status").mock(
        return_value=httpx.Response(200, json={}))
    expected = {1: ("Vacant", "Dirty"), 4: ("Occupied", "Clean"), 5: ("Vacant", "Inspected")}
    for status, (front, housekeeping) in expected.items():
        assert await pms.send(_report("maid_status", {"status": status}), reference=REF) == Sent()
        body = _body(gateway, "PUT")
        assert body == {"roomList": [{"roomId": "1204"}], "housekeepingStatus": front,
                        "housekeepingRoomStatus": housekeeping}
        OhipSpec.load().validate_request("PUT", "/hsk/v1/hotels/HOTEL1/rooms/status", body=body)


def test_dnd_from_the_phone_cannot_be_carried(pms: OhipPms) -> None:
    assert not pms.can_send(_report("guest_service", {"status": 8}))
    assert pms.can_send(_report("maid_status", {"status": 3}))


async def test_a_call_charge_is_posted_to_the_reservation_in_the_room(
        pms: OhipPms, gateway: respx.MockRouter) -> None:
    _guest_in_1204(gateway)
    gateway.post(CHARGES).mock(return_value=httpx.Response(201, json={}))
    assert await pms.send(_posting(345), reference=REF) == Sent("posted to reservation 880001")
    body = _body(gateway, "POST")
    assert body == {"criteria": {
        "hotelId": "HOTEL1", "reservationId": {"id": "880001", "type": "Reservation"},
        "charges": [{"transactionCode": "9400", "price": {"amount": 3.45, "currencyCode": "EUR"},
                     "postingQuantity": 1, "postingReference": REF,
                     "postingRemark": "Phone call 3 min 12 s"}]}}
    assert "+4420" not in json.dumps(body)
    OhipSpec.load().validate_request("POST", CHARGES, body=body)


async def test_a_charge_whose_answer_was_lost_is_unknown_and_sent_once(
        pms: OhipPms, gateway: respx.MockRouter) -> None:
    _guest_in_1204(gateway)
    post = gateway.post(CHARGES).mock(side_effect=httpx.ReadTimeout("no answer"))
    result = await pms.send(_posting(), reference=REF)
    assert isinstance(result, Unknown) and "folio" in result.reason
    assert post.call_count == 1


async def test_a_charge_opera_is_too_busy_for_is_tried_again_later(
        pms: OhipPms, gateway: respx.MockRouter) -> None:
    _guest_in_1204(gateway)
    gateway.post(CHARGES).mock(return_value=httpx.Response(429, headers={"retry-after": "30"}))
    assert await pms.send(_posting(), reference=REF) == Unavailable(
        f"OHIP answered 429 to POST {CHARGES}", 30.0)


async def test_a_charge_opera_refuses_is_refused(pms: OhipPms,
                                                 gateway: respx.MockRouter) -> None:
    _guest_in_1204(gateway)
    gateway.post(CHARGES).mock(return_value=httpx.Response(
        400, json={"title": "Posting not allowed"}))
    result = await pms.send(_posting(), reference=REF)
    assert isinstance(result, Refused) and "Posting not allowed" in result.answer


async def test_a_charge_for_an_empty_room_is_refused_with_the_room(
        pms: OhipPms, gateway: respx.MockRouter) -> None:
    gateway.get(SEARCH).mock(return_value=httpx.Response(200, json=in_house_page(
        [], offset=0, total=0, has_more=False)))
    assert await pms.send(_posting(), reference=REF) == Refused(
        "OPERA has no reservation in house in room 1204")


async def test_without_a_transaction_code_or_a_tariff_charges_are_not_sent(
        clock: FakeClock, gateway: respx.MockRouter) -> None:
    no_code = ohip_settings(charge_transaction_code="")
    without_code = OhipPms(no_code, OhipClient(no_code, clock=clock), tz=HOTEL_TZ,
                           clock=clock, currency=("EUR", 2))
    settings = ohip_settings()
    without_tariff = OhipPms(settings, OhipClient(settings, clock=clock), tz=HOTEL_TZ,
                             clock=clock, currency=None)
    assert not without_code.can_send(_posting())
    assert not without_tariff.can_send(_posting())
    await without_code.close()
    await without_tariff.close()


async def test_yen_are_posted_whole(clock: FakeClock, gateway: respx.MockRouter) -> None:
    settings = ohip_settings(cashier_id=7)
    pms = OhipPms(settings, OhipClient(settings, clock=clock), tz=HOTEL_TZ, clock=clock,
                  currency=("JPY", 0))
    _guest_in_1204(gateway)
    gateway.post(CHARGES).mock(return_value=httpx.Response(201, json={}))
    await pms.send(_posting(120), reference=REF)
    criteria = _body(gateway, "POST")["criteria"]
    assert criteria["charges"][0]["price"] == {"amount": 120, "currencyCode": "JPY"}
    assert criteria["cashierId"] == 7
    await pms.close()
