"""`connector sandbox`: the Zoom emulator with the demo hotel, on loopback, until stopped."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import json
import secrets
import shlex
import signal
import sys
import tempfile
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any

import click

from connector.cli import main
from connector.cli.demo_day import HOUSEKEEPING_NUMBER, WAKEUP_NUMBER, DemoDay
from connector.cli.sandbox_service import doctor_verdict, run_service
from connector.cli.sandbox_staff import console_banner
from connector.pms.fias.codec import Record
from connector.sandbox import Sandbox, SandboxConfig
from connector.sandbox.demo_hotel import DEFAULT_SIP_HOST, DEMO_TARIFF, FRONT_DESK_EXTENSIONS
from connector.sandbox.faults import Fault, FaultKind
from connector.sandbox.fias_pms.simulator import FiasPms
from connector.sandbox.ratelimit import HeaderMode, RetryAfterStyle
from connector.sandbox.sandbox import default_scopes
from connector.sandbox.server import SandboxServer
from connector.sandbox.sip.side import SipSide
from connector.sandbox.webhooks import WebhookSetupError
from connector.serve.runner import Service
from connector.service import Connector
from connector.settings import SettingsError, load_settings
from connector.settings.model import Plan
from connector.web.routes_zoom import ZOOM_EVENTS_PATH


def _config(plan: str, seed: int, scopes: str | None, without_scope: tuple[str, ...],
            retry_after: str, ratelimit_headers: str, rate_limits: bool) -> SandboxConfig:
    granted = frozenset(scopes.split()) if scopes is not None else default_scopes()
    return SandboxConfig(
        plan=Plan(plan), seed=seed, scopes=granted - set(without_scope),
        retry_after=RetryAfterStyle(retry_after),
        ratelimit_headers=HeaderMode(ratelimit_headers), rate_limits=rate_limits,
    )


def _banner(server: SandboxServer, sandbox: Sandbox, room_map: Path, sip: SipSide) -> str:
    hotel = sandbox.hotel
    env = {**sandbox.environment(str(room_map)), **_phone_environment(sandbox, sip),
           "CONNECTOR_BILLING__TARIFF_FILE": str(DEMO_TARIFF)}
    exports = "\n".join(f"  export {k}={shlex.quote(v)}" for k, v in env.items())
    return f"""\
Zoom sandbox running: Harbour View Hotel, {len(hotel.rooms)} rooms in the room map, \
{len(sandbox.account.users)} users, {len(sandbox.account.common_areas)} common areas, \
plan {sandbox.config.plan.value}.
  OAuth host (stands for https://zoom.us): {server.oauth_url}/oauth/token
  API host (the token's api_url):          {server.api_url}/v2
  Admin API (clock, faults, limits, log):  {server.admin_url}
  SIP (Zoom's proxy + room phones, UDP):   {sip.address}{_sip_note(sip)}
  Room map (room,extension):               {room_map}
  Docs: docs/sandbox.md

Point the connector at it (these are the sandbox's own fake credentials):
{exports}
  connector doctor
"""


def _zoom_settings(sandbox: Sandbox) -> dict[str, str]:
    creds = sandbox.config.credentials
    return {"account_id": creds.account_id, "client_id": creds.client_id,
            "client_secret": creds.client_secret, "oauth_url": sandbox.oauth_url,
            "plan": sandbox.config.plan.value}


def _sip_note(sip: SipSide) -> str:
    if sip.address == DEFAULT_SIP_HOST:
        return ""
    return f" (not {DEFAULT_SIP_HOST}, which was taken: set CONNECTOR_SIP__OUTBOUND_PROXY)"


def phone_settings(sandbox: Sandbox, sip: SipSide) -> dict[str, dict[str, object]]:
    """The connector's telephone settings for the sandbox: the lines of the demo hotel's
    "Other" device over UDP to the SIP side, the front desk as operator, short retries."""
    return {
        "sip": {"zoom_device_ids": [sandbox.hotel.connector_device_id], "transport": "udp",
                # Both proxies are the SIP side: there is no secondary to fail over to.
                "outbound_proxy": sip.address, "secondary_proxy": sip.address,
                "bind_host": "127.0.0.1", "srtp": "optional"},
        "wakeup": {"operator_extension": str(FRONT_DESK_EXTENSIONS[0]), "ring_seconds": 15,
                   "retry_interval_seconds": 10},
        "ivr": {"housekeeping_number": HOUSEKEEPING_NUMBER, "wakeup_number": WAKEUP_NUMBER},
    }


def _phone_environment(sandbox: Sandbox, sip: SipSide) -> dict[str, str]:
    """`phone_settings` as environment variables, for a connector run by hand."""
    return {f"CONNECTOR_{section.upper()}__{name.upper()}":
            json.dumps(value) if isinstance(value, list) else str(value)
            for section, values in phone_settings(sandbox, sip).items()
            for name, value in values.items()}


async def _start_sip(sandbox: Sandbox, port: int) -> SipSide:
    """The SIP side on `port`, or on any free port when that one is taken."""
    sip = SipSide(sandbox, port=port)
    try:
        await sip.start()
    except OSError:
        sip = SipSide(sandbox)
        await sip.start()
    return sip


async def _doctor(sandbox: Sandbox, room_map: Path, sip: SipSide, zoom_token: str) -> int:
    """Run `connector doctor` in-process against the sandbox, with the service's settings;
    its exit code."""
    try:
        settings = load_settings(zoom={**_zoom_settings(sandbox),
                                       "webhook_secret_token": zoom_token},
                                 rooms={"map_file": room_map},
                                 billing={"tariff_file": DEMO_TARIFF},
                                 **phone_settings(sandbox, sip))
    except SettingsError as error:
        click.echo(f"doctor: the settings are invalid:\n{error}", err=True)
        return 2
    return await doctor_verdict(settings, "connector doctor, run against the sandbox:",
                                click.echo)


async def _run(server: SandboxServer, room_map: Path, store: Path, check: bool, doctor: bool,
               demo: bool, faults: list[Fault], web_port: int, sip_port: int,
               pms: str = "fias") -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # not on every platform
            loop.add_signal_handler(sig, stop.set)
    async with server:
        sandbox = server.sandbox
        sip = await _start_sip(sandbox, sip_port)
        try:
            sandbox.hotel.write_room_map(room_map)
            click.echo(_banner(server, sandbox, room_map, sip))
            # The emulated Zoom app's Secret Token: Zoom signs its webhooks with it.
            zoom_token = secrets.token_urlsafe(24)
            if pms != "fias":
                # A cloud PMS's own emulator and demo day (connector/cli/sandbox_<pms>.py);
                # its doctor covers Zoom and the PMS.
                module = importlib.import_module(f"connector.cli.sandbox_{pms}")
                serve: Callable[..., Awaitable[int]] = getattr(module, f"serve_{pms}")
                return await serve(sandbox, sip, room_map, store, zoom_token, demo=demo,
                                   web_port=web_port, stop=stop, echo=click.echo,
                                   doctor=doctor, check=check)
            verdict = await _doctor(sandbox, room_map, sip, zoom_token) if doctor else 0
            if verdict:
                return verdict
            return await _serve(sandbox, sip, room_map, store, zoom_token, check=check,
                                demo=demo, faults=faults, web_port=web_port, stop=stop)
        finally:
            await sip.close()


async def _serve(sandbox: Sandbox, sip: SipSide, room_map: Path, store: Path, zoom_token: str,
                 *, check: bool, demo: bool, faults: list[Fault], web_port: int,
                 stop: asyncio.Event) -> int:
    """The connector against the sandbox (and the demo day), until stopped; call accounting
    on, with the demo hotel's tariff and `zoom_token` as the Zoom app's secret token."""
    # The PMS: a FIAS interface on loopback, with one guest already in house.
    pms = FiasPms(local_time=sandbox.clock.now)
    pms.in_house.apply(Record.of("GI", ("RN", "201"), ("G#", "2001"), ("GN", "Brown"),
                                 ("GF", "Kim")))
    fias_port = await pms.serve()
    secret = secrets.token_hex(16)
    settings = load_settings(
        zoom={**_zoom_settings(sandbox), "webhook_secret_token": zoom_token},
        rooms={"map_file": room_map}, store={"path": store},
        billing={"tariff_file": DEMO_TARIFF},
        reconcile={"settle_seconds": 0.2},
        fias={"mode": "client", "host": "127.0.0.1", "port": fias_port},
        webhook={"secret": secret}, server={"host": "127.0.0.1", "port": web_port},
        **phone_settings(sandbox, sip),
    )

    async def demo_day(connector: Connector, _service: Service, web: str) -> None:
        await DemoDay(sandbox, connector, pms, sip, web, secret, click.echo).play()

    def arm_faults() -> None:
        # Faults are armed after the demo, so they hit the running connector.
        for fault in faults:
            sandbox.faults.add(fault)

    try:
        return await run_service(
            sandbox, settings, zoom_token,
            banner=lambda web: _service_banner(web, store, fias_port, secret, zoom_token),
            demo_day=demo_day if demo else None, stop=stop, echo=click.echo, check=check,
            keep_running="\nThe connector keeps running against the sandbox. "
                         "Press Ctrl-C to stop.",
            after_demo=arm_faults)
    finally:
        await pms.close()


async def _subscribe_zoom_events(sandbox: Sandbox, web: str, token: str) -> str:
    """Point the emulated Zoom app's event subscription at the service's `/zoom/events`,
    as a hotel does in Zoom's app settings (Zoom checks the URL first); what happened."""
    url = f"{web}{ZOOM_EVENTS_PATH}"
    try:
        await sandbox.webhooks.subscribe(url, token)
    except WebhookSetupError as error:
        return f"  Zoom's events:     not subscribed: {error}"
    return (f"  Zoom's events:     {url} (URL validated; presence changes and call history "
            "are sent there, signed with CONNECTOR_ZOOM__WEBHOOK_SECRET_TOKEN)")


async def _unless_stopped(work: Coroutine[Any, Any, None], stop: asyncio.Event) -> bool:
    """Run `work` to the end, or cancel it when `stop` is set (Ctrl-C); whether it ended."""
    task = asyncio.create_task(work)
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({task, stopping}, return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    if task.done():
        task.result()  # its error, if any
        return True
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    return False


def _service_banner(web: str, store: Path, fias_port: int, secret: str, zoom_token: str) -> str:
    return f"""
The connector is running against it (the same service as `connector serve`):
  Webhook API docs:  {web}/docs
  Readiness:         {web}/readyz
  Metrics:           {web}/metrics
  FIAS:              the connector is a client of the simulated PMS at 127.0.0.1:{fias_port}
  Webhook secret:    {secret}
{console_banner(web)}
  export CONNECTOR_STORE__PATH={shlex.quote(str(store))}
  export CONNECTOR_ZOOM__WEBHOOK_SECRET_TOKEN={shlex.quote(zoom_token)}
  connector status   # what the running connector did
  connector calls    # the rooms' calls and their charges"""


@main.command()
@click.option("--oauth-port", type=int, default=0, show_default=True,
              help="Port of the OAuth host (0: any free port).")
@click.option("--api-port", type=int, default=0, show_default=True,
              help="Port of the API host (0: any free port).")
@click.option("--plan", type=click.Choice([p.value for p in Plan]), default="pro",
              show_default=True, help="Which rate-limit table applies.")
@click.option("--seed", type=int, default=7, show_default=True,
              help="Seed of the demo hotel and of every random choice.")
@click.option("--scopes", default=None,
              help="Space-separated scopes the token grants (default: every one needed).")
@click.option("--without-scope", multiple=True,
              help="Leave a scope out (repeatable), to see a feature turned off.")
@click.option("--retry-after", type=click.Choice([s.value for s in RetryAfterStyle]),
              default="zoom", show_default=True, help="Form of Retry-After on 429s.")
@click.option("--ratelimit-headers", type=click.Choice([m.value for m in HeaderMode]),
              default="always", show_default=True, help="Whether X-RateLimit-* are sent.")
@click.option("--no-rate-limits", is_flag=True, help="Do not enforce rate limits.")
@click.option("--fail-next", type=int, default=0, help="Answer the next N API calls with 5xx.")
@click.option("--fail-status", type=int, default=503, show_default=True,
              help="The status --fail-next answers with.")
@click.option("--slow", type=float, default=0.0, help="Delay every API answer by SECONDS.")
@click.option("--drop-next", type=int, default=0,
              help="Drop the connection on the next N API calls.")
@click.option("--room-map", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the room map CSV (default: a temporary file).")
@click.option("--no-doctor", is_flag=True, help="Do not run `connector doctor` at start-up.")
@click.option("--no-demo", is_flag=True, help="Do not play the demo day at start-up.")
@click.option("--web-port", type=int, default=0, show_default=True,
              help="Port of the connector's webhook API (0: any free port).")
@click.option("--sip-port", type=int, default=int(DEFAULT_SIP_HOST.rsplit(":", 1)[1]),
              show_default=True,
              help="UDP port of the SIP side (the demo hotel's SIP accounts name it; "
                   "any free port when taken).")
@click.option("--check", is_flag=True,
              help="Start, print, run the doctor and exit (a smoke test for CI).")
@click.option("--pms", type=click.Choice(["fias", "ohip", "cloudbeds"]), default="fias",
              show_default=True,
              help="The hotel's PMS: a FIAS interface, OPERA Cloud through OHIP, or "
                   "Cloudbeds (each emulated on loopback; docs/sandbox.md).")
def sandbox(oauth_port: int, api_port: int, plan: str, seed: int, scopes: str | None,
            without_scope: tuple[str, ...], retry_after: str, ratelimit_headers: str,
            no_rate_limits: bool, fail_next: int, fail_status: int, slow: float,
            drop_next: int, room_map: Path | None, no_doctor: bool, no_demo: bool,
            web_port: int, sip_port: int, check: bool, pms: str) -> None:
    """Run a Zoom emulator with a demo hotel on 127.0.0.1, for trying the connector.

    Nothing leaves this machine. Stop it with Ctrl-C."""
    config = _config(plan, seed, scopes, without_scope, retry_after, ratelimit_headers,
                     not no_rate_limits)
    faults = []
    if fail_next:
        faults.append(Fault(FaultKind.ERROR, fail_next, status=fail_status))
    if slow:
        faults.append(Fault(FaultKind.DELAY, None, seconds=slow))
    if drop_next:
        faults.append(Fault(FaultKind.DROP, drop_next))
    server = SandboxServer(Sandbox(config), oauth_port=oauth_port, api_port=api_port)
    with tempfile.TemporaryDirectory(prefix="zoom-sandbox-") as tmp:
        path = room_map or Path(tmp) / "rooms.csv"
        store = Path(tmp) / "connector.sqlite3"
        sys.exit(asyncio.run(
            _run(server, path, store, check, not no_doctor, not no_demo, faults, web_port,
                 sip_port, pms)))
