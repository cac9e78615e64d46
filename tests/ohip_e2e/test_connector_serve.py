"""`connector serve` as a hotel runs it, with CONNECTOR_PMS__KIND=ohip and nothing else of
OPERA's but its settings: a real process builds the OHIP adapter from them, resyncs, follows
OHIP's stream, and a check-in made in OPERA reaches the room phone."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx

from connector.pms.ohip.stream_protocol import hashed_key
from connector.sandbox import Sandbox, SandboxConfig
from connector.sandbox.ohip.emulator import OhipEmulator
from connector.sandbox.ohip.server import OhipServer
from connector.sandbox.server import SandboxServer
from tests.crash.child import ConnectorProcess, free_port
from tests.ohip_e2e.hotel import ohip_environment


async def test_connector_serve_with_kind_ohip_follows_opera(tmp_path: Path) -> None:
    zoom = Sandbox(SandboxConfig(floors=1, rooms_per_floor=6))
    entry = zoom.hotel.rooms[0]
    async with SandboxServer(zoom):
        room_map = zoom.hotel.write_room_map(tmp_path / "rooms.csv")
        opera = OhipEmulator(rooms=[r.room for r in zoom.hotel.rooms], tz=ZoneInfo("UTC"))
        async with OhipServer(opera, app=opera.full_app()) as ohip:
            env = {**zoom.environment(str(room_map)), **ohip_environment(ohip.base_url, opera),
                   "CONNECTOR_STORE__PATH": str(tmp_path / "connector.sqlite3")}
            process = ConnectorProcess(env, tmp_path / "connector.log", free_port())
            try:
                await process.start()
                await process.wait_ready()
                guest = opera.state.create_reservation("Ada", "Lovelace", room=entry.room)
                opera.state.check_in(guest.id)
                deadline = time.monotonic() + 20
                while "Lovelace" not in zoom.owner(entry.extension).display_name:
                    assert time.monotonic() < deadline, "the check-in never reached Zoom"
                    await asyncio.sleep(0.1)
                async with httpx.AsyncClient(base_url=process.url) as http:
                    ready = (await http.get("/readyz")).json()
            finally:
                await process.stop()

    cloud = next(c for c in ready["checks"] if c["name"] == "cloud_pms")
    assert cloud["ok"] and "stream up" in cloud["detail"]
    assert opera.subscriptions and opera.auth.issued == 1  # one token, reused
    log = (tmp_path / "connector.log").read_text()
    assert "Lovelace" not in log  # no guest names in the log
    creds = opera.auth.credentials
    for secret in (creds.client_secret, creds.app_key, hashed_key(creds.app_key)):
        assert secret not in log  # nor secrets, nor the stream's key
