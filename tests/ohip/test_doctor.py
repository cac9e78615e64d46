"""`connector doctor` on OHIP: what works, and in words what to ask Oracle or the hotel for."""

from __future__ import annotations

import httpx
import respx

from connector.pms.ohip.adapter import OhipPms
from connector.pms.ohip.client import OhipClient
from tests.ohip.conftest import HOTEL_TZ, ohip_settings
from tests.support.fake_clock import FakeClock

ROOMS = "/fof/v1/hotels/HOTEL1/rooms"
SEARCH = "/rsv/v1/hotels/HOTEL1/reservations"
WAKEUPS = "/fof/v1/hotels/HOTEL1/wakeUpCalls"


def _all_readable(gateway: respx.MockRouter) -> None:
    for path in (ROOMS, SEARCH, WAKEUPS):
        gateway.get(path).mock(return_value=httpx.Response(200, json={}))


async def test_a_hotel_with_everything_granted_passes_every_check(
        clock: FakeClock, gateway: respx.MockRouter) -> None:
    _all_readable(gateway)
    settings = ohip_settings(events="poll")  # the stream's probe is tested end to end
    pms = OhipPms(settings, OhipClient(settings, clock=clock), tz=HOTEL_TZ, clock=clock,
                  currency=("EUR", 2))
    checks = await pms.doctor()
    await pms.close()
    assert [(name, ok) for name, ok, _, _ in checks] == [
        ("OHIP token", True), ("OHIP hotel", True), ("OHIP in-house list", True),
        ("OHIP wake-up calls", True), ("OHIP business events", True),
        ("OHIP call charges", True)]
    assert gateway.calls.call_count == 4  # the dequeue is never read: reading takes events


async def test_refused_credentials_say_to_ask_oracle_and_stop_there(
        pms: OhipPms, gateway: respx.MockRouter) -> None:
    gateway.routes["token"].mock(return_value=httpx.Response(401))
    [(name, ok, summary, details)] = await pms.doctor()
    assert (name, ok) == ("OHIP token", False)
    assert "refused" in summary
    assert "Ask Oracle" in details[0] and "CONNECTOR_OHIP__APP_KEY" in details[0]


async def test_an_unreachable_gateway_names_the_setting(
        pms: OhipPms, gateway: respx.MockRouter) -> None:
    gateway.routes["token"].mock(side_effect=httpx.ConnectError("no route"))
    [(_, ok, _, details)] = await pms.doctor()
    assert not ok and "CONNECTOR_OHIP__GATEWAY_URL" in details[0]


async def test_each_missing_permission_says_what_to_ask_for(
        pms: OhipPms, gateway: respx.MockRouter) -> None:
    gateway.get(ROOMS).mock(return_value=httpx.Response(403))
    gateway.get(SEARCH).mock(return_value=httpx.Response(403))
    gateway.get(WAKEUPS).mock(return_value=httpx.Response(403))
    checks = {name: (ok, details) for name, ok, _, details in await pms.doctor()}
    assert checks["OHIP hotel"][0] is False
    assert "access to hotel HOTEL1" in checks["OHIP hotel"][1][0]
    assert "Reservation API" in checks["OHIP in-house list"][1][0]
    assert "Front Desk Operations API" in checks["OHIP wake-up calls"][1][0]


async def test_charges_without_a_transaction_code_say_how_to_turn_them_on(
        clock: FakeClock, gateway: respx.MockRouter) -> None:
    settings = ohip_settings(charge_transaction_code="")
    pms = OhipPms(settings, OhipClient(settings, clock=clock), tz=HOTEL_TZ, clock=clock)
    _all_readable(gateway)
    name, ok, summary, details = (await pms.doctor())[-1]
    assert (name, ok, summary) == ("OHIP call charges", True,
                                   "call charges are kept, not posted")
    assert "CONNECTOR_OHIP__CHARGE_TRANSACTION_CODE" in details[0]
    await pms.close()


async def test_charges_without_a_tariff_are_a_failed_check(
        clock: FakeClock, gateway: respx.MockRouter) -> None:
    settings = ohip_settings()
    pms = OhipPms(settings, OhipClient(settings, clock=clock), tz=HOTEL_TZ, clock=clock)
    _all_readable(gateway)
    name, ok, _, details = (await pms.doctor())[-1]
    assert (name, ok) == ("OHIP call charges", False)
    assert "CONNECTOR_BILLING__TARIFF_FILE" in details[0]
    await pms.close()
