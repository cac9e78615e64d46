"""The PBX side of a FIAS link, sans I/O: bytes and `now` in, bytes and events out.

The connector is always the PBX interface (``IFPB``), whether it dialled the PMS or the PMS
dialled it. The transport calls, with `now` in seconds on a monotonic clock:

- `connection_made(now)` / `connection_lost(now)` around each TCP connection,
- `receive_data(data, now)` with whatever the socket read,
- `tick(now)` when `next_deadline()` passes,
- `send(record, ref=..., now=...)` for an application record (only while up),
- `close(now)` to end the link with LE;

and after each call writes `data_to_send()` and drains `next_event()`. When `state` becomes
CLOSED or FAILED it drops the connection.

Handshake (pms-facts §1.2, the sequence NethVoice's daemon runs and IFC8/Protel accept):

    PMS  LS                      link start: "describe yourself"
    us   LD DA TI V# IFPB        link description: we are a PBX interface
    us   LR (n)                   one per record type we use, with its fields
    us   LA                      end of our description
    PMS  LA                      -> up

Oracle's vendor waits up to 3 s for the IFC's LS, then starts itself (p. 99): after
`self_start_after` seconds without an LS we send LS, LD, the LRs and LA (some Protel IFCs
wait for the client). A PMS that skips its LA but starts sending application records is
taken as up: the records prove the link works, and dropping them would lose check-ins. LS
from the PMS while up means it restarted: the link goes down and the handshake runs again. LE
from the PMS is answered with LE and the connection is closed (the client dials again; a
PMS that dials us will dial again).

Alive check while up (`LinkConfig.alive`): Oracle's is LS from us at most every 5 minutes,
answered by LA, and IFC8 never answers LA with LA, so we must not either, or each side would
wait on the other. Protel-like IFCs poll with LA and expect LA back: with `answer_la` an LA
is answered only if we have sent none since the PMS's previous LA, so two sides following an
answer-LA rule cannot ping-pong. No byte at all for `dead_after` seconds and the link fails
(the transport reconnects); a quiet PMS has no such timer.

The link never sends DR by itself: `request_resync()` is the application's decision.

Every record in and out is logged at DEBUG on ``connector.pms.fias`` with its text (like
DV2000's "Enable debug"); only at DEBUG, because records carry guest names.

ACK mode: every good frame is answered with ACK, a damaged one with NAK; ENQ is answered with
ACK in either mode. We send one frame at a time and wait for its ACK; NAK or `ack_timeout`
resends it, up to `max_tries` sends. Exhausted by NAKs, the record is reported undelivered
and the link goes on; exhausted by silence, the record may have arrived (maybe_delivered) and
the link fails, because a PMS that stops ACKing is not listening.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime

from connector.pms.fias.codec import Control, Decoder, Malformed, Record, encode
from connector.pms.fias.config import AliveRecord, LinkConfig
from connector.pms.fias.errors import LinkNotUp
from connector.pms.fias.link_events import (
    Delivered,
    LinkDown,
    LinkEvent,
    LinkState,
    LinkUp,
    RecordReceived,
    Undelivered,
)

_CONNECTED = (LinkState.AWAITING_LS, LinkState.AWAITING_LA, LinkState.UP)
# Link-layer records: consumed here, never handed to the application.
_LINK_TYPES = frozenset({"LS", "LA", "LE", "LD", "LR", "LC"})

log = logging.getLogger("connector.pms.fias")


@dataclass(slots=True)
class _Outgoing:
    record: Record
    data: bytes
    ref: Hashable | None
    tries: int = 0
    timed_out: bool = False


class FiasLink:
    """One PBX-side FIAS link across any number of TCP connections."""

    def __init__(self, config: LinkConfig, *, local_time: Callable[[], datetime]) -> None:
        """`local_time` gives the hotel's wall-clock time for the DA/TI stamps of LS, LD,
        LA, LE and DR (the PMS reads them as hotel time)."""
        self.config = config
        self._local_time = local_time
        self.state = LinkState.DISCONNECTED
        self._decoder = Decoder(charset=config.charset, lrc=config.lrc)
        self._out = bytearray()
        self._events: deque[LinkEvent] = deque()
        self._link_queue: deque[_Outgoing] = deque()
        self._app_queue: deque[_Outgoing] = deque()
        self._in_flight: _Outgoing | None = None
        self._ack_deadline = 0.0
        self._next_send_at = 0.0
        self._connected_at = 0.0
        self._described_at = 0.0
        self._last_rx = 0.0
        self._last_alive = 0.0
        self._la_since_their_la = False

    # -- the transport's side -------------------------------------------------------------

    def connection_made(self, now: float) -> None:
        """A TCP connection to the PMS is open; wait for its LS (`self_start_after`)."""
        self._reset()
        self.state = LinkState.AWAITING_LS
        self._connected_at = self._last_rx = now

    def connection_lost(self, now: float) -> None:
        """The TCP connection is gone (EOF, error, or we closed it)."""
        self._leave("connection lost")
        self.state = LinkState.DISCONNECTED

    def receive_data(self, data: bytes, now: float) -> None:
        """Bytes read from the PMS, split or batched in any way."""
        if self.state not in _CONNECTED or not data:
            return
        self._last_rx = now
        self._decoder.receive_data(data)
        while self.state in _CONNECTED and (event := self._decoder.next_record()) is not None:
            self._handle(event, now)
        self._pump(now)

    def tick(self, now: float) -> None:
        """Run the timers: alive check, dead link, self-start, ACK timeout, pacing."""
        if self.state not in _CONNECTED:
            return
        cfg, alive = self.config, self.config.alive
        if alive.dead_after is not None and now - self._last_rx >= alive.dead_after:
            self._fail(f"no byte from the PMS for {alive.dead_after:g} s")
            return
        if (
            self.state is LinkState.AWAITING_LS
            and cfg.self_start_after is not None
            and now - self._connected_at >= cfg.self_start_after
        ):
            self._queue_link(self._stamped("LS"))
            self._describe_ourselves(now)
        if (answer_by := self._handshake_deadline()) is not None and now >= answer_by:
            self._fail("the PMS did not answer our link description (LD, LR, LA) within "
                       f"{cfg.handshake_timeout:g} s")
            return
        if (alive_at := self._alive_due()) is not None and now >= alive_at:
            self._queue_alive(now)
        if self._in_flight is not None and now >= self._ack_deadline:
            self._retry(now, timed_out=True)
        self._pump(now)

    def next_deadline(self) -> float | None:
        """When `tick()` next has something to do (None: only incoming bytes matter)."""
        if self.state not in _CONNECTED:
            return None
        cfg = self.config
        deadlines: list[float] = []
        if cfg.alive.dead_after is not None:
            deadlines.append(self._last_rx + cfg.alive.dead_after)
        if self.state is LinkState.AWAITING_LS and cfg.self_start_after is not None:
            deadlines.append(self._connected_at + cfg.self_start_after)
        if (alive_at := self._alive_due()) is not None:
            deadlines.append(alive_at)
        if (answer_by := self._handshake_deadline()) is not None:
            deadlines.append(answer_by)
        if self._in_flight is not None:
            deadlines.append(self._ack_deadline)
        elif self._link_queue or (self._app_queue and self.state is LinkState.UP):
            deadlines.append(self._next_send_at)
        return min(deadlines) if deadlines else None

    def data_to_send(self) -> bytes:
        """Bytes to write to the socket now (possibly empty)."""
        data = bytes(self._out)
        self._out.clear()
        return data

    def next_event(self) -> LinkEvent | None:
        """The next event for the application, or None."""
        return self._events.popleft() if self._events else None

    # -- the application's side -----------------------------------------------------------

    @property
    def is_up(self) -> bool:
        """True between `LinkUp` and `LinkDown`."""
        return self.state is LinkState.UP

    def send(self, record: Record, *, ref: Hashable, now: float) -> None:
        """Queue an application record; `Delivered(ref)` or `Undelivered(ref)` follows.
        Raises `LinkNotUp` when the link is not up, and `UnicodeEncodeError` when a value
        cannot be written in the link's charset: both before anything is queued."""
        if self.state is not LinkState.UP:
            raise LinkNotUp(f"FIAS link is {self.state.value}; {record.type} not sent")
        self._app_queue.append(_Outgoing(record, self._encode(record), ref))
        self._pump(now)

    def request_resync(self, now: float) -> None:
        """Ask the PMS for every in-house guest (DR); it answers DS, GI … , DE."""
        if self.state is not LinkState.UP:
            raise LinkNotUp(f"FIAS link is {self.state.value}; DR not sent")
        self._queue_link(self._stamped("DR"))
        self._pump(now)

    def close(self, now: float) -> None:
        """End the link: LE goes out at once (ahead of anything queued), the rest is
        reported undelivered, and the state becomes CLOSED."""
        if self.state not in _CONNECTED:
            return
        self._write_now(self._stamped("LE"))
        self._leave("link closed by the connector (LE)")
        self.state = LinkState.CLOSED

    # -- inside ---------------------------------------------------------------------------

    def _reset(self) -> None:
        self._decoder = Decoder(charset=self.config.charset, lrc=self.config.lrc)
        self._out.clear()
        self._link_queue.clear()
        self._app_queue.clear()
        self._in_flight = None
        self._next_send_at = 0.0
        self._la_since_their_la = False

    def _handle(self, event: Record | Malformed | Control, now: float) -> None:
        if isinstance(event, Control):
            self._on_control(event, now)
        elif isinstance(event, Malformed):
            if self.config.ack_mode and event.reason.is_frame:
                self._out += Control.NAK.to_bytes()
            self._events.append(event)
        else:
            if self.config.ack_mode:
                self._out += Control.ACK.to_bytes()
            if log.isEnabledFor(logging.DEBUG):
                log.debug("FIAS in:  %s", event)
            self._on_record(event, now)

    def _on_control(self, control: Control, now: float) -> None:
        if control is Control.ENQ:
            self._out += Control.ACK.to_bytes()
        elif self._in_flight is None:
            return  # a late or stray ACK/NAK: nothing is waiting for it
        elif control is Control.ACK:
            done, self._in_flight = self._in_flight, None
            if done.ref is not None:
                self._events.append(Delivered(done.ref))
        else:
            self._retry(now, timed_out=False)

    def _on_record(self, record: Record, now: float) -> None:
        match record.type:
            case "LS":
                self._leave("the PMS restarted the link (LS)")
                self._link_queue.clear()
                self._describe_ourselves(now)
            case "LA":
                if self.state is LinkState.AWAITING_LA:
                    self._la_since_their_la = False
                    self._go_up(now)
                elif self.state is LinkState.UP and self.config.alive.answer_la:
                    owed = not self._la_since_their_la
                    self._la_since_their_la = False
                    if owed:
                        self._queue_la(now)
            case "LE":
                # Answered at once, ahead of anything queued; the transport then drops the
                # connection (Oracle: each side waits up to 2 s for the other's LE, p. 102).
                self._write_now(self._stamped("LE"))
                self._leave("the PMS ended the link (LE)")
                self.state = LinkState.CLOSED
            case _ if record.type in _LINK_TYPES:
                return
            case _:
                if self.state is LinkState.AWAITING_LA:
                    self._go_up(now)
                self._events.append(RecordReceived(record))

    def _describe_ourselves(self, now: float) -> None:
        """LD, one LR per record type, LA: the PBX side of the handshake."""
        self._queue_link(self._stamped("LD", ("V#", self.config.version), ("IF", "PB")))
        for subscription in self.config.subscriptions:
            self._queue_link(subscription.to_record())
        self._queue_la(now)
        self.state = LinkState.AWAITING_LA
        self._described_at = now

    def _handshake_deadline(self) -> float | None:
        """When a PMS that has not answered our description is given up on (None: no wait)."""
        timeout = self.config.handshake_timeout
        if self.state is not LinkState.AWAITING_LA or timeout is None:
            return None
        return self._described_at + timeout

    def _go_up(self, now: float) -> None:
        self.state = LinkState.UP
        self._last_alive = now
        self._events.append(LinkUp())

    def _alive_due(self) -> float | None:
        """When the next alive check goes out (None: not up, or no alive record)."""
        if self.state is not LinkState.UP or self.config.alive.record is AliveRecord.NONE:
            return None
        return self._last_alive + self.config.alive.interval

    def _queue_alive(self, now: float) -> None:
        if self.config.alive.record is AliveRecord.LA:
            self._queue_la(now)
        else:
            self._last_alive = now
            self._queue_link(self._stamped("LS"))

    def _leave(self, reason: str) -> None:
        """Leave the up state (if in it): tell the application and settle every record it
        gave us, so its outbox knows what to keep."""
        if self.state is LinkState.UP:
            self._events.append(LinkDown(reason))
        in_flight, self._in_flight = self._in_flight, None
        if in_flight is not None and in_flight.ref is not None:
            self._events.append(Undelivered(in_flight.ref, reason, maybe_delivered=True))
        while self._app_queue:
            item = self._app_queue.popleft()
            self._events.append(Undelivered(item.ref, reason, maybe_delivered=False))

    def _fail(self, reason: str) -> None:
        self._leave(reason)
        self.state = LinkState.FAILED

    def _retry(self, now: float, *, timed_out: bool) -> None:
        item = self._in_flight
        assert item is not None
        item.timed_out |= timed_out
        if item.tries < self.config.max_tries:
            self._emit(item, now)
            return
        self._in_flight = None
        tries = f"{item.record.type} sent {item.tries} times"
        if item.timed_out:
            if item.ref is not None:
                self._events.append(
                    Undelivered(item.ref, f"{tries}, never acknowledged", maybe_delivered=True))
            self._fail(f"the PMS stopped acknowledging ({tries})")
        elif item.ref is not None:
            self._events.append(
                Undelivered(item.ref, f"{tries}, refused (NAK) each time", maybe_delivered=False))

    def _queue_link(self, record: Record) -> None:
        self._link_queue.append(_Outgoing(record, self._encode(record), None))

    def _queue_la(self, now: float) -> None:
        if self.config.alive.record is AliveRecord.LA:
            self._last_alive = now  # any LA we send tells the PMS we are alive
        self._la_since_their_la = True
        self._queue_link(self._stamped("LA"))

    def _pump(self, now: float) -> None:
        while self.state in _CONNECTED and self._in_flight is None and now >= self._next_send_at:
            if self._link_queue:
                item = self._link_queue.popleft()
            elif self._app_queue and self.state is LinkState.UP:
                item = self._app_queue.popleft()
            else:
                return
            self._emit(item, now)

    def _emit(self, item: _Outgoing, now: float) -> None:
        self._out += item.data
        if log.isEnabledFor(logging.DEBUG):
            log.debug("FIAS out: %s", item.record)
        item.tries += 1
        self._next_send_at = now + self.config.pacing
        if self.config.ack_mode:
            self._in_flight = item
            self._ack_deadline = now + self.config.ack_timeout
        elif item.ref is not None:
            self._events.append(Delivered(item.ref))

    def _write_now(self, record: Record) -> None:
        """Write a record ahead of the queues (LE: nothing after it would be read)."""
        self._out += self._encode(record)
        if log.isEnabledFor(logging.DEBUG):
            log.debug("FIAS out: %s", record)

    def _encode(self, record: Record) -> bytes:
        return encode(record, charset=self.config.charset, lrc=self.config.lrc)

    def _stamped(self, record_type: str, *fields: tuple[str, str]) -> Record:
        local = self._local_time()
        return Record(record_type, (
            ("DA", local.strftime("%y%m%d")), ("TI", local.strftime("%H%M%S")), *fields))
