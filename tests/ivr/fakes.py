"""A scripted room phone on the far end of a `Call`, and a voice that plays prompt names.

The caller's script is a list of steps, taken in order whenever the service waits for a
digit: `Key("1", after=2)` presses 1 two seconds into the wait, `HangUp(after=3)` hangs up.
A step with `early=True` happens while the prompt before it plays instead (type-ahead).
Waiting moves the test's clock; nothing sleeps on the wall clock.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import NoReturn, Protocol

from connector.sip.api import SAMPLE_RATE, CallEnded, Prompt


@dataclass(frozen=True)
class Key:
    digit: str
    after: float = 1.0
    early: bool = False


@dataclass(frozen=True)
class HangUp:
    after: float = 0.5
    early: bool = False


Step = Key | HangUp


def keys(digits: str, *, after: float = 1.0) -> list[Step]:
    """Each digit keyed `after` seconds into its wait: keys("0705#")."""
    return [Key(d, after=after) for d in digits]


class MovableClock(Protocol):
    """`FakeClock`, or the sandbox's clock."""

    def advance(self, seconds: float) -> None: ...


class FakeCall:
    """Implements `connector.sip.api.Call` for a caller who follows a script."""

    def __init__(self, clock: MovableClock, script: Sequence[Step] = (),
                 call_id: str = "call-1") -> None:
        self._clock = clock
        self._script = list(script)
        self._queued: list[str] = []
        self._ended = False
        self.call_id = call_id
        self.plays: list[list[str]] = []
        self.interrupted = 0
        self.timeouts = 0
        self.hung_up_by_service = False

    @property
    def ended(self) -> bool:
        return self._ended

    @property
    def heard(self) -> list[str]:
        """Every prompt name played, in order."""
        return [name for names in self.plays for name in names]

    async def play(self, prompts: Sequence[Prompt], *, interrupt_on_digit: bool = False) -> None:
        await self._turn()
        self.plays.append([p.name for p in prompts])
        while self._script and self._script[0].early:
            step = self._script.pop(0)
            if isinstance(step, HangUp):
                self._end()
            self._queued.append(step.digit)
            if interrupt_on_digit:
                self.interrupted += 1
                return
        self._clock.advance(sum(p.seconds for p in prompts))

    # The signature is the Call protocol's.
    async def read_digit(self, timeout: float) -> str | None:  # noqa: ASYNC109
        await self._turn()
        if self._queued:
            return self._queued.pop(0)
        step = self._script[0] if self._script else None
        if step is None or step.after > timeout:
            if step is not None:
                self._script[0] = replace(step, after=step.after - timeout)
            self._clock.advance(timeout)
            self.timeouts += 1
            return None
        self._script.pop(0)
        self._clock.advance(step.after)
        if isinstance(step, HangUp):
            self._end()
        return step.digit

    def clear_digits(self) -> None:
        self._queued.clear()

    async def hangup(self) -> None:
        if not self._ended:
            self.hung_up_by_service = True
        self._ended = True

    async def _turn(self) -> None:
        await asyncio.sleep(0)  # let other calls run, as a real call's I/O would
        if self._ended:
            raise CallEnded("the caller hung up")

    def _end(self) -> NoReturn:
        self._ended = True
        raise CallEnded("the caller hung up")


@dataclass
class FakeVoice:
    """Implements `connector.ivr.ports.Voice`: a tenth of a second of silence per name."""

    languages: list[str | None] = field(default_factory=list)

    def say(self, names: Sequence[str], language: str | None) -> list[Prompt]:
        self.languages.append(language)
        silence = bytes(2 * SAMPLE_RATE // 10)
        return [Prompt(name, silence) for name in names]
