"""A fake telephone for wake-up tests: rooms that answer, press digits, ring out or are busy,
on a pool of lines taken in FIFO order; prompts that last one second each."""

from __future__ import annotations

import asyncio
import collections
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import time

from connector.sip.api import (
    BYTES_PER_SAMPLE,
    SAMPLE_RATE,
    CallEnded,
    DialResult,
    DialStatus,
    Prompt,
)
from tests.wakeup.virtual_clock import VirtualClock

ONE_SECOND = bytes(SAMPLE_RATE * BYTES_PER_SAMPLE)


@dataclass(frozen=True)
class Answers:
    """The room answers after `after` seconds; at each wait for a digit the guest presses
    the next of `presses` (one second later), then stays silent. `hangs_up_after` plays:
    the guest hangs up at the next one."""

    presses: Sequence[str] = ()
    after: float = 5.0
    hangs_up_after: int | None = None


@dataclass(frozen=True)
class Rings:
    """Nobody answers: it rings for the whole ring time."""


@dataclass(frozen=True)
class Busy:
    pass


@dataclass(frozen=True)
class Fails:
    """No line, a network or SIP error."""


Behaviour = Answers | Rings | Busy | Fails


@dataclass
class Dial:
    """One dial as the phone saw it: when it got a line (virtual seconds), and its call."""

    extension: str
    started: float
    ring_timeout: float
    call: FakeCall | None = None


class FakeCall:
    """Implements `connector.sip.api.Call`."""

    def __init__(self, clock: VirtualClock, behaviour: Answers, on_end: Callable[[], None]):
        self._clock = clock
        self._presses = list(behaviour.presses)
        self._hangs_up_after = behaviour.hangs_up_after
        self._on_end = on_end
        self._ended = False
        self.plays: list[list[str]] = []
        self.ended_at: float | None = None

    @property
    def call_id(self) -> str:
        return f"call-{id(self)}"

    @property
    def ended(self) -> bool:
        return self._ended

    @property
    def heard(self) -> list[str]:
        """Every prompt played, in order."""
        return [name for play in self.plays for name in play]

    async def play(self, prompts: Sequence[Prompt], *, interrupt_on_digit: bool = False) -> None:
        if self._hangs_up_after is not None and len(self.plays) >= self._hangs_up_after:
            self._end()
        if self._ended:
            raise CallEnded("the guest hung up")
        self.plays.append([prompt.name for prompt in prompts])
        await self._clock.sleep(sum(prompt.seconds for prompt in prompts))

    async def read_digit(self, timeout: float) -> str | None:  # noqa: ASYNC109 (the seam)
        if self._ended:
            raise CallEnded("the guest hung up")
        if self._presses:
            await self._clock.sleep(1)
            return self._presses.pop(0)
        await self._clock.sleep(timeout)
        return None

    def clear_digits(self) -> None:
        """Presses here are the guest's future presses: nothing is queued to forget."""

    async def hangup(self) -> None:
        self._end()

    def _end(self) -> None:
        if not self._ended:
            self._ended = True
            self.ended_at = self._clock.elapsed
            self._on_end()


class FakePhone:
    """Implements `connector.sip.api.Phone` over `lines` lines; each extension behaves as
    told by `will()`, one behaviour per dial, then as `otherwise`."""

    def __init__(self, clock: VirtualClock, lines: int = 2, otherwise: Behaviour = Rings()):
        self._clock = clock
        self._lines = lines
        self._free = lines
        self._waiting: collections.deque[asyncio.Future[None]] = collections.deque()
        self._plans: dict[str, list[Behaviour]] = {}
        self.otherwise = otherwise
        self.dials: list[Dial] = []

    def will(self, extension: str, *behaviours: Behaviour) -> None:
        self._plans.setdefault(extension, []).extend(behaviours)

    def dials_to(self, extension: str) -> list[Dial]:
        return [d for d in self.dials if d.extension == extension]

    @property
    def lines_total(self) -> int:
        return self._lines

    @property
    def lines_ready(self) -> int:
        return self._lines

    async def dial(self, target: str, *, ring_timeout: float) -> DialResult:
        await self._take_line()
        dial = Dial(target, self._clock.elapsed, ring_timeout)
        self.dials.append(dial)
        plan = self._plans.get(target)
        behaviour = plan.pop(0) if plan else self.otherwise
        match behaviour:
            case Answers():
                await self._clock.sleep(behaviour.after)
                dial.call = FakeCall(self._clock, behaviour, self._release)
                return DialResult(DialStatus.ANSWERED, call=dial.call, sip_code=200)
            case Rings():
                await self._clock.sleep(ring_timeout)
                self._release()
                return DialResult(DialStatus.NO_ANSWER, sip_code=487)
            case Busy():
                await self._clock.sleep(1)
                self._release()
                return DialResult(DialStatus.BUSY, sip_code=486, reason="Busy Here")
            case Fails():
                self._release()
                return DialResult(DialStatus.FAILED, reason="no line registered")

    async def _take_line(self) -> None:
        if self._free and not self._waiting:
            self._free -= 1
            return
        turn = asyncio.get_running_loop().create_future()
        self._waiting.append(turn)
        await turn

    def _release(self) -> None:
        while self._waiting:
            turn = self._waiting.popleft()
            if not turn.done():
                turn.set_result(None)  # the line passes straight to the next in line
                return
        self._free += 1


@dataclass
class FakeVoice:
    """Implements the script's `Voice`: one second of silence per prompt name."""

    asked: list[tuple[tuple[str, ...], str | None]] = field(default_factory=list)

    def say(self, names: Sequence[str], language: str | None) -> list[Prompt]:
        self.asked.append((tuple(names), language))
        return [Prompt(name, ONE_SECOND) for name in names]


class FakeSpeech:
    """Implements `Speech` with readable names."""

    def spell(self, text: str) -> list[str]:
        return [f"digit_{c}" if c.isdigit() else f"letter_{c.lower()}" for c in text]

    def number(self, n: int) -> list[str]:
        return [f"number_{n}"]

    def time_12h(self, t: time) -> list[str]:
        return [f"time_{t:%I%M%p}"]

    def time_24h(self, t: time) -> list[str]:
        return [f"time_{t:%H%M}"]
