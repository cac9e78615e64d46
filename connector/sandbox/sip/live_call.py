"""An established call on an emulated room phone, whichever side placed it: the dialog,
the RTP stream (the connector's own `MediaStream`), key presses, and the hang-up."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime

from connector.sandbox.sip.calls import CallLog, PhoneCall
from connector.sandbox.sip.transactions import Address, ServerTx, Transactions
from connector.sip.api import CallEnded
from connector.sip.dialog import Dialog, next_hop
from connector.sip.media.stream import MediaStream
from connector.sip.message import Request
from connector.sip.requests import response_to

BYE_WAIT_SECONDS = 4.0
# The media layer sends one key press in about 140 ms; a human needs longer between keys.
KEY_GAP_SECONDS = 0.4


def destination_of(request: Request) -> Address:
    """Where a request goes: the top Route, else its Request-URI (§8.1.2)."""
    hop = next_hop(request)
    return hop.host, hop.port or 5060


class LiveCall:
    """The room's side of an answered call, until one side hangs up."""

    def __init__(self, layer: Transactions, dialog: Dialog, media: MediaStream,
                 record: PhoneCall, calls: CallLog, now: datetime) -> None:
        self._layer = layer
        self.dialog = dialog
        self._media = media
        self.record = record
        self._calls = calls
        self._ended = asyncio.Event()
        record.answered_at = now

    @property
    def ended(self) -> bool:
        return self._ended.is_set()

    def received(self, tx: ServerTx) -> None:
        """An in-dialog request from the connector."""
        request = tx.request
        if request.method == "BYE":
            tx.respond(response_to(request, 200))
            self._end("connector")
        elif request.method in ("INFO", "OPTIONS"):
            tx.respond(response_to(request, 200))
        else:
            tx.respond(response_to(request, 501))

    async def press(self, digits: str, *, first_after: float) -> None:
        """Key `digits` by RFC 4733, the first `first_after` seconds from now; stops when
        the call ends."""
        await self.wait_end(first_after)
        for digit in digits:
            if self.ended:
                return
            with contextlib.suppress(CallEnded):
                self._media.send_digit(digit)
                self.record.digits_sent.append(digit)
                self._calls.touch()
            await self.wait_end(KEY_GAP_SECONDS)

    async def wait_end(self, within: float) -> bool:
        """Wait up to `within` seconds for the call to end; whether it has."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(within):
                await self._ended.wait()
        return self.ended

    async def hang_up(self) -> None:
        """Send BYE (the room hangs up); harmless once the call has ended."""
        if self.ended:
            return
        self._end("room")
        bye = self.dialog.request("BYE")
        tx = self._layer.send_request(bye, destination_of(bye))
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(BYE_WAIT_SECONDS):
                await tx.final()

    async def close(self, now: datetime) -> None:
        """Free the media port and note how the call ended."""
        await self._media.close()
        self.record.audio_packets_received = self._media.stats.packets_received
        self.record.ended_at = now
        self._calls.touch()

    def _end(self, by: str) -> None:
        if not self.ended:
            self.record.ended_by = by
            self._ended.set()
