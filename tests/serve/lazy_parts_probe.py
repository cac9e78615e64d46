"""Run as `python -m tests.serve.lazy_parts_probe` (its own process, so nothing the test run
imported counts): opens `connector serve`'s Service for the demo hotel, console off (no
staff account), and prints as JSON which of the modules loaded on demand are loaded: while
the platform's probes are answered, after the API's document is read, after a console page.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx
from prometheus_client import CollectorRegistry

from connector.sandbox import Sandbox, SandboxConfig
from connector.sandbox.server import SandboxServer
from connector.serve.runner import Service
from connector.service import Connector
from tests.scenarios.hotel import scenario_settings

# FastAPI (the OpenAPI document's writer, the console's routes); templates, the live stream,
# password hashing and the console's own pages.
ON_DEMAND = ["fastapi", "jinja2", "sse_starlette", "argon2", "connector.web.console.shell",
             "connector.web.console.routes_live"]


def _loaded() -> list[str]:
    return [name for name in ON_DEMAND if name in sys.modules]


async def main() -> None:
    sandbox = Sandbox(SandboxConfig())
    seen: dict[str, Any] = {}
    async with SandboxServer(sandbox):
        with tempfile.TemporaryDirectory() as tmp:
            settings = scenario_settings(sandbox, Path(tmp))
            registry = CollectorRegistry()
            connector = await Connector.open(settings, clock=sandbox.clock, registry=registry)
            try:
                service = Service(settings, connector, clock=sandbox.clock, registry=registry)
                await service.open_phone()
                async with httpx.AsyncClient(transport=httpx.ASGITransport(app=service.app),
                                             base_url="http://connector") as client:
                    seen["probes"] = [(await client.get(path)).status_code
                                      for path in ("/healthz", "/readyz", "/metrics")]
                    seen["idle"] = _loaded()
                    document = await client.get("/openapi.json")
                    seen["document_paths"] = sorted(document.json()["paths"])
                    seen["after_document"] = _loaded()
                    page = await client.get("/console/sign-in")
                    seen["console"] = {"status": page.status_code, "page": page.text,
                                       "type": page.headers["content-type"]}
                    seen["after_console"] = _loaded()
            finally:
                await connector.close()
    print(json.dumps(seen))


if __name__ == "__main__":
    asyncio.run(main())
