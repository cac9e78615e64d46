"""A live call (the seam's `Call`): one dialog and its media stream."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence

from connector.sip.agent import ServerHandle, UserAgent
from connector.sip.api import CallEnded, Prompt
from connector.sip.dialog import Dialog
from connector.sip.errors import SipError
from connector.sip.media.dtmf import parse_info_body
from connector.sip.media.errors import DtmfParseError
from connector.sip.media_port import MediaSession
from connector.sip.message import Response
from connector.sip.requests import ALLOW, response_to

log = logging.getLogger("connector.sip.call")
BYE_WAIT_SECONDS = 4.0


class SipCall:
    def __init__(self, agent: UserAgent, dialog: Dialog, media: MediaSession, *,
                 line: str, local_sdp: str, contact_uri: str,
                 on_end: Callable[[SipCall], None]) -> None:
        self._agent = agent
        self._local_sdp = local_sdp
        self._contact_uri = contact_uri
        self.dialog = dialog
        self._media = media
        self.line = line
        self._on_end = on_end
        self._ended = False
        self._closing: asyncio.Task[None] | None = None

    @property
    def call_id(self) -> str:
        return self.dialog.call_id

    @property
    def ended(self) -> bool:
        return self._ended

    async def play(self, prompts: Sequence[Prompt], *, interrupt_on_digit: bool = False) -> None:
        self._check()
        await self._media.play(prompts, interrupt_on_digit=interrupt_on_digit)

    async def read_digit(self, timeout: float) -> str | None:  # noqa: ASYNC109 - the seam's name
        self._check()
        return await self._media.read_digit(timeout)

    def clear_digits(self) -> None:
        self._media.clear_digits()

    async def hangup(self) -> None:
        """Send BYE along the route set and close the media; harmless when ended."""
        if self._ended:
            return
        self._end()
        try:
            bye = self.dialog.request("BYE")
            bye.add("Reason", 'SIP;cause=200;text="Call completed"')
            response = await asyncio.wait_for(self._agent.request(bye), BYE_WAIT_SECONDS)
            log.debug("BYE answered", extra={"line": self.line, "status": response.status})
        except TimeoutError:
            log.info("BYE not answered; call ended on our side", extra={"line": self.line})
        except SipError as error:
            log.warning("BYE could not be sent; call ended on our side",
                        extra={"line": self.line, "error": str(error)})
        await self.closed()

    async def closed(self) -> None:
        """Wait until the media is closed."""
        if self._closing is not None:
            await asyncio.wait([self._closing])  # its failure is logged by _media_closed

    def received(self, handle: ServerHandle) -> None:
        """An in-dialog request from the far end."""
        request = handle.request
        if request.method == "BYE":
            handle.respond(response_to(request, 200))
            log.info("SIP call ended by the far end", extra={"line": self.line})
            self._end()
        elif request.method == "INFO":
            handle.respond(response_to(request, 200 if self._info_digit(handle) else 415))
        elif request.method == "OPTIONS":
            handle.respond(response_to(request, 200))
        elif request.method == "INVITE":
            handle.respond(self._refreshed(handle))
        else:
            handle.respond(response_to(request, 501))

    def _refreshed(self, handle: ServerHandle) -> Response:
        """A re-INVITE (a session-timer refresh, RFC 4028): keep the session as it is by
        answering with the description we already gave."""
        ok = response_to(handle.request, 200)
        ok.add("Contact", f"<{self._contact_uri}>")
        ok.add("Allow", ALLOW)
        ok.add("Content-Type", "application/sdp")
        ok.body = self._local_sdp.encode()
        return ok

    def _info_digit(self, handle: ServerHandle) -> bool:
        request = handle.request
        try:
            digit = parse_info_body(request.header("Content-Type") or "",
                                    request.body.decode("utf-8", "replace"))
        except DtmfParseError:
            return False
        self._media.push_digit(digit)
        return True

    def _check(self) -> None:
        if self._ended:
            raise CallEnded(f"call on line {self.line} has ended")

    def _end(self) -> None:
        if self._ended:
            return
        self._ended = True
        self._closing = asyncio.get_running_loop().create_task(self._media.close())
        self._closing.add_done_callback(self._media_closed)
        self._on_end(self)

    def _media_closed(self, task: asyncio.Task[None]) -> None:
        # Retrieved here, so a far-end BYE (nobody awaits the close) leaves nothing unread.
        if not task.cancelled() and task.exception() is not None:
            log.warning("media did not close cleanly", extra={
                "line": self.line, "error": repr(task.exception())})
