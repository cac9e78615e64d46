"""The part of `connector sandbox` every PMS shares: the doctor's verdict, and the connector
running as `connector serve` runs it (its web, Zoom's events subscribed, the demo day) until
stopped. Each PMS (FIAS, OHIP, Cloudbeds) brings its own settings, banner and demo day."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from prometheus_client import CollectorRegistry

from connector.billing.tariff_rater import tariff_rater
from connector.cli.sandbox_staff import add_demo_staff
from connector.sandbox import Sandbox
from connector.serve.runner import Service
from connector.service import Connector
from connector.settings import Settings

# The demo day, given the running connector, its service and its web URL.
DemoDayFactory = Callable[[Connector, Service, str], Coroutine[Any, Any, None]]


async def doctor_verdict(settings: Settings, title: str, echo: Callable[[str], None]) -> int:
    """Run `connector doctor` in-process with `settings` and show its report under `title`;
    its exit code (1 when something blocks)."""
    from connector.doctor import run_doctor

    report = await run_doctor(settings)
    echo(title)
    echo(report.render())
    return 1 if report.blocking else 0


async def run_service(sandbox: Sandbox, settings: Settings, zoom_token: str, *,
                      banner: Callable[[str], str], demo_day: DemoDayFactory | None,
                      stop: asyncio.Event, echo: Callable[[str], None], check: bool,
                      keep_running: str,
                      ready: Callable[[Service, asyncio.Task[None]], Awaitable[None]] | None = None,
                      after_demo: Callable[[], None] | None = None) -> int:
    """The connector against the sandbox: started, its `banner` shown, Zoom's events
    subscribed, `ready` awaited, the demo day played, then (unless `check`) running until
    `stop`; always shut down cleanly. Its exit code."""
    from connector.cli.sandbox_cmd import _subscribe_zoom_events, _unless_stopped

    # The hotel's tariff, as `connector serve` reads it: the demo's call abroad is posted.
    rate = (tariff_rater(settings.billing.tariff_file)
            if settings.billing.tariff_file is not None else None)
    registry = CollectorRegistry()
    connector = await Connector.open(settings, clock=sandbox.clock, registry=registry)
    add_demo_staff(connector.store.staff)
    service = Service(settings, connector, clock=sandbox.clock, registry=registry, rate=rate)
    running = asyncio.create_task(service.run())
    try:
        while not service.web.started:  # noqa: ASYNC110 - uvicorn exposes only a flag
            await asyncio.sleep(0.02)
        web = f"http://127.0.0.1:{service.web.servers[0].sockets[0].getsockname()[1]}"
        echo(banner(web))
        echo(await _subscribe_zoom_events(sandbox, web, zoom_token))
        if ready is not None:
            await ready(service, running)
        if demo_day is not None and not stop.is_set() and not await _unless_stopped(
                demo_day(connector, service, web), stop):
            echo("\nThe demo day was interrupted.")
        if after_demo is not None:
            after_demo()
        if not check and not stop.is_set():
            echo(keep_running)
            await stop.wait()
    finally:
        service.stop.set()
        await running
    echo("Sandbox stopped.")
    return 0
