"""Cloudbeds reads POST bodies as forms (a JSON body is refused) and creates nothing for a
second custom item with a referenceID it has seen (its spec's `data.notice`): the call charge
is on the folio once."""

from __future__ import annotations

from datetime import date

import httpx

from connector.sandbox.cloudbeds import CloudbedsEmulator, CloudbedsServer
from tests.sandbox.cloudbeds.conftest import API_KEY
from tests.sandbox.cloudbeds.support import Cloudbeds


def _call_charge(reservation_id: str, reference: str) -> str:
    return (f"reservationID={reservation_id}&referenceID={reference}"
            "&items[0][itemName]=Telephone&items[0][itemQuantity]=1&items[0][itemPrice]=4.20"
            "&items[0][itemNote]=Call%20to%20%2B44%2020%207946%200000")


async def test_a_call_charge_posted_twice_is_on_the_folio_once(
        cloudbeds: Cloudbeds, emulator: CloudbedsEmulator) -> None:
    stay = emulator.state.create_reservation("Grace", "Hopper", date(2026, 3, 10),
                                             date(2026, 3, 11), room="102")
    emulator.state.check_in(stay.reservation_id)
    first = await cloudbeds.call("POST", "/postCustomItem",
                                 form=_call_charge(stay.reservation_id, "zp-posting-17"))
    again = await cloudbeds.call("POST", "/postCustomItem",
                                 form=_call_charge(stay.reservation_id, "zp-posting-17"))
    assert first.status_code == 200 and first.json()["data"]["transactionID"]
    assert again.status_code == 200
    assert again.json()["data"] == {
        **first.json()["data"],
        "notice": "referenceID zp-posting-17 was already posted: nothing was created or updated"}
    assert [(p.reference_id, p.items[0]["itemPrice"]) for p in emulator.state.posted] == [
        ("zp-posting-17", 4.2)]


async def test_a_json_body_is_refused_as_cloudbeds_reads_only_forms(
        server: CloudbedsServer, emulator: CloudbedsEmulator) -> None:
    room = emulator.state.room_named("101")
    assert room is not None
    async with httpx.AsyncClient(headers={"x-api-key": API_KEY}) as http:
        answer = await http.post(server.api_url + "/postHousekeepingStatus",
                                 json={"roomID": room.room_id, "doNotDisturb": True})
        assert answer.status_code == 400
        assert answer.json()["success"] is False
        assert "x-www-form-urlencoded" in answer.json()["message"]
        assert room.dnd is False
        form = await http.post(server.api_url + "/postHousekeepingStatus",
                               data={"roomID": room.room_id, "doNotDisturb": "true"})
        assert form.status_code == 200 and room.dnd is True


async def test_a_charge_without_items_is_refused(
        cloudbeds: Cloudbeds, emulator: CloudbedsEmulator) -> None:
    stay = emulator.state.create_reservation("Grace", "Hopper", date(2026, 3, 10),
                                             date(2026, 3, 11), room="102")
    answer = await cloudbeds.call("POST", "/postCustomItem",
                                  form={"reservationID": stay.reservation_id})
    assert answer.status_code == 400
    assert answer.json()["message"] == "Parameter items is required"
