"""Fault injection: 5xx bursts, slow answers, held answers, dropped connections."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from connector.sandbox import Sandbox
from connector.sandbox.faults import FaultKind, Faults
from tests.sandbox.sandbox_support import Zoom


async def test_a_burst_of_503s_then_service_resumes(zoom: Zoom, sandbox: Sandbox) -> None:
    await zoom.login()
    sandbox.faults.error_burst(2, status=503)
    statuses = [(await zoom.get("/phone/users")).status_code for _ in range(3)]
    assert statuses == [503, 503, 200]
    assert [e.fault for e in sandbox.log.entries("list_phone_users")] == [
        "error 503", "error 503", None]


async def test_faults_can_target_one_endpoint(zoom: Zoom, sandbox: Sandbox) -> None:
    await zoom.login()
    sandbox.faults.error_burst(1, status=500, endpoint="list_devices")
    assert (await zoom.get("/phone/users")).status_code == 200
    assert (await zoom.get("/phone/devices", type="assigned")).status_code == 500
    assert (await zoom.get("/phone/devices", type="assigned")).status_code == 200


async def test_api_faults_leave_the_token_endpoint_alone(zoom: Zoom, sandbox: Sandbox) -> None:
    sandbox.faults.error_burst(1)
    assert (await zoom.token_response()).status_code == 200
    sandbox.faults.clear()
    sandbox.faults.error_burst(1, endpoint="oauth_token")
    assert (await zoom.token_response()).status_code == 503


async def test_slow_answers_are_really_slow(zoom: Zoom, sandbox: Sandbox) -> None:
    await zoom.login()
    sandbox.faults.slow(0.2, count=1)
    started = time.perf_counter()
    assert (await zoom.get("/phone/users")).status_code == 200
    assert time.perf_counter() - started >= 0.2
    started = time.perf_counter()
    await zoom.get("/phone/users")
    assert time.perf_counter() - started < 0.2


async def test_a_held_answer_comes_late_but_zoom_has_already_done_it(
    zoom: Zoom, sandbox: Sandbox
) -> None:
    await zoom.login()
    guest = sandbox.owner(2101)
    sandbox.faults.hold(0.3, count=1, endpoint="set_presence")
    started = time.perf_counter()

    answer = asyncio.create_task(zoom.put(f"/users/{guest.id}/presence_status",
                                          {"status": "Do_Not_Disturb", "duration": 60}))
    await asyncio.sleep(0.1)
    assert sandbox.presence(guest.id)["status"] == "Do_Not_Disturb"
    assert not answer.done()

    assert (await answer).status_code == 204
    assert time.perf_counter() - started >= 0.3
    assert [e.fault for e in sandbox.log.entries("set_presence")] == ["hold 0.3s"]


async def test_a_dropped_connection_over_asgi_raises(zoom: Zoom, sandbox: Sandbox) -> None:
    await zoom.login()
    sandbox.faults.drop(1)
    with pytest.raises(Exception, match="connection dropped"):
        await zoom.get("/phone/users")
    assert (await zoom.get("/phone/users")).status_code == 200
    assert [e.status for e in sandbox.log.entries("list_phone_users")] == [0, 200]


async def test_faults_set_through_the_admin_api(zoom: Zoom, sandbox: Sandbox) -> None:
    await zoom.login()
    response = await zoom.admin("POST", "/faults", {"kind": "error", "count": 1, "status": 500})
    assert response.json()["faults"][0]["remaining"] == 1
    assert (await zoom.get("/phone/users")).status_code == 500
    assert (await zoom.admin("GET", "/faults")).json() == {"faults": []}
    await zoom.admin("POST", "/faults", {"kind": "error", "count": None})
    assert (await zoom.get("/phone/users")).status_code == 503
    assert (await zoom.get("/phone/users")).status_code == 503
    await zoom.admin("DELETE", "/faults")
    assert (await zoom.get("/phone/users")).status_code == 200
    bad = await zoom.admin("POST", "/faults", {"kind": "error", "status": 404})
    assert bad.status_code == 400


def test_one_request_takes_at_most_one_failure() -> None:
    faults = Faults()
    faults.error_burst(1, status=500)
    faults.drop(1)
    faults.slow(0.1, count=2)
    first, second, third = faults.take("get_user"), faults.take("get_user"), faults.take(None)
    assert (first.error_status, first.drop, first.delay) == (500, False, 0.1)
    assert (second.error_status, second.drop, second.delay) == (None, True, 0.1)
    assert (third.error_status, third.drop, third.delay) == (None, False, 0.0)
    assert not faults.armed
    assert FaultKind("drop") is FaultKind.DROP


async def test_a_dropped_connection_over_http(sandbox: Sandbox) -> None:
    from connector.sandbox.server import SandboxServer

    async with SandboxServer(sandbox) as server, httpx.AsyncClient() as http:
        zoom = Zoom(http, server.oauth_url)
        await zoom.login()
        sandbox.faults.drop(1)
        with pytest.raises(httpx.RemoteProtocolError):
            await zoom.get("/phone/users")
        assert (await zoom.get("/phone/users")).status_code == 200


def test_a_held_answer_holds_only_the_endpoint_it_names() -> None:
    faults = Faults()
    faults.hold(1.5, count=1, endpoint="set_presence")
    other, held = faults.take("get_user"), faults.take("set_presence")
    assert (other.hold, other.label) == (0.0, None)
    assert (held.hold, held.label, held.error_status, held.drop) == (1.5, "hold 1.5s", None, False)
    assert not faults.armed
