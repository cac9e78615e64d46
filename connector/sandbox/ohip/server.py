"""Serving an OHIP emulator over real HTTP on loopback (port 0 picks a free one), from tests
(async context manager) or the CLI."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Generator, Sequence
from types import TracebackType

import uvicorn
from starlette.requests import ClientDisconnect
from starlette.routing import BaseRoute
from starlette.types import ASGIApp

from connector.sandbox.ohip.emulator import ADMIN_PREFIX, OhipEmulator
from connector.sandbox.ohip.errors import DroppedConnection

LOOPBACK = "127.0.0.1"


class _QuietServer(uvicorn.Server):
    """Leaves signal handling to the caller."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


class _HideDroppedConnections(logging.Filter):
    """A dropped connection is a fault injected on purpose, not an error to report."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, DroppedConnection | ClientDisconnect)


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
        self._server: _QuietServer | None = None
        self._task: asyncio.Task[None] | None = None
        self._socket: socket.socket | None = None
        self.base_url = ""

    @property
    def admin_url(self) -> str:
        return self.base_url + ADMIN_PREFIX

    async def start(self) -> None:
        """Bind and serve until `stop()`."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self._port))
        sock.listen(256)
        sock.setblocking(False)
        self._socket = sock
        self.base_url = f"http://{self.host}:{sock.getsockname()[1]}"
        logging.getLogger("uvicorn.error").addFilter(_HideDroppedConnections())
        config = uvicorn.Config(
            self._app or self.emulator.app(self._extra), lifespan="off", access_log=False,
            log_config=None, log_level="warning", timeout_graceful_shutdown=1)
        self._server = _QuietServer(config)
        self._task = asyncio.create_task(self._server.serve(sockets=[sock]))
        while not self._server.started:
            if self._task.done():
                self._task.result()  # start-up failed: raise why
            await asyncio.sleep(0.005)

    async def stop(self) -> None:
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            await self._task
        if self._socket is not None:
            self._socket.close()
        self._server = self._task = self._socket = None

    async def wait(self) -> None:
        """Until the server stops (the CLI's main loop)."""
        if self._task is not None:
            await self._task

    async def __aenter__(self) -> OhipServer:
        await self.start()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.stop()
