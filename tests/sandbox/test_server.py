"""The sandbox over real HTTP on loopback, and the connector's own client against it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from connector.sandbox import Sandbox
from connector.sandbox.server import SandboxServer
from tests.sandbox.sandbox_support import SpecChecker, Zoom


async def test_oauth_and_api_are_two_hosts_and_the_token_names_the_api(
    sandbox: Sandbox, checker: SpecChecker
) -> None:
    async with SandboxServer(sandbox, app=checker) as server, httpx.AsyncClient() as http:
        assert server.oauth_url.startswith("http://127.0.0.1:")
        assert server.api_url.startswith("http://127.0.0.1:")
        assert server.oauth_url != server.api_url
        zoom = Zoom(http, server.oauth_url)
        await zoom.login()
        assert zoom.api_url == server.api_url
        body = (await zoom.get("/phone/users", page_size=100)).json()
        assert body["total_records"] == 208
        wrong_host = await http.get(f"{server.oauth_url}/v2/users",
                                    headers={"Authorization": f"Bearer {zoom.token}"})
        assert wrong_host.status_code == 404
        info = (await http.get(server.admin_url)).json()
        assert info["api_url"] == server.api_url
    assert checker.checked >= 2


async def test_two_sandboxes_run_side_by_side() -> None:
    async with SandboxServer() as one, SandboxServer() as two:
        assert len({one.oauth_url, one.api_url, two.oauth_url, two.api_url}) == 4


async def test_requests_in_parallel(sandbox: Sandbox) -> None:
    async with SandboxServer(sandbox) as server, httpx.AsyncClient() as http:
        zoom = Zoom(http, server.oauth_url)
        await zoom.login()
        statuses = await asyncio.gather(*(zoom.get("/phone/common_areas") for _ in range(10)))
        assert [r.status_code for r in statuses] == [200] * 10


async def test_the_connectors_doctor_reads_the_demo_hotel(
    sandbox: Sandbox, checker: SpecChecker, tmp_path: Path
) -> None:
    doctor = pytest.importorskip("connector.doctor")
    from connector.settings import load_settings

    room_map = sandbox.hotel.write_room_map(tmp_path / "rooms.csv")
    async with SandboxServer(sandbox, app=checker) as server:
        creds = sandbox.config.credentials
        settings = load_settings(
            zoom={"account_id": creds.account_id, "client_id": creds.client_id,
                  "client_secret": creds.client_secret, "oauth_url": server.oauth_url},
            rooms={"map_file": room_map},
        )
        report = await doctor.run_doctor(settings)
    assert not report.blocking, report.render()
    calls = [e.endpoint for e in sandbox.log.entries() if e.endpoint != "oauth_token"]
    assert calls, "the doctor made no API calls"
    assert all(e.status == 200 for e in sandbox.log.entries())


def test_cli_check_starts_prints_plays_the_demo_day_and_exits() -> None:
    from connector.cli import main

    result = CliRunner().invoke(main, ["sandbox", "--check", "--no-doctor"])
    assert result.exit_code == 0, result.output
    assert "CONNECTOR_ZOOM__OAUTH_URL=http://127.0.0.1:" in result.output
    assert "/_sandbox" in result.output
    assert "sip_lines ok: 4 of 4 SIP lines registered" in result.output
    assert "the PMS received WA|RN101|" in result.output and "(AS=OK," in result.output
    assert "the PMS received RE|RN102|RS3|" in result.output
    assert "room 101 calls +442079460018 (London)" in result.output
    assert "sends phone.caller_call_history_completed" in result.output
    assert "the connector answered 200: " in result.output


def test_cli_check_runs_the_doctor(tmp_path: Path) -> None:
    pytest.importorskip("connector.doctor")
    from connector.cli import main

    room_map = tmp_path / "rooms.csv"
    result = CliRunner().invoke(main, ["sandbox", "--check", "--no-demo",
                                       "--room-map", str(room_map)])
    assert result.exit_code == 0, result.output
    assert "connector doctor, run against the sandbox" in result.output
    assert "SIP lines   4 line(s) over UDP" in result.output
    assert room_map.read_text().startswith("room,extension\n")
