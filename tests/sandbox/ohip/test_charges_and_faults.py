"""Call charges on the folio as OPERA takes them (in-house only, no idempotency), and the
faults a sender must live with: a 5xx burst, and an answer lost after the charge was posted."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from connector.sandbox.ohip.emulator import OhipEmulator
from connector.sandbox.ohip.server import OhipServer
from tests.ohip_spec import OhipSpec
from tests.sandbox.ohip.support import Ohip, SpecChecker

CHARGES = "/csh/v1/hotels/{hotel}/reservations/{resv}/charges"


def _charge(amount: float, reference: str) -> dict[str, Any]:
    return {"criteria": {"hotelId": "HOTEL1", "charges": [{
        "transactionCode": "9400", "price": {"amount": amount, "currencyCode": "GBP"},
        "postingQuantity": 1, "postingReference": reference}]}}


def _in_house(emulator: OhipEmulator, room: str = "101") -> str:
    stay = emulator.state.create_reservation("Ada", "Lovelace", room=room)
    emulator.state.check_in(stay.id)
    return stay.id


async def test_a_charge_lands_on_the_folio_and_the_same_charge_twice_is_two_charges(
        ohip: Ohip, emulator: OhipEmulator) -> None:
    resv = _in_house(emulator)
    first = await ohip.call("POST", CHARGES.replace("{resv}", resv), json=_charge(3.2, "c-1"))
    again = await ohip.call("POST", CHARGES.replace("{resv}", resv), json=_charge(3.2, "c-1"))
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json()["postings"][0]["postedAmount"] == {"amount": 3.2, "currencyCode": "GBP"}
    folio = emulator.state.postings
    assert [(p.room, p.reference, str(p.amount)) for p in folio] == [
        ("101", "c-1", "3.2"), ("101", "c-1", "3.2")]


async def test_a_charge_on_a_checked_out_stay_is_refused_and_not_posted(
        ohip: Ohip, emulator: OhipEmulator) -> None:
    resv = _in_house(emulator)
    emulator.state.check_out(resv)
    refused = await ohip.call("POST", CHARGES.replace("{resv}", resv), json=_charge(1.0, "c-2"))
    assert refused.status_code == 400
    assert refused.json()["o:errorCode"] == "RESERVATION_NOT_IN_HOUSE"
    assert emulator.state.postings == []


async def test_a_5xx_burst_answers_the_next_calls_then_passes(
        ohip: Ohip, emulator: OhipEmulator) -> None:
    resv = _in_house(emulator)
    await ohip.login()
    emulator.faults.error_burst(2, 503, operation="postBillingCharges")
    statuses = [(await ohip.call("POST", CHARGES.replace("{resv}", resv),
                                 json=_charge(1.0, f"c-{n}"))).status_code for n in range(3)]
    assert statuses == [503, 503, 201]
    assert len(emulator.state.postings) == 1
    assert [e.fault for e in emulator.requests.entries("postBillingCharges")] == [
        "error 503", "error 503", None]


async def test_a_dropped_answer_leaves_the_charge_posted(spec: OhipSpec) -> None:
    emulator = OhipEmulator()
    checker = SpecChecker(emulator.app(), spec)
    resv = _in_house(emulator)
    async with OhipServer(emulator, app=checker) as server, \
            httpx.AsyncClient(base_url=server.base_url) as http:
        ohip = Ohip(http, emulator)
        await ohip.login()
        emulator.faults.drop_after_body(1, operation="postBillingCharges")
        with pytest.raises(httpx.HTTPError):
            await ohip.call("POST", CHARGES.replace("{resv}", resv), json=_charge(2.0, "c-9"))
        assert [p.reference for p in emulator.state.postings] == ["c-9"]
        assert emulator.requests.entries("postBillingCharges")[0].status == 0
        listed = await http.get(server.admin_url + "/postings")
        assert [p["reference"] for p in listed.json()["postings"]] == ["c-9"]
    assert checker.violations == []
