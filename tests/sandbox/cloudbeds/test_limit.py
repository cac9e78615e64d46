"""Cloudbeds suspends credentials that go above the property's limit (5 a second): the
emulator does it on the sixth request inside one second, and refuses everything with that key
until Cloudbeds reactivates it; a wrong key is answered 401."""

from __future__ import annotations

from datetime import date

import httpx

from connector.sandbox.cloudbeds import CloudbedsEmulator, CloudbedsServer
from tests.cloudbeds_spec import CloudbedsSpec
from tests.sandbox.cloudbeds.conftest import API_KEY
from tests.support.fake_clock import FakeClock


async def _hotel(http: httpx.AsyncClient, server: CloudbedsServer,
                 spec: CloudbedsSpec) -> int:
    answer = await http.get(server.api_url + "/getHotelDetails")
    spec.validate_response("GET", "/getHotelDetails", answer.status_code, answer.json())
    return answer.status_code


async def test_a_burst_of_six_in_one_second_suspends_the_key_until_reactivated(
        server: CloudbedsServer, emulator: CloudbedsEmulator, clock: FakeClock,
        cb_spec: CloudbedsSpec) -> None:
    async with httpx.AsyncClient(headers={"x-api-key": API_KEY}) as http:
        statuses = []
        for _ in range(6):
            statuses.append(await _hotel(http, server, cb_spec))
            clock.advance(0.1)
        assert statuses == [200] * 5 + [403]
        assert emulator.suspensions == 1
        clock.advance(60)  # waiting does not help: a person at Cloudbeds must act
        assert await _hotel(http, server, cb_spec) == 403
        assert emulator.suspensions == 1
        emulator.reactivate()
        assert await _hotel(http, server, cb_spec) == 200
    log = [(entry.path, entry.status) for entry in emulator.gate.log]
    assert log[-3:] == [("/getHotelDetails", 403), ("/getHotelDetails", 403),
                        ("/getHotelDetails", 200)]


async def test_five_a_second_for_ever_is_never_suspended(
        server: CloudbedsServer, emulator: CloudbedsEmulator, clock: FakeClock,
        cb_spec: CloudbedsSpec) -> None:
    async with httpx.AsyncClient(headers={"x-api-key": API_KEY}) as http:
        for _ in range(20):
            assert await _hotel(http, server, cb_spec) == 200
            clock.advance(0.2)
    assert emulator.suspensions == 0
    assert emulator.gate.busiest_second() == 5


async def test_a_suspension_is_reactivated_from_the_admin_api(
        server: CloudbedsServer, emulator: CloudbedsEmulator, cb_spec: CloudbedsSpec) -> None:
    async with httpx.AsyncClient(headers={"x-api-key": API_KEY}) as http:
        for _ in range(6):
            await http.get(server.api_url + "/getRooms")
        status = (await http.get(server.admin_url + "/status")).json()["data"]
        assert (status["suspended"], status["suspensions"]) == (True, 1)
        assert (await http.post(server.admin_url + "/reactivate")).status_code == 200
        assert await _hotel(http, server, cb_spec) == 200


async def test_a_wrong_key_is_refused_and_a_bearer_key_is_taken(
        server: CloudbedsServer, cb_spec: CloudbedsSpec) -> None:
    async with httpx.AsyncClient(headers={"x-api-key": "cbat_someone_else"}) as http:
        assert await _hotel(http, server, cb_spec) == 401
    async with httpx.AsyncClient() as http:
        assert await _hotel(http, server, cb_spec) == 401
    async with httpx.AsyncClient(headers={"authorization": f"Bearer {API_KEY}"}) as http:
        assert await _hotel(http, server, cb_spec) == 200


async def test_during_an_outage_the_api_answers_503_uncounted_and_webhooks_are_lost(
        server: CloudbedsServer, emulator: CloudbedsEmulator, cb_spec: CloudbedsSpec) -> None:
    async with httpx.AsyncClient() as http:
        down = await http.post(server.admin_url + "/outage", json={"down": True})
        assert down.json()["data"] == {"down": True}
        emulator.state.subscribe("reservation", "created", "http://127.0.0.1:9/nowhere")
        emulator.state.create_reservation("Grace", "Hopper", date(2026, 3, 10),
                                          date(2026, 3, 11), room="101")
        await emulator.webhooks.idle()
        http.headers["x-api-key"] = API_KEY
        assert [await _hotel(http, server, cb_spec) for _ in range(8)] == [503] * 8
        assert emulator.suspensions == 0
        await http.post(server.admin_url + "/outage", json={"down": False})
        assert await _hotel(http, server, cb_spec) == 200
    assert [(d.outcome, d.fault) for d in emulator.webhooks.deliveries] == [("lost", "outage")]
