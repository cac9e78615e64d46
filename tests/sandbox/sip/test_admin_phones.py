"""Scripting the room phones through the admin API, and reading what the SIP side saw."""

from __future__ import annotations

from connector.sandbox import Sandbox
from connector.sandbox.sip.behaviour import PhoneBehaviour, Pickup
from connector.sandbox.sip.side import SipSide
from connector.sandbox.sip.state import phone_system
from connector.sip.pool import LinePool
from tests.sandbox.sandbox_support import Zoom


async def test_a_room_phone_is_made_busy_and_back_over_http(zoom: Zoom,
                                                            sandbox: Sandbox) -> None:
    answer = await zoom.admin("PUT", "/sip/phones/2101", {"pickup": "busy"})
    assert answer.status_code == 200 and answer.json()["pickup"] == "busy"
    assert phone_system(sandbox).behaviours.of("2101").pickup is Pickup.BUSY
    assert phone_system(sandbox).behaviours.of("2102") == PhoneBehaviour()
    await zoom.admin("DELETE", "/sip/phones/2101")
    assert phone_system(sandbox).behaviours.of("2101") == PhoneBehaviour()


async def test_the_default_phone_can_confirm_with_another_digit(zoom: Zoom,
                                                                sandbox: Sandbox) -> None:
    await zoom.admin("PUT", "/sip/phones/default", {"digits": "1", "press_after": 1})
    assert phone_system(sandbox).behaviours.of("2333") == PhoneBehaviour(digits="1",
                                                                         press_after=1.0)


async def test_a_phone_script_that_makes_no_sense_is_refused(zoom: Zoom) -> None:
    assert (await zoom.admin("PUT", "/sip/phones/2101", {"pickup": "maybe"})).status_code == 400
    assert (await zoom.admin("PUT", "/sip/phones/2101", {"digits": "9x"})).status_code == 400
    assert (await zoom.admin("PUT", "/sip/phones/2101", {"answer_after": -1})).status_code == 400


async def test_registrations_and_calls_are_listed(zoom: Zoom, pool: LinePool,
                                                  sip_side: SipSide) -> None:
    sip_side.behaviours.set("2102", PhoneBehaviour(pickup=Pickup.BUSY))
    await pool.dial("2102", ring_timeout=5)
    seen = (await zoom.admin("GET", "/sip")).json()
    assert len(seen["registrations"]) == 4
    assert all(0 < r["expires_in"] <= 600 for r in seen["registrations"])
    assert seen["phones"]["extensions"]["2102"]["pickup"] == "busy"
    assert [(c["extension"], c["outcome"], c["sip_status"]) for c in seen["calls"]] == [
        ("2102", "busy", 486)]
