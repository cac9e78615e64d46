"""A FIAS PMS over a real socket: the other end of the connector's link, for tests and the
demo. It plays the PMS interface: it listens like an IFC (`serve`) or dials out to a
connector that listens (`dial`).

By default it behaves like Oracle's IFC8 (pms-facts §1.0):
- it speaks first: LS as soon as a client connects;
- it takes the client's LD and LRs, and answers the LA that ends them with LA (link up);
- while up it answers the client's LS (the alive check) with LA and never answers an LA;
- one client at a time, and the last one to connect wins: a new connection drops the old;
- records the test sends while no client is linked are kept and sent once a link is up again.

`PmsStyle.PROTEL` waits for the client's LS, answers every LA with LA and polls with LA
(`la_poll_interval`); `PmsStyle.QUIET` neither sends nor answers an alive record (it still
ends the handshake with LA). In every style it:
- sends only the record types and fields the connector subscribed to with LR;
- answers DR with DS, one GI per in-house reservation (flagged SF), DE;
- records everything received; answers PS with PA (AS configurable, or never);
- optional LRC and ACK/NAK; can NAK the first frames, drop the connection, end the link with
  LE (then closes it and keeps accepting new ones), or inject raw bytes (a malformed frame).
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import ssl
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from connector.pms.fias.codec import Control, Decoder, Malformed, Record, encode
from connector.sandbox.fias_pms.book import InHouse

_LINK_TYPES = frozenset({"LS", "LA", "LE", "LD", "LR"})


class PmsStyle(enum.Enum):
    """How the simulated interface starts the link and checks it."""

    IFC8 = "ifc8"  # Oracle: speaks first, LS from the client is answered with LA
    PROTEL = "protel"  # waits for the client's LS; LA both ways
    QUIET = "quiet"  # speaks first; no alive record either way


@dataclass(frozen=True)
class PmsConfig:
    """How the simulated PMS behaves."""

    style: PmsStyle = PmsStyle.IFC8
    charset: str = "utf-8"
    lrc: bool = False
    ack_mode: bool = False
    la_poll_interval: float = 60.0  # PROTEL: it polls with LA this often while up
    le_wait: float = 2.0  # after its LE, how long it waits for the client's (p. 102)
    posting_answer: str | None = "OK"  # AS for every PA; None: never answer a PS
    honour_subscriptions: bool = True
    nak_first: int = 0  # in ACK mode, NAK this many good frames first (as if corrupted)
    ack_timeout: float = 1.0
    max_tries: int = 3


@dataclass
class _Outgoing:
    data: bytes
    done: asyncio.Future[None]
    needs_ack: bool


@dataclass(eq=False)
class _Connection:
    """One client connection: its writer, its send queue and where its link stands."""

    writer: asyncio.StreamWriter
    outgoing: asyncio.Queue[_Outgoing] = field(default_factory=asyncio.Queue)
    answers: asyncio.Queue[Control] = field(default_factory=asyncio.Queue)
    up: bool = False
    le_sent: bool = False
    le_received: asyncio.Event = field(default_factory=asyncio.Event)
    polled: bool = False  # PROTEL: our LA poll is waiting for its answer


class FiasPms:
    """The simulated PMS. Use `serve()` or `dial()`, then script it."""

    def __init__(
        self, config: PmsConfig | None = None, *, local_time: Callable[[], datetime]
    ) -> None:
        self.config = config or PmsConfig()
        self._local_time = local_time
        self.in_house = InHouse()
        self.received: list[Record] = []
        self.received_at: list[float] = []  # event-loop time of each of `received`
        self.malformed: list[Malformed] = []
        self.filtered: list[Record] = []  # records not sent: the connector did not subscribe
        self.subscriptions: dict[str, frozenset[str]] = {}
        self.connections = 0
        self.acks_received = 0
        self.naks_received = 0
        self.link_up = asyncio.Event()
        self._changed = asyncio.Condition()
        self._current: _Connection | None = None
        self._backlog: list[Record] = []  # sent by the test while no link was up
        self._naks_left = self.config.nak_first
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._connected = asyncio.Event()

    # -- roles ----------------------------------------------------------------------------

    async def serve(
        self, host: str = "127.0.0.1", port: int = 0, *, tls: ssl.SSLContext | None = None
    ) -> int:
        """Listen like a PMS interface; returns the port. A new connection replaces the old."""
        self._server = await asyncio.start_server(self._accept, host, port, ssl=tls)
        bound: int = self._server.sockets[0].getsockname()[1]
        return bound

    async def dial(
        self, host: str, port: int, *, tls: ssl.SSLContext | None = None,
        server_hostname: str | None = None,
    ) -> None:
        """Connect out to a connector that listens, and run the link in the background."""
        reader, writer = await asyncio.open_connection(
            host, port, ssl=tls, server_hostname=server_hostname if tls else None)
        self._spawn(self._run(reader, writer))
        await self._connected.wait()

    async def close(self) -> None:
        """Stop listening and drop the connection."""
        if self._server is not None:
            self._server.close()
        self.drop()
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task

    # -- the test script's controls -------------------------------------------------------

    async def send(self, record: Record) -> None:
        """Send a record as the PMS (GI, GO, GC, RE, WR, WC, ...). Records the connector did
        not subscribe to are kept in `filtered` instead; fields it did not ask for are left
        out. Waits for the ACK in ACK mode. While no link is up the record is kept and sent
        when one is (an IFC keeps what it could not send)."""
        self.in_house.apply(record)
        conn = self._current
        if conn is None or not conn.up:
            self._backlog.append(record)
            return
        done = self._send_filtered(conn, record)
        if done is not None:
            await done

    def inject(self, raw: bytes) -> None:
        """Write raw bytes (a malformed frame, junk) straight onto the wire."""
        if self._current is not None:
            self._current.writer.write(raw)

    def drop(self) -> None:
        """Cut the TCP connection without LE (a network failure, a PMS crash)."""
        if self._current is not None:
            self._current.writer.transport.abort()
        self.link_up.clear()

    async def send_le(self) -> None:
        """End the link in an orderly way: LE, up to `le_wait` seconds for the client's LE,
        then the connection is closed. It keeps listening for the next one."""
        conn = self._current
        if conn is None:
            return
        self._link_down(conn)
        conn.le_sent = True
        with contextlib.suppress(ConnectionError, OSError):
            await self._queue(conn, self._stamped("LE"))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(conn.le_received.wait(), self.config.le_wait)
        conn.writer.close()

    async def wait_for(
        self,
        record_type: str,
        predicate: Callable[[Record], bool] = lambda _: True,
        within: float = 5.0,
    ) -> Record:
        """The first received record of this type matching `predicate`, waiting if needed."""

        def found() -> Record | None:
            return next((r for r in self.received
                         if r.type == record_type and predicate(r)), None)

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: found() is not None), within)
        record = found()
        assert record is not None
        return record

    def received_of(self, record_type: str) -> list[Record]:
        """Every record of this type received so far."""
        return [r for r in self.received if r.type == record_type]

    # -- the wire -------------------------------------------------------------------------

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.drop()  # the last client to connect wins (p. 98)
        await self._run(reader, writer)

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        conn = _Connection(writer)
        self._current = conn
        self.link_up.clear()
        helpers = [asyncio.ensure_future(self._sender(conn))]
        if self.config.style is PmsStyle.PROTEL:
            helpers.append(asyncio.ensure_future(self._poll(conn)))
        decoder = Decoder(charset=self.config.charset, lrc=self.config.lrc)
        self._connected.set()
        if self.config.style is not PmsStyle.PROTEL:
            self._queue(conn, self._stamped("LS"))
        try:
            while data := await reader.read(65536):
                decoder.receive_data(data)
                while (event := decoder.next_record()) is not None:
                    await self._handle(conn, event)
        except (ConnectionError, OSError):
            pass
        finally:
            for helper in helpers:
                helper.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await helper
            if self._current is conn:
                self._current = None
                self.link_up.clear()
            conn.up = False
            while not conn.outgoing.empty():  # never written: nobody waits on them forever
                item = conn.outgoing.get_nowait()
                if not item.done.done():
                    item.done.set_result(None)
            writer.close()

    async def _handle(self, conn: _Connection, event: Record | Malformed | Control) -> None:
        writer = conn.writer
        if isinstance(event, Control):
            if event is Control.ENQ:
                writer.write(Control.ACK.to_bytes())
            else:
                conn.answers.put_nowait(event)
            return
        if isinstance(event, Malformed):
            self.malformed.append(event)
            if self.config.ack_mode and event.reason.is_frame:
                writer.write(Control.NAK.to_bytes())
            return
        if self.config.ack_mode:
            if self._naks_left > 0:
                self._naks_left -= 1
                writer.write(Control.NAK.to_bytes())
                return
            writer.write(Control.ACK.to_bytes())
        async with self._changed:
            self.received.append(event)
            self.received_at.append(asyncio.get_running_loop().time())
            self._changed.notify_all()
        self._react(conn, event)

    def _react(self, conn: _Connection, record: Record) -> None:
        style = self.config.style
        match record.type:
            case "LS" if conn.up and style is PmsStyle.IFC8:
                self._queue(conn, self._stamped("LA"))  # the vendor's alive check
            case "LS" if conn.up and style is PmsStyle.QUIET:
                return
            case "LS":
                # The client (re)starts the link: it describes itself next (LD, LRs, LA).
                self._link_down(conn)
                self.subscriptions = {}
            case "LR":
                wanted = record.get("FL") or ""
                self.subscriptions[record.get("RI") or ""] = frozenset(
                    wanted[i:i + 2] for i in range(0, len(wanted), 2))
            case "LA" if not conn.up:
                self._queue(conn, self._stamped("LA"))  # the end of the handshake
                self._link_is_up(conn)
            case "LA" if style is PmsStyle.PROTEL:
                if conn.polled:
                    conn.polled = False  # the answer to our poll
                else:
                    self._queue(conn, self._stamped("LA"))
            case "LE":
                conn.le_received.set()
                self._link_down(conn)
                if not conn.le_sent:
                    conn.le_sent = True
                    self._queue(conn, self._stamped("LE"))
            case "DR" if conn.up:
                self._spawn(self._resync(conn))
            case "PS" if conn.up and self.config.posting_answer is not None:
                self._queue(conn, Record.of(
                    "PA", ("AS", self.config.posting_answer), *self._stamp(),
                    ("P#", record.get("P#") or ""), ("RN", record.get("RN") or "")))

    def _link_is_up(self, conn: _Connection) -> None:
        conn.up = True
        self.link_up.set()
        backlog, self._backlog = self._backlog, []
        for record in backlog:
            self._send_filtered(conn, record)

    def _link_down(self, conn: _Connection) -> None:
        conn.up = False
        if self._current is conn:
            self.link_up.clear()

    async def _poll(self, conn: _Connection) -> None:
        """PROTEL: poll the client with LA while the link is up."""
        while True:
            await asyncio.sleep(self.config.la_poll_interval)
            if conn.up:
                conn.polled = True
                self._queue(conn, self._stamped("LA"))

    async def _resync(self, conn: _Connection) -> None:
        """DS, the in-house list, DE; on this connection only (a new link asks again)."""
        for record in (self._stamped("DS"), *self.in_house.swap_records(),
                       self._stamped("DE")):
            if not conn.up:
                return
            done = self._send_filtered(conn, record)
            if done is not None:
                await done

    def _send_filtered(self, conn: _Connection, record: Record) -> asyncio.Future[None] | None:
        outgoing = self._filter(record)
        if outgoing is None:
            self.filtered.append(record)
            return None
        return self._queue(conn, outgoing)

    def _filter(self, record: Record) -> Record | None:
        if record.type in _LINK_TYPES or not self.config.honour_subscriptions:
            return record
        wanted = self.subscriptions.get(record.type)
        if wanted is None:
            return None
        return Record(record.type, tuple(f for f in record.fields if f[0] in wanted))

    def _queue(self, conn: _Connection, record: Record) -> asyncio.Future[None]:
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        data = encode(record, charset=self.config.charset, lrc=self.config.lrc)
        conn.outgoing.put_nowait(_Outgoing(data, done, self.config.ack_mode))
        return done

    async def _sender(self, conn: _Connection) -> None:
        """Writes queued frames one at a time; in ACK mode waits for each ACK, resending on
        NAK or timeout like an IFC would."""
        writer = conn.writer
        while True:
            item = await conn.outgoing.get()
            try:
                for _ in range(self.config.max_tries if item.needs_ack else 1):
                    writer.write(item.data)
                    await writer.drain()
                    if not item.needs_ack:
                        break
                    try:
                        answer = await asyncio.wait_for(conn.answers.get(),
                                                        self.config.ack_timeout)
                    except TimeoutError:
                        continue
                    if answer is Control.ACK:
                        self.acks_received += 1
                        break
                    self.naks_received += 1
            finally:
                if not item.done.done():
                    item.done.set_result(None)

    def _stamp(self) -> tuple[tuple[str, str], tuple[str, str]]:
        now = self._local_time()
        return ("DA", now.strftime("%y%m%d")), ("TI", now.strftime("%H%M%S"))

    def _stamped(self, record_type: str) -> Record:
        return Record(record_type, self._stamp())
