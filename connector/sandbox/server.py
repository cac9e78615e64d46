"""Serving a sandbox over real HTTP on loopback, from tests (async context manager) or the CLI.

Two listening sockets stand for Zoom's two hosts: the OAuth host (zoom.us) and the API host
named by the token's `api_url` (api.zoom.us or a regional cluster). A client that ignores
`api_url` and calls the OAuth host for the API gets a 404, so the region switch is exercised.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Generator
from types import TracebackType
from typing import Any

import uvicorn
from starlette.requests import ClientDisconnect

from connector.sandbox.app import DroppedConnection
from connector.sandbox.sandbox import Sandbox

LOOPBACK = "127.0.0.1"


class _QuietServer(uvicorn.Server):
    """Leaves signal handling to the caller (tests, or the CLI's own handlers)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


class _Hide(logging.Filter):
    """A dropped connection is a fault we injected on purpose, and a client that went away
    before sending its whole request (killed, timed out) is the client's business: neither
    is an error of the emulator's to report."""

    def __init__(self, kinds: tuple[type[BaseException], ...]) -> None:
        super().__init__()
        self.kinds = kinds

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, self.kinds)


def _listen(host: str, port: int, backlog: int = 128) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(backlog)
    sock.setblocking(False)
    return sock


class Serving:
    """An emulator's ASGI app served with uvicorn on bound loopback sockets, until `stop()`:
    the one way every emulator (Zoom, OHIP, Cloudbeds) is served."""

    def __init__(self, app: Any, sockets: list[socket.socket], *,
                 hide: tuple[type[BaseException], ...] = ()) -> None:
        """`hide`: exceptions the emulator raises on purpose, kept out of uvicorn's log."""
        self.sockets = sockets
        self._app = app
        self._hide = hide
        self._server: _QuietServer | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Serve, once uvicorn says it has started (else raise why it could not)."""
        if self._hide:
            logging.getLogger("uvicorn.error").addFilter(_Hide(self._hide))
        config = uvicorn.Config(
            self._app, lifespan="off", access_log=False, log_config=None,
            log_level="warning", timeout_graceful_shutdown=1,
        )
        self._server = _QuietServer(config)
        self._task = asyncio.create_task(self._server.serve(sockets=self.sockets))
        while not self._server.started:
            if self._task.done():
                self._task.result()  # start-up failed: raise why
            await asyncio.sleep(0.005)

    async def stop(self) -> None:
        """Stop serving and close the sockets."""
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            await self._task
        for sock in self.sockets:
            sock.close()
        self._server = self._task = None

    async def wait(self) -> None:
        """Until the server stops."""
        if self._task is not None:
            await self._task


class SandboxServer:
    """Runs a sandbox with uvicorn on loopback; port 0 picks a free port.

    >>> async with SandboxServer(Sandbox()) as server:
    ...     server.oauth_url, server.api_url
    """

    def __init__(
        self, sandbox: Sandbox | None = None, *, host: str = LOOPBACK,
        oauth_port: int = 0, api_port: int = 0, app: Any | None = None,
    ) -> None:
        """`app`: an ASGI app to serve instead of `sandbox.app()` (e.g. one wrapping it)."""
        self.sandbox = sandbox or Sandbox()
        self._app = app
        self.host = host
        self._ports = (oauth_port, api_port)
        self._serving: Serving | None = None

    @property
    def oauth_url(self) -> str:
        """Stands for https://zoom.us: `POST {oauth_url}/oauth/token`."""
        return self.sandbox.oauth_url

    @property
    def api_url(self) -> str:
        """Stands for the token's `api_url`; the API is under `{api_url}/v2`."""
        return self.sandbox.api_url

    @property
    def admin_url(self) -> str:
        return f"{self.sandbox.api_url}/_sandbox"

    async def start(self) -> None:
        """Bind both sockets and serve until `stop()`."""
        sockets = [_listen(self.host, port) for port in self._ports]
        oauth_port, api_port = (s.getsockname()[1] for s in sockets)
        self.sandbox.set_urls(f"http://{self.host}:{oauth_port}", f"http://{self.host}:{api_port}")
        self._serving = Serving(self._app or self.sandbox.app(), sockets,
                                hide=(DroppedConnection, ClientDisconnect))
        await self._serving.start()
        # A running Zoom delivers its webhooks to the app's event subscription, if any.
        await self.sandbox.webhooks.start()

    async def stop(self) -> None:
        """Stop serving and close the sockets."""
        await self.sandbox.webhooks.stop()
        if self._serving is not None:
            await self._serving.stop()
        self._serving = None

    async def wait(self) -> None:
        """Until the server stops (the CLI's main loop)."""
        if self._serving is not None:
            await self._serving.wait()

    async def __aenter__(self) -> SandboxServer:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()
