"""Placing a call from one line: INVITE (through 401/407), ringing, CANCEL at the ring
timeout, and the outcome as a DialResult. Outcomes are returned, never raised."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from connector.clock import Clock
from connector.sip import ids
from connector.sip.agent import ClientHandle
from connector.sip.api import DialResult, DialStatus
from connector.sip.call import SipCall
from connector.sip.dialog import Dialog
from connector.sip.errors import SipError
from connector.sip.line import Line
from connector.sip.media.errors import SdpError
from connector.sip.media_port import MediaSession
from connector.sip.message import Request, Response
from connector.sip.requests import ALLOW

log = logging.getLogger("connector.sip.outbound")
BUSY = frozenset({486, 600})
NO_ANSWER = frozenset({408, 480})
CANCEL_GRACE_SECONDS = 32.0  # Timer B's span: how long a 487 may take after our CANCEL


def status_for(code: int, *, cancelled: bool) -> DialStatus:
    """The dial outcome a final non-2xx response means."""
    if code in BUSY:
        return DialStatus.BUSY
    if code in NO_ANSWER or (cancelled and code == 487):
        return DialStatus.NO_ANSWER
    return DialStatus.FAILED


def invite_request(line: Line, target: str, sdp: str) -> Request:
    """The initial INVITE from `line` to `target` at the line's domain."""
    uri = f"sip:{target}@{line.domain}"
    request = Request(method="INVITE", uri=uri, body=sdp.encode())
    request.add("Max-Forwards", "70")
    request.add("From", f"<sip:{line.user}@{line.domain}>;tag={ids.new_tag()}")
    request.add("To", f"<{uri}>")
    request.add("Call-ID", ids.new_call_id(line.domain))
    request.add("CSeq", "1 INVITE")
    request.add("Contact", f"<{line.contact_uri}>")
    request.add("User-Agent", line.agent.config.user_agent)
    request.add("Allow", ALLOW)
    request.add("Content-Type", "application/sdp")
    return request


class OutboundCall:
    """One dial attempt; `run` gives the result."""

    def __init__(self, line: Line, target: str, media: MediaSession, *, clock: Clock,
                 on_end: Callable[[SipCall], None]) -> None:
        self._line = line
        self._clock = clock
        self._agent = line.agent
        self._target = target
        self._media = media
        self._on_end = on_end
        self._cancelled = False
        self._provisional = False
        self._cancel_sent = False

    async def run(self, ring_timeout: float) -> DialResult:
        invite = invite_request(self._line, self._target, self._media.offer())
        handle = self._agent.start_request(invite)
        timer = asyncio.create_task(self._clock.sleep(ring_timeout))
        authenticated = False
        try:
            while True:
                response = await self._next_response(handle, timer)
                if response is None:
                    if self._cancelled:
                        return DialResult(DialStatus.NO_ANSWER, reason="no answer to CANCEL")
                    self._cancel(handle)
                    timer = asyncio.create_task(self._clock.sleep(CANCEL_GRACE_SECONDS))
                    continue
                if response.status < 200:
                    self._provisional = True
                    if self._cancelled:
                        self._cancel(handle)
                    continue
                if response.status < 300:
                    return await self._answered(handle, response)
                if response.status in (401, 407) and not authenticated and not self._cancelled:
                    try:
                        invite = self._line.credentials(invite, response)
                    except SipError as error:
                        return DialResult(DialStatus.FAILED, sip_code=response.status,
                                          reason=f"authentication: {error}")
                    authenticated = True
                    handle = self._agent.start_request(invite)
                    continue
                return DialResult(status_for(response.status, cancelled=self._cancelled),
                                  sip_code=response.status, reason=response.reason)
        finally:
            timer.cancel()

    @staticmethod
    async def _next_response(handle: ClientHandle, timer: asyncio.Task[None]) -> Response | None:
        """The next response, or None when `timer` ran out first."""
        if not handle.responses.empty():
            return handle.responses.get_nowait()
        getter = asyncio.create_task(handle.responses.get())
        await asyncio.wait({getter, timer}, return_when=asyncio.FIRST_COMPLETED)
        if getter.done():
            return getter.result()
        getter.cancel()
        return None

    def _cancel(self, handle: ClientHandle) -> None:
        """Ring timeout: CANCEL once a provisional came (§9.1); before that, remember to."""
        self._cancelled = True
        if self._provisional and not self._cancel_sent:
            self._agent.cancel(handle)
            self._cancel_sent = True

    async def _answered(self, handle: ClientHandle, response: Response) -> DialResult:
        try:
            dialog = Dialog.as_caller(handle.request, response)
        except SipError as error:
            await self._end_unusable(handle, response)
            return DialResult(DialStatus.FAILED, sip_code=response.status,
                              reason=f"unusable 2xx: {error}")
        dialog.user_agent = self._agent.config.user_agent
        handle.ack_for_2xx = self._agent.send_ack(dialog.ack(handle.request.cseq[0]))
        call = SipCall(self._agent, dialog, self._media, line=self._line.user,
                       local_sdp=handle.request.body.decode(), contact_uri=self._line.contact_uri,
                       on_end=self._on_end)
        if self._cancelled:
            # The 200 crossed our CANCEL: the room answered too late; end it cleanly.
            await call.hangup()
            return DialResult(DialStatus.NO_ANSWER, sip_code=response.status,
                              reason="answered after the ring timeout")
        try:
            self._media.accept_answer(response.body.decode("utf-8", "replace"))
        except SdpError as error:
            await call.hangup()
            return DialResult(DialStatus.FAILED, sip_code=488, reason=f"SDP: {error.reason}")
        self._media.start()
        return DialResult(DialStatus.ANSWERED, call=call, sip_code=response.status)


    async def _end_unusable(self, handle: ClientHandle, response: Response) -> None:
        """The room answered but its 2xx is unusable: ACK and BYE it anyway, routed as our
        INVITE was, so the room phone is not left off-hook in a call nobody hears."""
        try:
            dialog = Dialog.from_unusable_2xx(handle.request, response)
        except SipError as error:
            log.warning("unusable 2xx with no To tag; cannot hang up", extra={
                "line": self._line.user, "error": str(error)})
            return
        dialog.user_agent = self._agent.config.user_agent
        handle.ack_for_2xx = self._agent.send_ack(dialog.ack(handle.request.cseq[0]))
        await SipCall(self._agent, dialog, self._media, line=self._line.user, local_sdp="",
                      contact_uri=self._line.contact_uri, on_end=self._on_end).hangup()


async def close_quietly(media: MediaSession) -> None:
    """Close media we will not use."""
    with contextlib.suppress(SipError):
        await media.close()
