"""The telephone half of `connector serve`: the SIP lines, the prompts, the wake-up scheduler
and the room-phone services, opened together and run until `stop`.

With no SIP lines configured the wake-up scheduler still runs: every wake-up falls due,
fails ("no SIP line"), is escalated to the front desk's alert list and reported UR, so a
hotel that forgot the lines finds out from the first wake-up, not from a guest."""

from __future__ import annotations

import asyncio
import functools
import logging
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from prometheus_client import CollectorRegistry

from connector.clock import Clock
from connector.ivr.handler import Ivr
from connector.pms.reporter import Reporter
from connector.serve.sip_lines import resolve_lines
from connector.service import Connector
from connector.settings import Settings
from connector.sip.api import DialResult, DialStatus, Phone
from connector.voice import speech
from connector.voice.library import PromptLibrary
from connector.wakeup.scheduler import WakeupScheduler
from connector.wakeup.wiring import wakeup_scheduler
from connector.web.schemas import Check

if TYPE_CHECKING:
    from connector.sip.pool import LinePool

log = logging.getLogger("connector.serve.phone")

# How long start-up waits for the first line to register before going on without it (the
# lines keep trying in the background; readiness says how many are up).
FIRST_LINE_WAIT_SECONDS = 10.0


class NoLines:
    """The `Phone` of a connector with no SIP lines: every dial fails, saying why."""

    lines_total = 0
    lines_ready = 0

    async def dial(self, target: str, *, ring_timeout: float) -> DialResult:
        return DialResult(DialStatus.FAILED, reason=(
            "no SIP line is configured (CONNECTOR_SIP__LINES or CONNECTOR_SIP__ZOOM_DEVICE_IDS)"))


class PhoneSide:
    """SIP lines + prompts + wake-ups + room-phone services, for one connector."""

    def __init__(self, *, phone: Phone, pool: LinePool | None, scheduler: WakeupScheduler,
                 ivr: Ivr, prompts: PromptLibrary) -> None:
        self.phone = phone
        self.pool = pool
        self.scheduler = scheduler
        self.ivr = ivr
        self.prompts = prompts

    @classmethod
    async def open(cls, settings: Settings, connector: Connector, reporter: Reporter, *,
                   clock: Clock, registry: CollectorRegistry) -> PhoneSide:
        """Read the lines (from Zoom when asked), load the prompts once, build the parts.
        Raises SipLinesError or the prompt library's error with what to fix."""
        accounts, zoom_secondary = await resolve_lines(settings.sip, connector.api)
        loop = asyncio.get_running_loop()
        # Without lines no prompt is ever played: checked all the same, their audio not kept.
        prompts = await loop.run_in_executor(None, functools.partial(
            PromptLibrary.load, settings.voice.prompts_dir, settings.voice.default_language,
            keep_audio=bool(accounts)))
        ivr = Ivr(settings.ivr, tz=ZoneInfo(settings.hotel.timezone), rooms=connector.store,
                  ingest=connector.ingest, reporter=reporter, voice=prompts, clock=clock,
                  room_map=connector.room_map, registry=registry)
        pool: LinePool | None = None
        phone: Phone = NoLines()
        if accounts:
            # Imported only with lines: the SIP stack, media and SRTP cost ~11 MB a hotel
            # without lines would carry for nothing.
            from connector.sip.pool import LinePool

            sip = settings.sip
            if sip.secondary_proxy is None and zoom_secondary:
                sip = sip.model_copy(update={"secondary_proxy": zoom_secondary})
            pool = phone = LinePool.from_settings(sip, accounts, registry=registry, inbound=ivr)
        else:
            log.warning("no SIP lines configured: wake-up calls cannot ring and will be "
                        "escalated and reported failed (docs/sip.md)")
        scheduler = wakeup_scheduler(connector, phone=phone, voice=prompts, speech=speech,
                                     reporter=reporter, registry=registry)
        return cls(phone=phone, pool=pool, scheduler=scheduler, ivr=ivr, prompts=prompts)

    def readiness(self) -> Check:
        """Wake-ups need at least one registered line; the detail says how many are up."""
        if self.pool is None:
            return Check(name="sip_lines", ok=True, detail="no SIP lines configured")
        ready, total = self.pool.lines_ready, self.pool.lines_total
        return Check(name="sip_lines", ok=ready > 0,
                     detail=f"{ready} of {total} SIP lines registered")

    async def run(self, stop: asyncio.Event) -> None:
        """Register the lines, run the wake-up scheduler and the nightly housekeeping reset
        until `stop`; then hang up, unregister and close."""
        if self.pool is not None:
            await self.pool.start()
            if not await self.pool.wait_ready(1, within=FIRST_LINE_WAIT_SECONDS):
                log.warning("no SIP line registered yet; they keep trying (see /readyz)")
        parts = [asyncio.create_task(self.scheduler.run(stop), name="wakeups")]
        if self.ivr.nightly_reset is not None:
            parts.append(asyncio.create_task(self.ivr.nightly_reset.run(stop),
                                             name="nightly-reset"))
        try:
            await stop.wait()
            await asyncio.gather(*parts)
        finally:
            for part in parts:
                part.cancel()
            await asyncio.gather(*parts, return_exceptions=True)
            if self.pool is not None:
                await self.pool.stop()
