"""`connector sandbox --pms ohip`: the hotel on OPERA Cloud. The OHIP emulator (REST, its
stream, its dequeue, its admin API) on loopback beside the Zoom emulator, `connector doctor`
and the connector itself set up as a hotel sets it up (CONNECTOR_PMS__KIND=ohip), and the
demo day played through OPERA."""

from __future__ import annotations

import asyncio
import shlex
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

from connector.cli.demo_ohip import OhipDemoDay, in_house_guest
from connector.cli.sandbox_service import doctor_verdict, run_service
from connector.cli.sandbox_staff import console_banner
from connector.sandbox import Sandbox
from connector.sandbox.demo_hotel import DEMO_TARIFF
from connector.sandbox.ohip.emulator import OhipEmulator
from connector.sandbox.ohip.server import OhipServer
from connector.sandbox.sip.side import SipSide
from connector.serve.runner import Service
from connector.service import Connector
from connector.settings import Settings, SettingsError, load_settings

TRANSACTION_CODE = "9400"  # the demo hotel's OPERA transaction code for telephone calls


def ohip_settings(server: OhipServer) -> dict[str, str]:
    """The CONNECTOR_OHIP__ settings for the emulator, as Oracle would give them."""
    emulator, creds = server.emulator, server.emulator.auth.credentials
    return {"gateway_url": server.base_url, "client_id": creds.client_id,
            "client_secret": creds.client_secret, "app_key": creds.app_key,
            "hotel_id": emulator.hotel_id, "chain_code": emulator.chain_code,
            "external_system_code": emulator.external_systems[0],
            "charge_transaction_code": TRANSACTION_CODE}


async def serve_ohip(sandbox: Sandbox, sip: SipSide, room_map: Path, store: Path,
                     zoom_token: str, *, demo: bool, web_port: int, stop: asyncio.Event,
                     echo: Callable[[str], None], doctor: bool = True,
                     check: bool = False) -> int:
    """The hotel on OPERA Cloud against the sandbox until `stop` (or, with `check`, once
    started); the doctor's exit code when it finds something blocking."""
    from connector.cli.sandbox_cmd import _zoom_settings, phone_settings

    opera = OhipEmulator(clock=sandbox.clock,
                         rooms=[entry.room for entry in sandbox.hotel.rooms])
    server = OhipServer(opera, app=opera.full_app())
    await server.start()
    try:
        try:
            settings = load_settings(
                zoom={**_zoom_settings(sandbox), "webhook_secret_token": zoom_token},
                rooms={"map_file": room_map}, store={"path": store},
                billing={"tariff_file": DEMO_TARIFF}, reconcile={"settle_seconds": 0.2},
                pms={"kind": "ohip"}, ohip=ohip_settings(server),
                server={"host": "127.0.0.1", "port": web_port}, **phone_settings(sandbox, sip))
        except SettingsError as error:
            echo(f"the OHIP sandbox's settings are invalid:\n{error}")
            return 2
        opera.state.tz = ZoneInfo(settings.hotel.timezone)  # OPERA keeps property time
        in_house_guest(opera, "201", "Kim", "Brown")
        echo(_banner(server, settings))
        if doctor and await doctor_verdict(
                settings, "connector doctor, run against the sandbox (Zoom and OPERA Cloud):",
                echo):
            return 1
        return await _run(sandbox, opera, sip, settings, zoom_token, demo=demo, stop=stop,
                          echo=echo, check=check)
    finally:
        await server.stop()


async def _run(sandbox: Sandbox, opera: OhipEmulator, sip: SipSide, settings: Settings,
               zoom_token: str, *, demo: bool, stop: asyncio.Event,
               echo: Callable[[str], None], check: bool) -> int:
    def banner(web: str) -> str:
        return f"""
The connector is running against it (the same service as `connector serve`):
  Readiness:         {web}/readyz   (cloud_pms: OHIP's stream)
  Metrics:           {web}/metrics
{console_banner(web)}
  export CONNECTOR_STORE__PATH={shlex.quote(str(settings.store.path))}
  connector status   # what the running connector did"""

    async def stream_ready(service: Service, running: asyncio.Task[None]) -> None:
        door = service.cloud
        assert door is not None
        while not door.readiness().ok and not stop.is_set() and not running.done():  # noqa: ASYNC110
            await asyncio.sleep(0.05)

    async def demo_day(connector: Connector, _service: Service, web: str) -> None:
        await OhipDemoDay(sandbox, connector, opera, sip, web, echo).play()

    return await run_service(
        sandbox, settings, zoom_token, banner=banner, demo_day=demo_day if demo else None,
        stop=stop, echo=echo, check=check, ready=stream_ready,
        keep_running="\nThe connector keeps running against the sandbox. Press Ctrl-C to stop.")


def _banner(server: OhipServer, settings: Settings) -> str:
    ohip = settings.ohip
    exports = "\n".join(
        f"  export CONNECTOR_OHIP__{name.upper()}={shlex.quote(value)}"
        for name, value in ohip_settings(server).items())
    return f"""\
OPERA Cloud (OHIP) emulator running: hotel {ohip.hotel_id} of chain {ohip.chain_code}, \
one guest in house (room 201).
  Gateway (REST, OAuth):        {server.base_url}
  Stream (GraphQL over WS):     {ohip.subscriptions_url()}
  Admin API (front desk, faults): {server.admin_url}
  Docs: docs/pms-ohip.md

Point a connector at it (the emulator's own published test credentials):
  export CONNECTOR_PMS__KIND=ohip
{exports}
"""
