"""What the room phones say back to Cloudbeds: maid status, DND and call charges, each as the
one request Cloudbeds' spec describes; wake-ups stay with the phone system."""

from __future__ import annotations

from datetime import datetime

import httpx
import respx

from connector.pms.cloud.contract import Refused, Sent, Unavailable
from connector.pms.cloudbeds.adapter import CloudbedsPms
from connector.pms.reports import (
    guest_service_payload,
    maid_status_payload,
    posting_payload,
    wakeup_answer_payload,
)
from tests.cloudbeds.conftest import HOTEL_TZ, PROPERTY, form, hotel_details, ok, report

# The reporter's reference of report 31 (its store's random name, then the id).
REF = "7f3a9c01-31"


def a_call(room: str = "102", amount_minor: int = 1250) -> dict[str, object]:
    return posting_payload(room, amount_minor=amount_minor, dialled="00351213000000",
                           duration_seconds=192, posting_type="C", tz=HOTEL_TZ,
                           at=datetime(2026, 3, 10, 10, 4, tzinfo=HOTEL_TZ))


async def test_housekeeping_keying_clean_on_the_phone_sets_the_room_clean(
        pms: CloudbedsPms, cloudbeds: respx.MockRouter) -> None:
    route = cloudbeds.post("/postHousekeepingStatus").mock(return_value=ok({"roomID": "r-101"}))
    result = await pms.send(report("maid_status", "101", maid_status_payload("101", 4)),
                            reference=REF)
    assert result == Sent()
    assert form(route.calls.last.request) == {
        "propertyID": PROPERTY, "roomID": "r-101", "roomCondition": "clean"}


async def test_inspected_and_dirty_are_said_in_cloudbeds_words(
        pms: CloudbedsPms, cloudbeds: respx.MockRouter) -> None:
    route = cloudbeds.post("/postHousekeepingStatus").mock(return_value=ok())
    await pms.send(report("maid_status", "101", maid_status_payload("101", 5)), reference=REF)
    await pms.send(report("maid_status", "101", maid_status_payload("101", 1)), reference=REF)
    assert [form(c.request)["roomCondition"] for c in route.calls] == ["inspected", "dirty"]


async def test_a_guest_pressing_dnd_sets_do_not_disturb_and_all_off_clears_it(
        pms: CloudbedsPms, cloudbeds: respx.MockRouter) -> None:
    route = cloudbeds.post("/postHousekeepingStatus").mock(return_value=ok())
    await pms.send(report("guest_service", "103", guest_service_payload("103", 8)), reference=REF)
    await pms.send(report("guest_service", "103", guest_service_payload("103", 10)), reference=REF)
    bodies = [form(c.request) for c in route.calls]
    assert bodies == [{"propertyID": PROPERTY, "roomID": "r-103", "doNotDisturb": "true"},
                      {"propertyID": PROPERTY, "roomID": "r-103", "doNotDisturb": "false"}]


async def test_a_call_charge_goes_on_the_guest_in_house_with_our_reference(
        pms: CloudbedsPms, cloudbeds: respx.MockRouter) -> None:
    cloudbeds.get("/getHotelDetails").mock(return_value=hotel_details())
    found = cloudbeds.get("/getReservations").mock(return_value=ok([
        {"propertyID": PROPERTY, "reservationID": "889", "status": "checked_in"}],
        count=1, total=1))
    posted = cloudbeds.post("/postCustomItem").mock(return_value=ok(
        {"soldProductID": "sp-1", "transactionID": "tx-77"}))

    result = await pms.send(report("posting", "102", a_call(), report_id=31), reference=REF)

    assert result == Sent("tx-77")
    assert dict(found.calls.last.request.url.params) == {
        "propertyID": PROPERTY, "roomID": "r-102", "status": "checked_in"}
    body = form(posted.calls.last.request)
    assert body == {
        "propertyID": PROPERTY, "reservationID": "889", "roomID": "r-102",
        "referenceID": "zoomphone-7f3a9c01-31", "items[0][itemName]": "Telephone",
        "items[0][itemQuantity]": "1", "items[0][itemPrice]": "12.50",
        "items[0][itemNote]": "Call of 0:03:12 ended 2026-03-10 10:04"}
    assert "213000000" not in posted.calls.last.request.content.decode()


async def test_a_charge_sent_again_after_a_lost_answer_is_taken_as_posted(
        pms: CloudbedsPms, cloudbeds: respx.MockRouter) -> None:
    cloudbeds.get("/getHotelDetails").mock(return_value=hotel_details())
    cloudbeds.get("/getReservations").mock(return_value=ok([{"reservationID": "889"}]))
    posted = cloudbeds.post("/postCustomItem").mock(side_effect=[
        httpx.ReadTimeout("the answer was lost"),
        ok({"notice": "referenceID already used: nothing was created or updated"})])

    first = await pms.send(report("posting", "102", a_call()), reference=REF)
    again = await pms.send(report("posting", "102", a_call()), reference=REF)

    assert isinstance(first, Unavailable)
    assert isinstance(again, Sent) and "already posted" in again.answer
    assert {form(c.request)["referenceID"] for c in posted.calls} == {"zoomphone-7f3a9c01-31"}


async def test_a_duplicate_reference_refusal_is_also_taken_as_posted(
        pms: CloudbedsPms, cloudbeds: respx.MockRouter) -> None:
    cloudbeds.get("/getHotelDetails").mock(return_value=hotel_details())
    cloudbeds.get("/getReservations").mock(return_value=ok([{"reservationID": "889"}]))
    cloudbeds.post("/postCustomItem").mock(return_value=httpx.Response(200, json={
        "success": False, "message": "Item with this referenceID already exists"}))
    result = await pms.send(report("posting", "102", a_call()), reference=REF)
    assert isinstance(result, Sent)


async def test_a_yen_charge_has_no_decimals(
        pms: CloudbedsPms, cloudbeds: respx.MockRouter) -> None:
    cloudbeds.get("/getHotelDetails").mock(return_value=hotel_details("JPY"))
    cloudbeds.get("/getReservations").mock(return_value=ok([{"reservationID": "889"}]))
    posted = cloudbeds.post("/postCustomItem").mock(return_value=ok({"transactionID": "t"}))
    await pms.send(report("posting", "102", a_call(amount_minor=380)), reference=REF)
    assert form(posted.calls.last.request)["items[0][itemPrice]"] == "380"


async def test_a_charge_for_an_empty_room_is_refused_not_guessed(
        pms: CloudbedsPms, cloudbeds: respx.MockRouter) -> None:
    cloudbeds.get("/getReservations").mock(return_value=ok([], count=0, total=0))
    posted = cloudbeds.post("/postCustomItem").mock(return_value=ok())
    result = await pms.send(report("posting", "104", a_call("104")), reference=REF)
    assert isinstance(result, Refused) and "no guest is in house in room 104" in result.answer
    assert posted.call_count == 0


async def test_a_room_cloudbeds_does_not_have_is_refused_after_one_fresh_look(
        pms: CloudbedsPms, cloudbeds: respx.MockRouter) -> None:
    result = await pms.send(report("maid_status", "999", maid_status_payload("999", 3)),
                            reference=REF)
    assert isinstance(result, Refused) and "room 999 is not a room in Cloudbeds" in result.answer
    assert cloudbeds.routes["getRooms"].call_count == 2  # the fixture's load, then one look


async def test_cloudbeds_down_means_try_again_later(
        pms: CloudbedsPms, cloudbeds: respx.MockRouter) -> None:
    cloudbeds.post("/postHousekeepingStatus").mock(return_value=httpx.Response(503))
    result = await pms.send(report("maid_status", "101", maid_status_payload("101", 3)),
                            reference=REF)
    assert isinstance(result, Unavailable)


async def test_wake_ups_cannot_go_to_cloudbeds(pms: CloudbedsPms) -> None:
    answer = report("wakeup_answer", "101", wakeup_answer_payload(
        "101", datetime(2026, 3, 11, 7, 0, tzinfo=HOTEL_TZ), "OK", HOTEL_TZ))
    assert pms.can_send(answer) is False
    assert pms.can_send(report("maid_status", "101", maid_status_payload("101", 3)))
