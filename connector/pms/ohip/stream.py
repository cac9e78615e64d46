"""OHIP's streaming API as an event source: one WebSocket, one subscription, the offset
stored with every event it covers.

Each event (or each run of events already waiting on the socket) is handed to the sink with
its offset, in one commit, before the next message is read: a crash loses nothing, as the
next subscription replays from the stored offset (OHIP's replay is inclusive: the stored
event comes once more and the sink skips its key). What OHIP asks of a consumer
(docs/pms-ohip.md): one consumer per app key and chain (a second gets close code 4409: we
say so and wait, minutes at a time, never taking the stream back); reconnect within 24
hours; at least 10 s between `complete` and the next `subscribe`; stream management within
12 requests a minute.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus
from websockets.typing import Subprotocol

from connector.clock import Clock
from connector.pms.cloud.contract import (
    Notice,
    NoticeSink,
    PmsRefused,
    PmsUnavailable,
    SourceStatus,
)
from connector.pms.cloud.limiter import SlidingWindowLimiter
from connector.pms.ohip import stream_protocol as wire
from connector.pms.ohip.notices import MalformedEvent, event_time, stream_notice, stream_offset
from connector.settings.cloud_pms import OhipSettings
from connector.store import StoreError

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class StreamTiming:
    """OHIP's rules and our back-off, in seconds; tests shorten them."""

    renew_after: float = 23 * 3600  # OHIP: reconnect at least every 24 hours
    resubscribe_gap: float = 10.0  # OHIP: ≥ 10 s between complete and the next subscribe
    retry_first: float = 1.0
    retry_max: float = 120.0
    conflict_first: float = 120.0  # after a 4409: minutes, growing
    conflict_max: float = 1800.0
    busy_wait: float = 120.0  # OHIP answers 429 to more than 150 upgrades in 2 minutes
    handshake_timeout: float = 15.0
    close_timeout: float = 5.0
    management_per_minute: int = 12  # OHIP: stream management requests
    batch_max: int = 50  # events already waiting, stored in one commit


class _AnotherConsumer(Exception):
    pass


class _OffsetLost(Exception):
    pass


class _Renew(Exception):
    pass


_DROPS = (OSError, ConnectionClosed, InvalidHandshake, wire.ProtocolError, MalformedEvent,
          TimeoutError, StoreError, PmsUnavailable, PmsRefused)

# What a close code means, in words a hotel's IT person can act on (OHIP user guide,
# "Errors"; graphql-transport-ws).
_CLOSES = {
    1001: "OHIP is under maintenance",
    4400: "OHIP refused the subscription as invalid",
    4401: "OHIP refused the subscription before the connection was acknowledged",
    4403: "OHIP refused the token or the application key: check CONNECTOR_OHIP__CLIENT_ID, "
          "CLIENT_SECRET and APP_KEY, and that the environment's owner approved the app's "
          "event subscription",
    4408: "OHIP timed out the connection's initialisation",
    4429: "OHIP saw too many connection attempts",
}


class OhipStream:
    """`EventSource` over OHIP's streaming API (graphql-transport-ws, `websockets`)."""

    def __init__(self, settings: OhipSettings, token: Callable[[], Awaitable[str]], *,
                 clock: Clock, timing: StreamTiming | None = None,
                 rng: random.Random | None = None) -> None:
        """`token`: a valid OAuth access token (the REST client's, reused for its hour)."""
        self._settings = settings
        self._token = token
        self._clock = clock
        self._timing = timing or StreamTiming()
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not security
        self._limiter = SlidingWindowLimiter(self._timing.management_per_minute, 60.0,
                                             margin=1.0, clock=clock)
        self._connected = False
        self._since: datetime | None = None
        self._offset: str | None = None
        self._last_notice_at: datetime | None = None
        self._last_event_at: datetime | None = None
        self._detail = "stream not started"
        self._from_newest = False  # the stored offset expired: start from OHIP's newest
        # After a 4409 an accepted handshake proves nothing (OHIP refuses at subscribe):
        # the stream counts as ours again only once an event arrives.
        self._conflicted = False
        self._said = ""  # the last reason logged for a drop

    # -- the loop ---------------------------------------------------------------------

    async def run(self, sink: NoticeSink, stop: asyncio.Event) -> None:
        """Stream into `sink` until `stop` is set, reconnecting by itself."""
        failures = conflicts = 0
        while not stop.is_set():
            delay = 0.0
            try:
                await self._session(sink, stop)
                failures = conflicts = 0
            except _Renew:
                failures = conflicts = 0
                delay = self._timing.resubscribe_gap
                self._detail = "stream renewed (OHIP asks for a reconnect within 24 hours)"
            except _AnotherConsumer:
                conflicts += 1
                self._conflicted = True
                delay = self._backoff(conflicts, self._timing.conflict_first,
                                      self._timing.conflict_max)
                if conflicts == 1:
                    log.error("another system is consuming this OHIP stream with our app key "
                              "(chain %s): OHIP allows one consumer per app key and chain, so "
                              "the connector waits and tries again, never taking it back; stop "
                              "the other consumer or give the connector its own app key",
                              self._settings.chain_code)
                self._detail = (f"another system is consuming this OHIP stream with our app "
                                f"key; trying again in {delay / 60:.0f} min")
            except _OffsetLost:
                self._from_newest = True
                sink.gap("OHIP no longer holds the stream's stored offset: events may have "
                         "been missed")
                delay = self._timing.retry_first
                self._detail = "stored offset expired at OHIP: resuming from the newest event"
            except InvalidStatus as exc:
                failures += 1
                status = exc.response.status_code
                delay = self._backoff(failures, self._timing.retry_first, self._timing.retry_max)
                reason = f"OHIP refused the connection (HTTP {status})"
                if status == 429:
                    delay = max(delay, self._timing.busy_wait)
                elif status == 400:
                    reason += (": check the gateway's address, the app key, and that the "
                               "environment is streaming-enabled and the subscription approved")
                self._down(reason, delay)
            except _DROPS as exc:
                failures += 1
                delay = self._backoff(failures, self._timing.retry_first, self._timing.retry_max)
                self._down(drop_reason(exc), delay)
            finally:
                self._connected = False
            await self._pause(delay, stop)
        self._detail = "stream stopped"

    async def _session(self, sink: NoticeSink, stop: asyncio.Event) -> None:
        url = f"{self._settings.subscriptions_url()}?key={wire.hashed_key(self._app_key())}"
        token = await self._token()
        await self._limiter.acquire()
        async with connect(url, subprotocols=[Subprotocol(wire.SUBPROTOCOL)],
                           open_timeout=self._timing.handshake_timeout,
                           close_timeout=self._timing.close_timeout) as ws:
            try:
                await self._open(ws, token)
                await self._limiter.acquire()
                await ws.send(wire.subscribe(self._document(sink.offset())))
                await self._consume(ws, sink, stop)
            except ConnectionClosed as exc:
                if exc.rcvd is not None and exc.rcvd.code == wire.CLOSE_ANOTHER_CONSUMER:
                    raise _AnotherConsumer from exc
                raise

    async def _open(self, ws: ClientConnection, token: str) -> None:
        await ws.send(wire.connection_init(token, self._app_key()))
        async with asyncio.timeout(self._timing.handshake_timeout):
            while (message := wire.parse(await ws.recv())).type != "connection_ack":
                if message.type == "ping":
                    await ws.send(wire.pong())
        self._connected = not self._conflicted
        self._since = self._clock.now()

    async def _consume(self, ws: ClientConnection, sink: NoticeSink,
                       stop: asyncio.Event) -> None:
        receiver = _Receiver(ws)
        deadline = self._clock.monotonic() + self._timing.renew_after
        self._detail_up()
        try:
            while True:
                raw = await receiver.next(stop, deadline - self._clock.monotonic())
                if raw is not None:
                    held = await self._handle(ws, receiver, wire.parse(raw), sink)
                    if held is not None:
                        await self._handle(ws, receiver, held, sink)
                if stop.is_set():
                    return
                if self._clock.monotonic() >= deadline:
                    await self._complete(ws, receiver)
                    raise _Renew
        finally:
            receiver.cancel()

    async def _handle(self, ws: ClientConnection, receiver: _Receiver,
                      message: wire.ServerMessage, sink: NoticeSink) -> wire.ServerMessage | None:
        """Act on one message; a run of events is stored in one commit. Returns a message
        read while gathering the run that is not an event (to be handled next)."""
        if message.type == "next":
            batch, held = [wire.event_of(message)], None
            while len(batch) < self._timing.batch_max and (raw := await receiver.ready()):
                following = wire.parse(raw)
                if following.type != "next":
                    held = following
                    break
                batch.append(wire.event_of(following))
            self._deliver(sink, batch)
            return held
        if message.type == "ping":
            await ws.send(wire.pong())
        elif message.type == "error":
            if wire.offset_lost(message):
                raise _OffsetLost
            raise wire.ProtocolError(f"OHIP ended the subscription: {wire.error_text(message)}")
        elif message.type == "complete":
            raise wire.ProtocolError("OHIP completed the subscription")
        return None

    def _deliver(self, sink: NoticeSink, events: Sequence[dict[str, Any]]) -> None:
        now = self._clock.now()
        offset = stream_offset(events[-1])  # unreadable: a protocol error, reconnect
        notices: list[Notice] = []
        for event in events:
            try:
                notices.append(stream_notice(event, now))
            except MalformedEvent as exc:
                # Replaying it would bring it back unchanged: step over it, say so, resync.
                log.error("OHIP streamed an event the connector cannot read (%s) at offset %s",
                          exc, stream_offset(event))
                sink.gap(f"an OHIP event could not be read ({exc})")
        sink.accept(notices, offset=offset)  # raises StoreError: nothing kept, offset not moved
        self._offset, self._from_newest = offset, False
        self._connected, self._conflicted, self._said = True, False, ""
        self._last_notice_at = now
        self._last_event_at = event_time(events[-1].get("timestamp"))
        self._detail_up()

    async def _complete(self, ws: ClientConnection, receiver: _Receiver) -> None:
        """End the subscription as OHIP asks: `complete`, then let the server close."""
        await self._limiter.acquire()
        await ws.send(wire.complete())
        never = asyncio.Event()
        with contextlib.suppress(TimeoutError, ConnectionClosed):
            async with asyncio.timeout(self._timing.close_timeout):
                while True:  # events after complete are not stored: replayed next time
                    await receiver.next(never, self._timing.close_timeout)

    # -- helpers ----------------------------------------------------------------------

    def _document(self, stored: str | None) -> str:
        settings = self._settings
        if self._from_newest or stored is None:
            # Nothing stored yet: the start's resync gave the state, events follow it.
            return wire.new_event_document(settings.chain_code, hotel_code=settings.hotel_id,
                                           highest=True)
        return wire.new_event_document(settings.chain_code, hotel_code=settings.hotel_id,
                                       offset=stored)

    def _app_key(self) -> str:
        key = self._settings.app_key
        return key.get_secret_value() if key is not None else ""

    def _backoff(self, attempt: int, first: float, ceiling: float) -> float:
        base = min(ceiling, first * 2.0 ** (attempt - 1))
        return base * self._rng.uniform(0.75, 1.0)  # jitter: never in step with others

    async def _pause(self, seconds: float, stop: asyncio.Event) -> None:
        if seconds <= 0 or stop.is_set():
            return
        sleeper = asyncio.ensure_future(self._clock.sleep(seconds))
        stopper = asyncio.ensure_future(stop.wait())
        await asyncio.wait({sleeper, stopper}, return_when=asyncio.FIRST_COMPLETED)
        for task in (sleeper, stopper):
            task.cancel()

    def _down(self, reason: str, delay: float) -> None:
        # Said once per cause; a long outage would otherwise fill the log.
        level = logging.DEBUG if reason == self._said else logging.WARNING
        log.log(level, "OHIP stream down: %s; reconnecting in %.0f s", reason, delay)
        self._said = reason
        self._detail = f"stream down: {reason}; reconnecting in {delay:.0f} s"

    def _detail_up(self) -> None:
        if self._conflicted:
            return
        since = f"{self._since:%H:%M} UTC" if self._since else "now"
        self._detail = f"stream up since {since}, offset {self._offset or 'none yet'}"

    def status(self) -> SourceStatus:
        """Connected, since when, the offset, the last event and how far behind OHIP."""
        lag = None
        if self._last_event_at is not None:
            lag = max(0.0, (self._clock.now() - self._last_event_at).total_seconds())
        return SourceStatus(connected=self._connected, detail=self._detail,
                            last_notice_at=self._last_notice_at, lag_seconds=lag)


class _Receiver:
    """Reads the socket one message ahead, so a run of waiting events is seen as one."""

    def __init__(self, ws: ClientConnection) -> None:
        self._ws = ws
        self._task: asyncio.Task[str | bytes] | None = None

    def _reading(self) -> asyncio.Task[str | bytes]:
        if self._task is None:
            self._task = asyncio.ensure_future(self._ws.recv())
        return self._task

    def _take(self) -> str | bytes:
        task, self._task = self._reading(), None
        return task.result()

    async def next(self, stop: asyncio.Event, within: float) -> str | bytes | None:
        """The next message; None when `stop` was set or `within` seconds passed first."""
        reading = self._reading()
        stopper = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({reading, stopper}, timeout=max(0.0, within),
                               return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopper.cancel()
        return self._take() if reading.done() else None

    async def ready(self) -> str | bytes | None:
        """A message already waiting on the socket, else None (without waiting for one).
        A closed socket is left for `next` to say, after the events before it are stored."""
        reading = self._reading()
        await asyncio.wait({reading}, timeout=0.001)
        if reading.done() and reading.exception() is None:
            return self._take()
        return None

    def cancel(self) -> None:
        if self._task is not None:
            if self._task.done() and not self._task.cancelled():
                self._task.exception()  # read: the session already ended for its own reason
            self._task.cancel()


def drop_reason(exc: BaseException) -> str:
    if isinstance(exc, ConnectionClosed):
        code = exc.rcvd.code if exc.rcvd is not None else None
        if code in _CLOSES:
            return f"{_CLOSES[code]} (close code {code})"
        return f"the connection closed (code {code})" if code else "the connection dropped"
    if isinstance(exc, StoreError):
        return "the store failed: the event will be replayed from the stored offset"
    if isinstance(exc, PmsUnavailable | PmsRefused):
        return f"no OHIP token ({exc})"
    return str(exc) or type(exc).__name__
