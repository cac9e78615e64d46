"""The child side of a cloud PMS crash test: `connector serve`, as a real process, with a
cloud PMS adapter the test chose, stopping cleanly on SIGTERM (SIGKILL is the crash)."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable

from prometheus_client import CollectorRegistry

from connector.cli.common import settings_or_exit
from connector.clock import Clock, SystemClock
from connector.pms.cloud.contract import CloudPms
from connector.serve.runner import Service
from connector.service import Connector
from connector.settings import Settings


async def serve_with(pms_for: Callable[[Settings, Clock], CloudPms]) -> None:
    """Serve the settings in the environment with the adapter `pms_for` builds, until a
    SIGTERM or SIGINT."""
    settings = settings_or_exit()
    clock, registry = SystemClock(), CollectorRegistry()
    pms = pms_for(settings, clock)
    connector = await Connector.open(settings, clock=clock, registry=registry)
    service = Service(settings, connector, clock=clock, registry=registry, cloud_pms=pms)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, service.stop.set)
    await service.run()
