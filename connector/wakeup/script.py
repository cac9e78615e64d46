"""The wake-up call, once the room has answered: the message, the confirmation, the snooze.

    answer        message (+ snooze offer)                → confirmed (or snoozed)
    press_before  "press 1" … 1 → message (+ snooze offer) → confirmed (or snoozed)
    press_after   message + "press 9" (+ snooze offer) … 9 → confirmed (or snoozed)

Each question is asked up to `message_plays` times, waiting `confirm_wait_seconds` after
each; a guest who never confirms is `unconfirmed` (retried like no answer). A hang-up before
confirming is `unconfirmed`, except in `answer` mode, where answering was the confirmation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import tzinfo

from connector.clock import Clock
from connector.settings.phone import ConfirmMode, WakeupSettings
from connector.sip.api import Call, CallEnded
from connector.voice.voice import Voice
from connector.wakeup import phrases
from connector.wakeup.outcomes import CallOutcome
from connector.wakeup.phrases import Speech


@dataclass(frozen=True)
class Speaking:
    """How the connector speaks: prompts, words for numbers and times, the hotel's clock."""

    voice: Voice
    speech: Speech
    tz: tzinfo
    clock_24h: bool = False


class WakeupScript:
    """Runs one answered wake-up call; `outcome` never raises for what the guest does."""

    def __init__(self, settings: WakeupSettings, speaking: Speaking, clock: Clock) -> None:
        self._settings = settings
        self._speaking = speaking
        self._clock = clock

    async def run(self, call: Call, *, language: str | None, may_snooze: bool) -> CallOutcome:
        """Play the script to the guest and say how it ended; the caller hangs up."""
        confirmed_by_answering = self._settings.confirm is ConfirmMode.ANSWER
        session = _Session(call, self._settings, self._speaking, self._clock,
                           language=language, may_snooze=may_snooze)
        try:
            return await session.run()
        except CallEnded:
            if confirmed_by_answering or session.confirmed:
                return CallOutcome.CONFIRMED
            return CallOutcome.UNCONFIRMED


class _Session:
    """One call's progress through the script."""

    def __init__(self, call: Call, settings: WakeupSettings, speaking: Speaking, clock: Clock,
                 *, language: str | None, may_snooze: bool) -> None:
        self.call = call
        self.settings = settings
        self.speaking = speaking
        self.clock = clock
        self.language = language
        self.snooze_digit = self.settings.snooze_digit if may_snooze else None
        self.confirmed = False

    async def run(self) -> CallOutcome:
        match self.settings.confirm:
            case ConfirmMode.ANSWER:
                self.confirmed = True
                return await self._message_then_snooze()
            case ConfirmMode.PRESS_BEFORE:
                digit = self.settings.confirm_before_digit
                if await self._ask(phrases.press_to_confirm(digit), {digit}) is None:
                    return CallOutcome.UNCONFIRMED
                self.confirmed = True
                return await self._message_then_snooze()
            case ConfirmMode.PRESS_AFTER:
                digit = self.settings.confirm_after_digit
                question = [*self._message(), *phrases.press_to_confirm(digit),
                            *self._snooze_offer()]
                wanted = {digit, *self._snooze_digits()}
                pressed = await self._ask(question, wanted)
                if pressed is None:
                    return CallOutcome.UNCONFIRMED
                if pressed == digit:
                    self.confirmed = True
                    await self._say(phrases.confirmed())
                    return CallOutcome.CONFIRMED
                return await self._snoozed()

    async def _message_then_snooze(self) -> CallOutcome:
        if self.snooze_digit is None:
            await self._say([*self._message(), "goodbye"])
            return CallOutcome.CONFIRMED
        pressed = await self._ask([*self._message(), *self._snooze_offer()],
                                  self._snooze_digits())
        if pressed is None:
            await self._say(["goodbye"])
            return CallOutcome.CONFIRMED
        return await self._snoozed()

    async def _snoozed(self) -> CallOutcome:
        await self._say([*phrases.snooze_set(self.speaking.speech, self.settings.snooze_minutes),
                         "goodbye"])
        return CallOutcome.SNOOZED

    def _message(self) -> list[str]:
        now = self.clock.now().astimezone(self.speaking.tz).time().replace(second=0,
                                                                           microsecond=0)
        return phrases.wakeup_message(self.speaking.speech, now,
                                      clock_24h=self.speaking.clock_24h)

    def _snooze_offer(self) -> list[str]:
        return [] if self.snooze_digit is None else phrases.snooze_offer(self.snooze_digit)

    def _snooze_digits(self) -> set[str]:
        return set() if self.snooze_digit is None else {self.snooze_digit}

    async def _say(self, names: Sequence[str]) -> None:
        await self.call.play(self.speaking.voice.say(names, self.language))

    async def _ask(self, question: Sequence[str], wanted: set[str]) -> str | None:
        """Play `question` (a digit cuts it short) and wait for one of `wanted`, up to
        `message_plays` times; the digit, or None if none came."""
        for _ in range(self.settings.message_plays):
            self.call.clear_digits()
            prompts = self.speaking.voice.say(question, self.language)
            await self.call.play(prompts, interrupt_on_digit=True)
            pressed = await self._wait_for(wanted)
            if pressed is not None:
                return pressed
        return None

    async def _wait_for(self, wanted: set[str]) -> str | None:
        """Digits other than `wanted` are ignored until the wait is over."""
        deadline = self.clock.monotonic() + self.settings.confirm_wait_seconds
        while (left := deadline - self.clock.monotonic()) > 0:
            digit = await self.call.read_digit(left)
            if digit is None:
                return None
            if digit in wanted:
                return digit
        return None
