"""Telling the operator: call the operator extension and say which room needs someone.

The alert in the store is the front desk's record; this call is a nudge on top of it. If it
is not answered or fails, the alert stays open and the outcome is noted on it.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence

from connector.settings.phone import WakeupSettings
from connector.sip.api import Call, CallEnded, DialStatus, Phone, Prompt
from connector.voice.voice import Voice

log = logging.getLogger("connector.wakeup")

REPEAT_DIGIT = "1"
MAX_PLAYS = 3
NOT_CONFIGURED = "not_configured"


class Operator:
    def __init__(self, phone: Phone, voice: Voice, settings: WakeupSettings) -> None:
        self._phone = phone
        self._voice = voice
        self._settings = settings

    async def tell(self, names: Sequence[str], *, room: str) -> str:
        """Call the operator and play `names` (again on each press of 1, three times at
        most); how it went: answered, busy, no_answer, failed, or not_configured."""
        extension = self._settings.operator_extension
        if extension is None:
            return NOT_CONFIGURED
        result = await self._phone.dial(extension, ring_timeout=self._settings.ring_seconds)
        if result.status is not DialStatus.ANSWERED or result.call is None:
            log.warning("the operator was not reached about a wake-up", extra={
                "room": room, "extension": extension, "status": result.status.value,
                "sip_code": result.sip_code, "reason": result.reason})
            return result.status.value
        call = result.call
        prompts = self._voice.say(names, None)
        # The operator heard it, or hung up on it: either way the call was answered.
        try:
            with contextlib.suppress(CallEnded):
                await self._tell(call, prompts)
        finally:
            await call.hangup()
        return DialStatus.ANSWERED.value

    async def _tell(self, call: Call, prompts: Sequence[Prompt]) -> None:
        """Play the alert; again while the operator presses the repeat digit."""
        for _ in range(MAX_PLAYS):
            call.clear_digits()
            await call.play(prompts)
            if await call.read_digit(self._settings.confirm_wait_seconds) != REPEAT_DIGIT:
                return
