"""The room-phone services as one `InboundHandler`: `connector serve` hands every call the
SIP lines answer to an `Ivr`, which finds the calling room, routes by the number dialled and
runs the housekeeping or wake-up script. Every call ends with a hang-up and is counted.

    ivr = Ivr(settings.ivr, tz=ZoneInfo(settings.hotel.timezone), rooms=connector.store,
              ingest=connector.ingest, reporter=reporter, voice=prompt_library, clock=clock,
              room_map=connector.room_map, registry=registry)
    pool = LinePool(..., inbound=ivr)
    if ivr.nightly_reset is not None:  # CONNECTOR_IVR__NIGHTLY_RESET_AT is set
        asyncio.create_task(ivr.nightly_reset.run(stop))
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Sequence
from datetime import tzinfo

from prometheus_client import CollectorRegistry

from connector.clock import Clock
from connector.ivr.caller import room_of_caller, service_for
from connector.ivr.conversation import Conversation, TooManyAttempts
from connector.ivr.guest_wakeups import GuestWakeups
from connector.ivr.housekeeping_call import housekeeping_call
from connector.ivr.metrics import IvrMetrics
from connector.ivr.nightly_reset import NightlyReset, reset_schedule
from connector.ivr.ports import Ingest, Rooms
from connector.ivr.status_recorder import StatusRecorder
from connector.ivr.wakeup_call import wakeup_call
from connector.pms.reporter import Reporter
from connector.rooms.room_map import RoomMap
from connector.settings.phone import IvrService, IvrSettings
from connector.sip.api import Call, CallEnded, CallerId
from connector.voice.voice import Voice

log = logging.getLogger("connector.ivr")

_LANGUAGE = re.compile(r"^[a-z]{2}$")


class Ivr:
    """Answers room phones that dial housekeeping or the wake-up service."""

    def __init__(self, settings: IvrSettings, *, tz: tzinfo, rooms: Rooms, ingest: Ingest,
                 reporter: Reporter, voice: Voice, clock: Clock, room_map: RoomMap,
                 registry: CollectorRegistry | None = None,
                 metrics: IvrMetrics | None = None) -> None:
        self._settings = settings
        self._tz = tz
        self._rooms = rooms
        self._voice = voice
        self._clock = clock
        self._room_map = room_map
        self.metrics = metrics or IvrMetrics(registry)
        self.recorder = StatusRecorder(rooms, ingest, reporter, self.metrics)
        self._wakeups = GuestWakeups(rooms, ingest, reporter, tz)
        # Run by `connector serve` beside the lines: `await ivr.nightly_reset.run(stop)`.
        self.nightly_reset = None if settings.nightly_reset_at is None else NightlyReset(
            reset_schedule(settings.nightly_reset_at, tz), rooms=rooms,
            recorder=self.recorder, clock=clock)

    async def __call__(self, call: Call, caller: CallerId) -> None:
        """Serve one answered call to the end (the `InboundHandler`)."""
        service = service_for(caller.dialled, self._settings)
        room = room_of_caller(caller, self._room_map)
        try:
            if room is None:
                outcome = await self._unknown_caller(call, caller, service)
            else:
                outcome = await self._serve(call, room, service)
        finally:
            await call.hangup()
        self.metrics.calls.labels(service.value, outcome).inc()
        log.info("room-phone call ended", extra={
            "room": room, "service": service.value, "dialled": caller.dialled,
            "outcome": outcome})

    async def _unknown_caller(self, call: Call, caller: CallerId, service: IvrService) -> str:
        self.metrics.unknown_callers.inc()
        log.info("room-phone service called from a number that is no guest room", extra={
            "service": service.value, "extension": caller.number, "from_user": caller.from_user})
        with contextlib.suppress(CallEnded):
            await call.play(self._voice.say(["not_a_guest_room"], None))
        return "unknown_caller"

    async def _serve(self, call: Call, room: str, service: IvrService) -> str:
        conversation = Conversation(
            call, self._voice, language=self._language(room, service),
            digit_timeout=self._settings.digit_timeout_seconds,
            attempts=self._settings.attempts)
        try:
            if service is IvrService.HOUSEKEEPING:
                return await housekeeping_call(conversation, room, settings=self._settings,
                                               recorder=self.recorder, clock=self._clock)
            return await wakeup_call(conversation, room, settings=self._settings, tz=self._tz,
                                     rooms=self._rooms, wakeups=self._wakeups,
                                     clock=self._clock)
        except CallEnded:
            log.info("caller hung up before the end",
                     extra={"room": room, "service": service.value})
            return "abandoned"
        except TooManyAttempts:
            await self._goodbye(conversation, ["too_many_attempts"])
            return "too_many_attempts"
        except Exception:
            # A failing disk or a bug must not leave the caller in silence, nor end the line.
            log.exception("room-phone call failed", extra={"room": room,
                                                            "service": service.value})
            await self._goodbye(conversation, ["too_many_attempts"])
            return "failed"

    async def _goodbye(self, conversation: Conversation, names: Sequence[str]) -> None:
        with contextlib.suppress(CallEnded):
            await conversation.say(names)

    def _language(self, room: str, service: IvrService) -> str | None:
        """The guest's language for the wake-up service; housekeeping staff hear the
        hotel's default."""
        if service is not IvrService.WAKEUP:
            return None
        state = self._rooms.room(room)
        stay = state.primary if state else None
        language = stay.primary.language.lower() if stay else ""
        return language if _LANGUAGE.match(language) else None
