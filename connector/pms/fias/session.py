"""Drive a sans-I/O `FiasLink` over asyncio streams, one TCP connection at a time.

The driver moves bytes between the socket and the link, wakes the link's timers, turns
`Delivered`/`Undelivered` into the result of `send()`, and queues the rest of the link's
events for the application. Time comes from the injected clock's monotonic reading; the wait
between timers is real (asyncio), so tests over sockets use short intervals while the timer
logic itself is tested without sockets in the link's own tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import AsyncIterator, Hashable
from typing import Any

from connector.clock import Clock
from connector.pms.fias.codec import Malformed, Record
from connector.pms.fias.errors import LinkNotUp, SendFailed
from connector.pms.fias.link import FiasLink
from connector.pms.fias.link_events import (
    Delivered,
    LinkDown,
    LinkState,
    LinkUp,
    RecordReceived,
    Undelivered,
)

log = logging.getLogger("connector.pms.fias")

AppEvent = LinkUp | LinkDown | RecordReceived | Malformed
_READ_SIZE = 64 * 1024
_ENDED = (LinkState.CLOSED, LinkState.FAILED)


class LinkDriver:
    """Owns one `FiasLink`, its application event queue and the pending sends."""

    def __init__(self, link: FiasLink, clock: Clock) -> None:
        self.link = link
        self.clock = clock
        self._events: asyncio.Queue[AppEvent] = asyncio.Queue()
        self._pending: dict[Hashable, asyncio.Future[None]] = {}
        self._refs = itertools.count(1)
        self._wake = asyncio.Event()
        self._up = asyncio.Event()
        self._writer: asyncio.StreamWriter | None = None
        self._idle = asyncio.Event()
        self._idle.set()

    # -- for the application --------------------------------------------------------------

    async def events(self) -> AsyncIterator[AppEvent]:
        """LinkUp, LinkDown, RecordReceived and Malformed, in order, forever (one reader)."""
        while True:
            yield await self._events.get()

    async def send(self, record: Record) -> None:
        """Send one record and wait until it is delivered (ACKed in ACK mode, written to the
        socket otherwise). Raises `LinkNotUp` at once when the link is down, and `SendFailed`
        when it could not be delivered (see its `maybe_delivered`)."""
        ref = next(self._refs)
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.link.send(record, ref=ref, now=self.clock.monotonic())
        self._pending[ref] = future
        self._wake.set()
        await future

    def request_resync(self) -> None:
        """Send DR now (the application decides when: see `ResyncPolicy`)."""
        self.link.request_resync(self.clock.monotonic())
        self._wake.set()

    async def wait_up(self) -> None:
        """Return once the link is up."""
        await self._up.wait()

    def close_link(self) -> None:
        """Send LE and end the current connection (no-op when not connected)."""
        self.link.close(self.clock.monotonic())
        self._wake.set()

    async def wait_idle(self, grace: float) -> None:
        """Wait (at most `grace` s) until no connection is being run."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), grace)

    def abort_connection(self) -> None:
        """Drop the current TCP connection without LE (a newer PMS connection replaces it)."""
        if self._writer is not None:
            self._writer.transport.abort()

    # -- for the transport ----------------------------------------------------------------

    async def run_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bool:
        """Run the link over one connection until it ends; True if the link was up at some
        point (the client then resets its reconnect backoff)."""
        peer = writer.get_extra_info("peername")
        self._writer = writer
        self._idle.clear()
        was_up = False
        self.link.connection_made(self.clock.monotonic())
        log.info("FIAS connection open", extra={"peer": str(peer)})
        read = asyncio.ensure_future(reader.read(_READ_SIZE))
        try:
            while True:
                await self._flush(writer)
                was_up |= self._dispatch()
                if self.link.state in _ENDED:
                    break
                if not await self._wait(read):
                    continue
                data = read.result()
                if not data:
                    break
                self.link.receive_data(data, self.clock.monotonic())
                read = asyncio.ensure_future(reader.read(_READ_SIZE))
        except (ConnectionError, OSError) as error:
            log.warning("FIAS connection error", extra={"peer": str(peer), "error": str(error)})
        finally:
            read.cancel()
            with contextlib.suppress(asyncio.CancelledError, ConnectionError, OSError):
                await read
            self.link.connection_lost(self.clock.monotonic())
            was_up |= self._dispatch()
            self._writer = None
            writer.close()
            with contextlib.suppress(ConnectionError, OSError):
                await writer.wait_closed()
            self._idle.set()
            log.info("FIAS connection closed", extra={"peer": str(peer)})
        return was_up

    async def _wait(self, read: asyncio.Future[bytes]) -> bool:
        """Wait for bytes, a wake-up or the link's next deadline; run due timers unless bytes
        came (the next wait runs them). True when `read` has completed."""
        deadline = self.link.next_deadline()
        timeout = None if deadline is None else max(0.0, deadline - self.clock.monotonic())
        woken = asyncio.ensure_future(self._wake.wait())
        waiters: set[asyncio.Future[Any]] = {read, woken}
        try:
            await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            woken.cancel()
        self._wake.clear()
        if read.done():
            return True  # bytes first: they are a sign of life before any timer is judged
        self.link.tick(self.clock.monotonic())
        return False

    async def _flush(self, writer: asyncio.StreamWriter) -> None:
        data = self.link.data_to_send()
        if data:
            writer.write(data)
            await writer.drain()

    def _dispatch(self) -> bool:
        """Hand the link's events on; True if one of them was LinkUp."""
        went_up = False
        while (event := self.link.next_event()) is not None:
            match event:
                case Delivered(ref=ref):
                    self._settle(ref, None)
                case Undelivered(ref=ref, reason=reason, maybe_delivered=maybe):
                    self._settle(ref, SendFailed(reason, maybe_delivered=maybe))
                case LinkUp():
                    went_up = True
                    self._up.set()
                    log.info("FIAS link up")
                    self._events.put_nowait(event)
                case LinkDown(reason=reason):
                    self._up.clear()
                    log.warning("FIAS link down", extra={"reason": reason})
                    self._events.put_nowait(event)
                case Malformed(reason=reason, raw=raw):
                    # The raw bytes may hold a guest's name: only at debug level.
                    log.warning("FIAS malformed input skipped",
                                extra={"reason": str(reason), "length": len(raw)})
                    log.debug("FIAS malformed bytes", extra={"raw": repr(raw)})
                    self._events.put_nowait(event)
                case RecordReceived():
                    self._events.put_nowait(event)
        return went_up

    def _settle(self, ref: Hashable, error: SendFailed | None) -> None:
        future = self._pending.pop(ref, None)
        if future is None or future.done():
            return
        if error is None:
            future.set_result(None)
        else:
            future.set_exception(error)

    def fail_pending(self) -> None:
        """Fail every send still waiting (the endpoint is shutting down)."""
        for ref in list(self._pending):
            self._settle(ref, SendFailed("FIAS link shut down", maybe_delivered=False))


__all__ = ["AppEvent", "LinkDriver", "LinkNotUp"]
