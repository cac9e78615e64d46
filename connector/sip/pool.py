"""The pool of SIP lines: the seam's `Phone`. Dials on a free registered line (callers wait
in order when every line is busy), answers calls to our lines for the inbound handler, and
runs the lines' lifecycle."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence

from prometheus_client import CollectorRegistry

from connector.clock import Clock, SystemClock
from connector.settings.phone import SipAccount, SipSettings
from connector.sip.address import parse_name_addr
from connector.sip.agent import ServerHandle, UserAgent
from connector.sip.api import DialResult, DialStatus, InboundHandler
from connector.sip.call import SipCall
from connector.sip.config import ProxyAddress, UaConfig
from connector.sip.errors import ParseError, SipError
from connector.sip.inbound import answer, caller_id
from connector.sip.line import Line
from connector.sip.media.clock import MediaClock
from connector.sip.media.stream import MediaStream
from connector.sip.media_port import MediaFactory, MediaSession
from connector.sip.message import Request, Response
from connector.sip.metrics import SipMetrics
from connector.sip.outbound import OutboundCall, close_quietly
from connector.sip.requests import ALLOW, response_to
from connector.sip.turns import Turns

log = logging.getLogger("connector.sip.pool")
HANGUP_ON_STOP_SECONDS = 5.0


class LinePool:
    """Implements `connector.sip.api.Phone`.

    One call per line at a time for outbound dials: the pool size bounds concurrency, as
    each Zoom line is licensed for its own calls. Inbound calls take no outbound slot: Zoom
    delivers them to a line whether or not it is dialling, and refusing them would hang up
    on a guest."""

    def __init__(self, config: UaConfig, accounts: Sequence[SipAccount], *,
                 metrics: SipMetrics, inbound: InboundHandler | None = None,
                 media: MediaFactory | None = None, clock: Clock | None = None) -> None:
        self.config = config
        self._metrics = metrics
        self._inbound = inbound
        self._clock = clock or SystemClock()
        self._media_clock = MediaClock()
        self._media = media or self._open_media
        self._readiness = asyncio.Event()
        self._agents: dict[tuple[ProxyAddress, ...], UserAgent] = {}
        self.lines: list[Line] = []
        for account in accounts:
            proxies = config.proxies_for(account)
            agent = self._agents.get(proxies)
            if agent is None:
                agent = self._agents[proxies] = UserAgent(config, proxies, metrics)
                agent.serve(self._requested)
            self.lines.append(Line(account, agent, expires=config.register_expires,
                                   metrics=metrics, clock=self._clock,
                                   on_change=self._lines_changed))
        self._turns: Turns[Line] = Turns(self.lines, usable=lambda line: line.registered)
        self._busy: dict[str, Line] = {}
        self._calls: dict[str, SipCall] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._line_tasks: list[asyncio.Task[None]] = []

    @classmethod
    def from_settings(cls, settings: SipSettings, accounts: Sequence[SipAccount], *,
                      registry: CollectorRegistry | None = None,
                      inbound: InboundHandler | None = None,
                      clock: Clock | None = None) -> LinePool:
        """The pool for `accounts` (the settings' lines plus any read from Zoom devices)."""
        return cls(UaConfig.from_settings(settings), accounts,
                   metrics=SipMetrics(registry), inbound=inbound, clock=clock)

    def _lines_changed(self) -> None:
        self._readiness.set()
        self._turns.recheck()

    @property
    def lines_total(self) -> int:
        return len(self.lines)

    @property
    def lines_ready(self) -> int:
        return sum(1 for line in self.lines if line.registered)

    async def start(self) -> None:
        """Open the connections and register the lines, `stagger_seconds` apart."""
        for agent in self._agents.values():
            await agent.start()
        for index, line in enumerate(self.lines):
            self._line_tasks.append(asyncio.create_task(
                line.run(index * self.config.stagger_seconds), name=f"sip-line-{line.user}"))

    async def wait_ready(self, count: int, *, within: float) -> bool:
        """Wait up to `within` seconds until `count` lines are registered (start-up checks
        and tests)."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(within):
                while self.lines_ready < count:
                    self._readiness.clear()
                    await self._readiness.wait()
        return self.lines_ready >= count

    async def stop(self) -> None:
        """Hang up every call, unregister the lines, close the connections."""
        for task in self._line_tasks:
            task.cancel()
        calls = list(self._calls.values())
        if calls:
            await asyncio.wait([asyncio.create_task(call.hangup()) for call in calls],
                               timeout=HANGUP_ON_STOP_SECONDS)
        await asyncio.gather(*(line.unregister() for line in self.lines))
        for task in [*self._line_tasks, *self._tasks]:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for agent in self._agents.values():
            await agent.close()

    async def dial(self, target: str, *, ring_timeout: float) -> DialResult:
        """Call `target` on a free line; the outcome, never an exception for it."""
        line = await self._acquire()
        if line is None:
            return self._record(None, target, DialResult(
                DialStatus.FAILED, reason="no SIP line registered"))
        try:
            media = await self._media(line.agent.flow.local_address[0])
        except (SipError, OSError) as error:
            self._release(line)
            return self._record(line, target, DialResult(
                DialStatus.FAILED, reason=f"media: {error}"))
        try:
            result = await OutboundCall(line, target, media, clock=self._clock,
                                        on_end=self._ended).run(
                ring_timeout)
        except (SipError, OSError) as error:
            result = DialResult(DialStatus.FAILED, reason=str(error))
        except asyncio.CancelledError:
            await close_quietly(media)
            self._release(line)
            raise
        if result.call is None or result.call.ended:
            await close_quietly(media)
            self._release(line)
        elif isinstance(result.call, SipCall):
            self._busy[result.call.call_id] = line
            self._calls[result.call.call_id] = result.call
        return self._record(line, target, result)

    def _record(self, line: Line | None, target: str, result: DialResult) -> DialResult:
        self._metrics.calls.labels("outbound", result.status.value).inc()
        log.info("SIP call attempt", extra={
            "line": line.user if line else None, "extension": target,
            "status": result.status.value, "sip_code": result.sip_code,
            "reason": result.reason})
        return result

    async def _acquire(self) -> Line | None:
        if not any(line.registered for line in self.lines):
            return None
        return await self._turns.take()

    def _release(self, line: Line) -> None:
        self._turns.give_back(line)

    def _ended(self, call: SipCall) -> None:
        self._calls.pop(call.call_id, None)
        line = self._busy.pop(call.call_id, None)
        if line is not None:
            self._release(line)

    async def _open_media(self, advertised_host: str) -> MediaSession:
        return await MediaStream.open(
            bind_host=self.config.bind_host,
            advertised_host=self.config.advertised_host or advertised_host,
            port_min=self.config.rtp_port_min, port_max=self.config.rtp_port_max,
            clock=self._media_clock, srtp=self.config.srtp)

    # --- requests from the far end ------------------------------------------------------

    def _requested(self, handle: ServerHandle) -> None:
        request = handle.request
        if _to_tag(request) is not None:
            call = self._calls.get(request.call_id)
            if call is not None and call.dialog.matches(request):
                call.received(handle)
            elif request.method == "OPTIONS":
                handle.respond(_options_ok(handle))
            else:
                handle.respond(response_to(request, 481))
        elif request.method == "INVITE":
            task = asyncio.create_task(self._answer(handle))
            self._tasks.add(task)
            task.add_done_callback(self._answered)
        elif request.method == "OPTIONS":
            handle.respond(_options_ok(handle))
        else:
            handle.respond(response_to(request, 481))

    def _line_for(self, handle: ServerHandle) -> Line:
        request = handle.request
        users = {request.uri.split(":", 1)[-1].split("@", 1)[0]}
        for line in self.lines:
            if line.user in users:
                return line
        return next(line for line in self.lines)

    async def _answer(self, handle: ServerHandle) -> None:
        request = handle.request
        if self._inbound is None:
            handle.respond(response_to(request, 480, reason="Temporarily Unavailable"))
            return
        line = self._line_for(handle)
        try:
            caller = caller_id(request)
        except SipError:
            handle.respond(response_to(request, 400))
            return
        try:
            media = await self._media(line.agent.flow.local_address[0])
        except (SipError, OSError) as error:
            handle.respond(response_to(request, 503))
            log.warning("SIP inbound call refused: no media", extra={
                "line": line.user, "error": str(error)})
            return
        try:
            call = await answer(line.agent, handle, media, line=line.user,
                                contact_uri=line.contact_uri, on_start=self._started,
                                on_end=self._ended)
        except BaseException:
            await close_quietly(media)
            raise
        if call is None:
            await close_quietly(media)
            self._metrics.calls.labels("inbound", "failed").inc()
            return
        self._metrics.calls.labels("inbound", "answered").inc()
        log.info("SIP inbound call answered", extra={"line": line.user,
                                                     "dialled": caller.dialled})
        try:
            await self._inbound(call, caller)
        except Exception:
            log.exception("inbound call handler failed", extra={"line": line.user})
        finally:
            await call.hangup()

    def _answered(self, task: asyncio.Task[None]) -> None:
        # The last net under an inbound call: whatever _answer let through is logged here,
        # in the JSON log, instead of surfacing as an unretrieved task exception.
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("SIP inbound call failed", exc_info=task.exception())

    def _started(self, call: SipCall) -> None:
        self._calls[call.call_id] = call


def _to_tag(request: Request) -> str | None:
    try:
        return parse_name_addr(request.header("To") or "").tag
    except ParseError:
        return None


def _options_ok(handle: ServerHandle) -> Response:
    response = response_to(handle.request, 200)
    response.add("Allow", ALLOW)
    response.add("Accept", "application/sdp")
    return response
