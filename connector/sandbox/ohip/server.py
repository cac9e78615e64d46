"""Serving an OHIP emulator over real HTTP on loopback (port 0 picks a free one), from tests
(async context manager) or the CLI."""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType

from starlette.requests import ClientDisconnect
from starlette.routing import BaseRoute
from starlette.types import ASGIApp

from connector.sandbox.ohip.emulator import ADMIN_PREFIX, OhipEmulator
from connector.sandbox.ohip.errors import DroppedConnection
from connector.sandbox.server import LOOPBACK, Serving, _listen


class OhipServer:
    """Runs an emulator with uvicorn on loopback.

    >>> async with OhipServer(OhipEmulator()) as server:
    ...     server.base_url  # the gateway: {base_url}/oauth/v1/tokens, {base_url}/rsv/v1/…
    """

    def __init__(self, emulator: OhipEmulator | None = None, *, host: str = LOOPBACK,
                 port: int = 0, extra_routes: Sequence[BaseRoute] = (),
                 app: ASGIApp | None = None) -> None:
        """`app`: an ASGI app to serve instead of the emulator's (e.g. one wrapping it)."""
        self.emulator = emulator or OhipEmulator()
        self._app = app
        self.host = host
        self._port = port
        self._extra = tuple(extra_routes)
        self._serving: Serving | None = None
        self.base_url = ""

    @property
    def admin_url(self) -> str:
        return self.base_url + ADMIN_PREFIX

    async def start(self) -> None:
        """Bind and serve until `stop()`."""
        sock = _listen(self.host, self._port, backlog=256)
        self.base_url = f"http://{self.host}:{sock.getsockname()[1]}"
        self._serving = Serving(self._app or self.emulator.app(self._extra), [sock],
                                hide=(DroppedConnection, ClientDisconnect))
        await self._serving.start()

    async def stop(self) -> None:
        if self._serving is not None:
            await self._serving.stop()
        self._serving = None

    async def wait(self) -> None:
        """Until the server stops (the CLI's main loop)."""
        if self._serving is not None:
            await self._serving.wait()

    async def __aenter__(self) -> OhipServer:
        await self.start()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.stop()
