"""Asking a caller for digits: prompts, timeouts and a bounded number of attempts.

A thin layer over `Call`: questions clear earlier digits, play interruptibly (an attendant
who knows the codes need not wait for the menu), and collect keys until enough are keyed,
`#` ends a number early (where a number is asked for: a one-key menu may use `#` as a code)
or the caller pauses for the digit timeout.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from connector.sip.api import Call
from connector.voice.voice import Voice

T = TypeVar("T")

END_KEY = "#"
INVALID_ENTRY = ("invalid_entry",)


class TooManyAttempts(Exception):
    """The caller gave no valid answer in the allowed number of attempts."""


class Conversation:
    """One call's questions and answers, in the caller's language."""

    def __init__(self, call: Call, voice: Voice, *, language: str | None,
                 digit_timeout: float, attempts: int) -> None:
        self.call = call
        self._voice = voice
        self._language = language
        self._timeout = digit_timeout
        self._attempts = attempts

    async def say(self, names: Sequence[str]) -> None:
        """Play the prompts to the end."""
        await self.call.play(self._voice.say(names, self._language))

    async def ask(self, names: Sequence[str], *, keys: int = 1, end: str | None = None) -> str:
        """Ask and collect up to `keys` digits, or fewer ended by the `end` key (not kept);
        "" when the caller keyed nothing."""
        self.call.clear_digits()
        await self.call.play(self._voice.say(names, self._language), interrupt_on_digit=True)
        keyed = ""
        while len(keyed) < keys:
            key = await self.call.read_digit(self._timeout)
            if key is None or key == end:
                break
            keyed += key
        return keyed

    async def choose(
        self,
        names: Sequence[str],
        parse: Callable[[str], T | None],
        *,
        keys: int = 1,
        end: str | None = None,
        repeat: Sequence[str] | None = None,
        invalid: Sequence[str] = INVALID_ENTRY,
    ) -> T:
        """Ask until `parse` accepts the answer: an invalid answer is explained (`invalid`),
        silence is not; then the question (`repeat`, default `names`) is asked again. Raises
        TooManyAttempts after the allowed number of attempts."""
        question = names
        for attempt in range(1, self._attempts + 1):
            keyed = await self.ask(question, keys=keys, end=end)
            answer = parse(keyed)
            if answer is not None:
                return answer
            if keyed and attempt < self._attempts:
                await self.say(invalid)
            question = names if repeat is None else repeat
        raise TooManyAttempts
