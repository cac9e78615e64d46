"""OHIP's limit through a real socket: above 50 requests in a second the excess is answered a
second later, never refused."""

from __future__ import annotations

import asyncio
import time

import httpx

from connector.sandbox.ohip.emulator import OhipEmulator
from connector.sandbox.ohip.limits import ExcessDelay
from connector.sandbox.ohip.server import OhipServer
from tests.ohip_spec import OhipSpec
from tests.sandbox.ohip.support import Ohip, SpecChecker


def test_the_51st_request_in_a_second_waits_and_the_next_second_starts_afresh() -> None:
    limit = ExcessDelay()
    assert [limit.admit(10.0 + n / 100) for n in range(51)][-2:] == [0.0, 1.0]
    assert limit.admit(11.6) == 0.0  # the burst has left the window
    assert limit.delayed == 1


async def test_a_burst_of_120_is_all_answered_and_the_excess_a_second_later(
        spec: OhipSpec) -> None:
    emulator = OhipEmulator()
    checker = SpecChecker(emulator.app(), spec)
    limits = httpx.Limits(max_connections=150, max_keepalive_connections=150)
    async with OhipServer(emulator, app=checker) as server, \
            httpx.AsyncClient(base_url=server.base_url, limits=limits, timeout=30) as http:
        ohip = Ohip(http, emulator)
        await ohip.login()
        await asyncio.sleep(1.1)  # the token request leaves the window

        async def timed() -> tuple[int, float]:
            started = time.monotonic()
            answer = await ohip.call("GET", "/rsv/v1/hotels/{hotel}/reservations",
                                     params={"searchType": "InHouse"})
            return answer.status_code, time.monotonic() - started

        results = await asyncio.gather(*(timed() for _ in range(120)))

    burst = emulator.requests.entries("getHotelReservations")
    assert {status for status, _ in results} == {200}  # none refused
    assert emulator.delayed == sum(e.delayed for e in burst)
    # every second of arrivals let at most 50 through at once; the rest waited
    for entry in burst:
        window = [e for e in burst
                  if entry.monotonic - 1 < e.monotonic <= entry.monotonic and not e.delayed]
        assert len(window) <= 50
    arrived_in_time = sum(1 for e in burst if e.monotonic - burst[0].monotonic < 1)
    assert emulator.delayed >= arrived_in_time - 50 > 0
    slow = sorted(seconds for _, seconds in results)[-emulator.delayed:]
    assert min(slow) >= 1.0
    assert checker.violations == []
