"""`connector doctor` for OHIP: each check says, when it fails, what to ask Oracle or the
hotel for (airbyte's `check`: a message a person can act on)."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from connector.pms.cloud.contract import PmsRefused, PmsUnavailable
from connector.pms.ohip.client import OhipClient
from connector.pms.ohip.stream_probe import probe_stream
from connector.settings.cloud_pms import OhipEvents, OhipSettings

Check = tuple[str, bool, str, list[str]]


async def doctor_checks(client: OhipClient, settings: OhipSettings, *,
                        charges_ready: bool) -> list[Check]:
    """Token, hotel, in-house list, wake-up list, events and charges, in that order; a refused
    token stops there (nothing else can be read)."""
    hotel = settings.hotel_id
    try:
        await client.token()
    except PmsRefused:
        return [("OHIP token", False, "OHIP refused the connector's credentials", [
            "Ask Oracle (or the hotel's OHIP administrator) to confirm the client id and "
            "secret of the hotel's OPERA Cloud environment (CONNECTOR_OHIP__CLIENT_ID, "
            "CLIENT_SECRET) and that our application key (CONNECTOR_OHIP__APP_KEY) is "
            "registered and approved for that environment."])]
    except PmsUnavailable as error:
        return [("OHIP token", False, "the OHIP gateway could not be reached", [
            f"{error}. Check CONNECTOR_OHIP__GATEWAY_URL ({settings.gateway_url}) against "
            "the gateway Oracle gave for the hotel's region, and the connector's network."])]
    checks: list[Check] = [("OHIP token", True, "a token was obtained", [])]
    checks.append(await _read(
        "OHIP hotel", client.get_json(f"/fof/v1/hotels/{hotel}/rooms", {"limit": 1}),
        f"hotel {hotel} is readable",
        f"Ask the hotel to give our application access to hotel {hotel} in OPERA Cloud "
        "(the x-hotelid header is refused), and check CONNECTOR_OHIP__HOTEL_ID."))
    checks.append(await _read(
        "OHIP in-house list",
        client.get_json(f"/rsv/v1/hotels/{hotel}/reservations",
                        {"searchType": "InHouse", "limit": 1}),
        "the in-house list is readable (the resync works)",
        "Ask Oracle to add the Reservation API (rsv: getHotelReservations, getReservation) "
        "to our application for this environment: without it nothing can be read back."))
    checks.append(await _read(
        "OHIP wake-up calls",
        client.get_json(f"/fof/v1/hotels/{hotel}/wakeUpCalls", {"fetchPending": "true"}),
        "the wake-up list is readable",
        "Ask Oracle to add the Front Desk Operations API (fof: wakeUpCalls) to our "
        "application: without it wake-ups set in OPERA are not rung or answered back."))
    checks.append(await _events(client, settings))
    checks.append(_charges(settings, charges_ready))
    return checks


async def _events(client: OhipClient, settings: OhipSettings) -> Check:
    if settings.events is OhipEvents.STREAM:
        return await probe_stream(settings, client.token)
    # The dequeue hands each event out once: the doctor must not take any.
    return ("OHIP business events", True, "polled every "
            f"{settings.poll_seconds:g} s from the businessEvents dequeue of external system "
            f"{settings.external_system_code} (not read by the doctor: reading takes them)", [
                "Events reach it only when OPERA's external system has them selected "
                "(docs/pms-ohip.md)."])


async def _read(name: str, call: Awaitable[dict[str, Any]], good: str, ask: str) -> Check:
    try:
        await call
    except PmsRefused as error:
        return (name, False, str(error), [ask])
    except PmsUnavailable as error:
        return (name, False, str(error), ["OHIP did not answer: try again later."])
    return (name, True, good, [])


def _charges(settings: OhipSettings, charges_ready: bool) -> Check:
    if not settings.charge_transaction_code:
        return ("OHIP call charges", True, "call charges are kept, not posted", [
            "To post them, ask the hotel's finance team for the OPERA transaction code of "
            "telephone calls and set CONNECTOR_OHIP__CHARGE_TRANSACTION_CODE."])
    if not charges_ready:
        return ("OHIP call charges", False, "no tariff: the currency of charges is unknown", [
            "Set CONNECTOR_BILLING__TARIFF_FILE (docs/billing.md): charges are posted in its "
            "currency."])
    return ("OHIP call charges", True,
            f"charges are posted with transaction code {settings.charge_transaction_code}", [])
