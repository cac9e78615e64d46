"""How `connector serve` runs uvicorn: limits that keep slow or greedy clients from holding
the web door (and the PMS's webhook) hostage.

uvicorn alone times out only idle keep-alive connections: a client that sends its headers a
byte at a time, or a body shorter than its Content-Length, holds a connection forever
(slowloris). `guarded_protocol` adds two deadlines at the protocol level, where the bytes
arrive: the request line and headers must be whole within `header_timeout_seconds` of their
first byte (or of the connection opening), the body within `body_timeout_seconds` of the
headers. It also ends a connection after `max_requests_per_connection` requests
(`Connection: close` on the last answer). uvicorn's own `limit_concurrency` answers 503 past
`max_concurrency` connections or requests at once.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.flow_control import CLOSE_HEADER
from uvicorn.protocols.http.h11_impl import H11Protocol

from connector.settings.model import ServerSettings

log = logging.getLogger("connector.web.limits")

# Answered to a client whose headers did not arrive in time (no request exists to answer).
_REQUEST_TIMEOUT = (b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain\r\n"
                    b"content-length: 24\r\nconnection: close\r\n\r\nrequest headers too slow")


def guarded_protocol(limits: ServerSettings) -> type[H11Protocol]:
    """uvicorn's h11 protocol with the header and body deadlines and the per-connection
    request limit of `limits`."""

    class GuardedH11Protocol(H11Protocol):
        _deadline: asyncio.TimerHandle | None = None
        _waiting_for: str = ""
        _requests = 0

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm("headers", limits.header_timeout_seconds)

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            self._follow()

        def handle_events(self) -> None:
            before = self.cycle
            super().handle_events()
            if self.cycle is not before and self.cycle is not None:
                self._requests += 1
                if self._requests >= limits.max_requests_per_connection:
                    # The last request on this connection: uvicorn adds `Connection: close`
                    # to the answer when the request's headers hold it, then closes.
                    self.cycle.keep_alive = False
                    self.cycle.scope["headers"] = [*self.cycle.scope["headers"], CLOSE_HEADER]

        def on_response_complete(self) -> None:
            self._disarm()
            super().on_response_complete()

        def _follow(self) -> None:
            """Move the deadline with the request: headers, then body, then none."""
            state = self.conn.their_state
            if state is h11.IDLE:
                if self._waiting_for != "headers":
                    self._arm("headers", limits.header_timeout_seconds)
            elif state is h11.SEND_BODY:
                if self._waiting_for != "body":
                    self._arm("body", limits.body_timeout_seconds)
            else:
                self._disarm()

        def _arm(self, what: str, seconds: float) -> None:
            self._disarm()
            self._waiting_for = what
            self._deadline = self.loop.call_later(seconds, self._expired)

        def _disarm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
            self._deadline, self._waiting_for = None, ""

        def _expired(self) -> None:
            what = self._waiting_for
            self._deadline, self._waiting_for = None, ""
            if self.transport.is_closing():
                return
            # A connection that opens and never speaks holds a slot too: closed the same way.
            log.warning("HTTP client too slow: connection closed", extra={
                "client": _address(self.client), "waiting_for": what})
            if what == "headers" and self.conn.our_state is h11.IDLE:
                self.transport.write(_REQUEST_TIMEOUT)
            self.transport.close()

    return GuardedH11Protocol


def _address(client: Any) -> str:
    return f"{client[0]}:{client[1]}" if isinstance(client, tuple) else "unknown"


def uvicorn_config(app: Any, server: ServerSettings) -> uvicorn.Config:
    """The web door's uvicorn configuration: `server`'s address and limits, signals and
    lifespan left to the connector."""
    return uvicorn.Config(
        app, host=server.host, port=server.port, lifespan="off", access_log=False,
        log_config=None, timeout_graceful_shutdown=5,
        http=guarded_protocol(server),
        timeout_keep_alive=server.keep_alive_seconds,
        limit_concurrency=server.max_concurrency,
    )
