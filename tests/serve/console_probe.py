"""Run as `python -m tests.serve.console_probe` (its own process, so nothing the test run
imported counts): opens `connector serve`'s Service for the demo hotel, console off (no
staff account), and prints as JSON which of the console's libraries are loaded while idle,
then what the desk sees at /console/sign-in and what is loaded after that request."""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from pathlib import Path

import httpx
from prometheus_client import CollectorRegistry

from connector.sandbox import Sandbox, SandboxConfig
from connector.sandbox.server import SandboxServer
from connector.serve.runner import Service
from connector.service import Connector
from tests.scenarios.hotel import scenario_settings

# Templates, the live stream, password hashing, and the console's own pages.
CONSOLE_MODULES = ["jinja2", "sse_starlette", "argon2", "connector.web.console.shell",
                   "connector.web.console.routes_live"]


def _loaded() -> list[str]:
    return [name for name in CONSOLE_MODULES if name in sys.modules]


async def main() -> None:
    sandbox = Sandbox(SandboxConfig())
    async with SandboxServer(sandbox):
        with tempfile.TemporaryDirectory() as tmp:
            settings = scenario_settings(sandbox, Path(tmp))
            registry = CollectorRegistry()
            connector = await Connector.open(settings, clock=sandbox.clock, registry=registry)
            try:
                service = Service(settings, connector, clock=sandbox.clock, registry=registry)
                await service.open_phone()
                idle = _loaded()
                async with httpx.AsyncClient(transport=httpx.ASGITransport(app=service.app),
                                             base_url="http://connector") as desk:
                    page = await desk.get("/console/sign-in")
                print(json.dumps({"idle": idle, "status": page.status_code,
                                  "type": page.headers["content-type"], "page": page.text,
                                  "after": _loaded()}))
            finally:
                await connector.close()


if __name__ == "__main__":
    asyncio.run(main())
