"""A FIAS PMS over a real socket: the other end of the connector's link, for tests and the
demo. It plays the PMS interface (Oracle IFC8 / Protel style): it listens like an IFC
(`serve`) or dials out to a connector that listens (`dial`).

What it does, as a PMS would:
- starts the link with LS (unless told to wait), records LD and the LRs, answers the
  connector's LA with LA; answers later LAs too (like Protel);
- sends only the record types and fields the connector subscribed to with LR;
- answers DR with DS, one GI per in-house reservation (flagged SF), DE;
- records everything received; answers PS with PA (AS configurable, or never);
- optional LRC and ACK/NAK; can NAK the first frames, drop the connection, send LE, or
  inject raw bytes (a malformed frame).
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from connector.pms.fias.codec import Control, Decoder, Malformed, Record, encode
from connector.sandbox.fias_pms.book import InHouse

_LINK_TYPES = frozenset({"LS", "LA", "LE", "LD", "LR"})


@dataclass(frozen=True)
class PmsConfig:
    """How the simulated PMS behaves."""

    charset: str = "utf-8"
    lrc: bool = False
    ack_mode: bool = False
    sends_ls_on_connect: bool = True
    answer_la: bool = True
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


class FiasPms:
    """The simulated PMS. Use `serve()` or `dial()`, then script it."""

    def __init__(
        self, config: PmsConfig | None = None, *, local_time: Callable[[], datetime]
    ) -> None:
        self.config = config or PmsConfig()
        self._local_time = local_time
        self.in_house = InHouse()
        self.received: list[Record] = []
        self.malformed: list[Malformed] = []
        self.filtered: list[Record] = []  # records not sent: the connector did not subscribe
        self.subscriptions: dict[str, frozenset[str]] = {}
        self.connections = 0
        self.acks_received = 0
        self.naks_received = 0
        self.link_up = asyncio.Event()
        self._changed = asyncio.Condition()
        self._writer: asyncio.StreamWriter | None = None
        self._outgoing: asyncio.Queue[_Outgoing] = asyncio.Queue()
        self._answer: asyncio.Queue[Control] = asyncio.Queue()
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
        out. Waits for the ACK in ACK mode."""
        self.in_house.apply(record)
        outgoing = self._filter(record)
        if outgoing is None:
            self.filtered.append(record)
            return
        await self._send_record(outgoing)

    def inject(self, raw: bytes) -> None:
        """Write raw bytes (a malformed frame, junk) straight onto the wire."""
        if self._writer is not None:
            self._writer.write(raw)

    def drop(self) -> None:
        """Cut the TCP connection without LE (a network failure, a PMS crash)."""
        if self._writer is not None:
            self._writer.transport.abort()
        self.link_up.clear()

    async def send_le(self) -> None:
        """End the link in an orderly way (LE); the connection stays open."""
        self.link_up.clear()
        await self._send_record(self._stamped("LE"))

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
        self.drop()
        await self._run(reader, writer)

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self._writer = writer
        self.link_up.clear()
        self._outgoing = asyncio.Queue()
        self._answer = asyncio.Queue()
        sender = asyncio.ensure_future(self._sender(writer))
        decoder = Decoder(charset=self.config.charset, lrc=self.config.lrc)
        self._connected.set()
        if self.config.sends_ls_on_connect:
            self._queue(self._stamped("LS"))
        try:
            while data := await reader.read(65536):
                decoder.receive_data(data)
                while (event := decoder.next_record()) is not None:
                    await self._handle(event, writer)
        except (ConnectionError, OSError):
            pass
        finally:
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sender
            if self._writer is writer:
                self._writer = None
                self.link_up.clear()
            writer.close()

    async def _handle(
        self, event: Record | Malformed | Control, writer: asyncio.StreamWriter
    ) -> None:
        if isinstance(event, Control):
            if event is Control.ENQ:
                writer.write(Control.ACK.to_bytes())
            else:
                self._answer.put_nowait(event)
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
            self._changed.notify_all()
        self._react(event)

    def _react(self, record: Record) -> None:
        match record.type:
            case "LS":
                self.link_up.clear()
                self.subscriptions = {}
                self._queue(self._stamped("LS"))
            case "LR":
                wanted = record.get("FL") or ""
                self.subscriptions[record.get("RI") or ""] = frozenset(
                    wanted[i:i + 2] for i in range(0, len(wanted), 2))
            case "LA":
                if not self.link_up.is_set():
                    self.link_up.set()
                    self._queue(self._stamped("LA"))
                elif self.config.answer_la:
                    self._queue(self._stamped("LA"))
            case "LE":
                self.link_up.clear()
            case "DR":
                self._spawn(self._resync())
            case "PS":
                if self.config.posting_answer is not None:
                    self._queue(Record.of(
                        "PA", ("AS", self.config.posting_answer), *self._stamp(),
                        ("P#", record.get("P#") or ""), ("RN", record.get("RN") or "")))

    async def _resync(self) -> None:
        await self.send(self._stamped("DS"))
        for gi in self.in_house.swap_records():
            outgoing = self._filter(gi)
            if outgoing is not None:
                await self._send_record(outgoing)
        await self.send(self._stamped("DE"))

    def _filter(self, record: Record) -> Record | None:
        if record.type in _LINK_TYPES or not self.config.honour_subscriptions:
            return record
        wanted = self.subscriptions.get(record.type)
        if wanted is None:
            return None
        return Record(record.type, tuple(f for f in record.fields if f[0] in wanted))

    def _queue(self, record: Record) -> asyncio.Future[None]:
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        data = encode(record, charset=self.config.charset, lrc=self.config.lrc)
        self._outgoing.put_nowait(_Outgoing(data, done, self.config.ack_mode))
        return done

    async def _send_record(self, record: Record) -> None:
        await self._queue(record)

    async def _sender(self, writer: asyncio.StreamWriter) -> None:
        """Writes queued frames one at a time; in ACK mode waits for each ACK, resending on
        NAK or timeout like an IFC would."""
        while True:
            item = await self._outgoing.get()
            for _ in range(self.config.max_tries if item.needs_ack else 1):
                writer.write(item.data)
                await writer.drain()
                if not item.needs_ack:
                    break
                try:
                    answer = await asyncio.wait_for(self._answer.get(), self.config.ack_timeout)
                except TimeoutError:
                    continue
                if answer is Control.ACK:
                    self.acks_received += 1
                    break
                self.naks_received += 1
            if not item.done.done():
                item.done.set_result(None)

    def _stamp(self) -> tuple[tuple[str, str], tuple[str, str]]:
        now = self._local_time()
        return ("DA", now.strftime("%y%m%d")), ("TI", now.strftime("%H%M%S"))

    def _stamped(self, record_type: str) -> Record:
        return Record(record_type, self._stamp())
