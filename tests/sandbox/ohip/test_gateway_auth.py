"""The emulated gateway refuses what OHIP's refuses: no or expired token, a wrong app key, a
missing or mismatched hotel header; a token lives its configured hour."""

from __future__ import annotations

import httpx

from connector.sandbox.ohip.emulator import OhipEmulator
from tests.sandbox.ohip.support import Ohip, SpecChecker
from tests.support.fake_clock import FakeClock

OTHER_KEY = "0b6a4e1c-5f1e-4b8e-9a34-c0ffee000000"
RESERVATIONS = "/rsv/v1/hotels/{hotel}/reservations"


async def test_a_token_is_refused_for_a_wrong_secret_or_app_key(
        ohip: Ohip, emulator: OhipEmulator, checker: SpecChecker) -> None:
    key = emulator.auth.credentials.app_key
    wrong_secret = await ohip.http.post(
        "/oauth/v1/tokens", data={"grant_type": "client_credentials"},
        headers={"authorization": "Basic Wm9vbTpub3BlCg==", "x-app-key": key})
    assert wrong_secret.status_code == 401
    wrong_key = await ohip.http.post(
        "/oauth/v1/tokens", data={"grant_type": "client_credentials"},
        headers={"authorization": ohip.basic(), "x-app-key": OTHER_KEY})
    assert wrong_key.status_code == 401
    assert emulator.auth.issued == 0


async def test_a_call_without_a_valid_token_is_401(ohip: Ohip, checker: SpecChecker) -> None:
    await ohip.login()
    answer = await ohip.call("GET", RESERVATIONS, headers=ohip.headers(authorization="Bearer x"))
    assert answer.status_code == 401
    assert answer.json()["status"] == 401


async def test_a_token_lives_an_hour_and_the_expiry_fault_ends_it_early(
        ohip: Ohip, emulator: OhipEmulator, clock: FakeClock) -> None:
    await ohip.login()
    clock.advance(3599)
    assert (await ohip.call("GET", RESERVATIONS)).status_code == 200
    clock.advance(1)
    expired = await ohip.call("GET", RESERVATIONS)
    assert expired.status_code == 401
    assert "expired" in expired.json()["detail"]
    await ohip.login()
    assert emulator.check_token(ohip.token)
    assert emulator.expire_tokens() == 1
    assert not emulator.check_token(f"Bearer {ohip.token}")
    assert (await ohip.call("GET", RESERVATIONS)).status_code == 401


async def test_the_token_lifetime_is_a_parameter(clock: FakeClock) -> None:
    emulator = OhipEmulator(clock=clock, token_seconds=120)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=emulator.app()),
                                 base_url="http://ohip.test") as http:
        ohip = Ohip(http, emulator)
        assert (await ohip.get_token()).json()["expires_in"] == 120
        clock.advance(120)
        assert not emulator.check_token(ohip.token)


async def test_a_wrong_app_key_is_401_and_a_hotel_header_off_is_403(
        ohip: Ohip, checker: SpecChecker) -> None:
    await ohip.login()
    checker.lenient_requests = True  # off-spec on purpose: to see what OHIP answers
    assert (await ohip.call("GET", RESERVATIONS,
                            headers=ohip.headers(**{"x-app-key": OTHER_KEY}))).status_code == 401
    missing = await ohip.call("GET", RESERVATIONS, headers=ohip.headers(**{"x-hotelid": ""}))
    assert missing.status_code == 403
    mismatch = await ohip.call("GET", RESERVATIONS,
                               headers=ohip.headers(**{"x-hotelid": "OTHER"}))
    assert mismatch.status_code == 403
    assert mismatch.json()["o:errorCode"] == "HOTEL_MISMATCH"
    other_hotel = await ohip.call("GET", "/rsv/v1/hotels/OTHER/reservations",
                                  headers=ohip.headers(**{"x-hotelid": "OTHER"}))
    assert other_hotel.status_code == 403
