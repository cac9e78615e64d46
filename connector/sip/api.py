"""What the rest of the connector sees of the SIP user agent: dial a room, answer a call,
play prompts, read digits. `wakeup` and `ivr` use only this module; `sip.pool.LinePool`
implements `Phone`, and each answered or placed call is a `Call`.

Audio is 8 kHz mono signed 16-bit little-endian PCM (`Prompt.pcm`); the media layer encodes
it to the negotiated G.711 law and paces it on the shared 20 ms clock.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

SAMPLE_RATE = 8000
BYTES_PER_SAMPLE = 2


@dataclass(frozen=True)
class Prompt:
    """A piece of audio ready to play: 8 kHz mono s16le PCM."""

    name: str
    pcm: bytes

    @property
    def seconds(self) -> float:
        return len(self.pcm) / (SAMPLE_RATE * BYTES_PER_SAMPLE)


class DialStatus(enum.StrEnum):
    ANSWERED = "answered"
    BUSY = "busy"  # 486, 600
    NO_ANSWER = "no_answer"  # rang for the whole ring time (we sent CANCEL), or 408/480
    FAILED = "failed"  # network, authentication, other SIP errors, no line registered


@dataclass(frozen=True)
class DialResult:
    status: DialStatus
    call: Call | None = None  # the live call when ANSWERED
    sip_code: int | None = None
    reason: str = ""


@dataclass(frozen=True)
class CallerId:
    """Who called one of our lines, and what they dialled."""

    number: str  # user part of P-Asserted-Identity, else of From
    name: str  # display name, "" when none
    from_user: str  # user part of From (differs from `number` on forwarded calls)
    dialled: str  # user part of To (else the Request-URI): which service was called


class CallEnded(Exception):
    """The far end hung up, or the call's media or signalling failed."""


class Call(Protocol):
    @property
    def call_id(self) -> str: ...

    @property
    def ended(self) -> bool: ...

    async def play(self, prompts: Sequence[Prompt], *, interrupt_on_digit: bool = False) -> None:
        """Play the prompts back to back. With `interrupt_on_digit`, return as soon as a
        digit arrives (it stays queued for `read_digit`). Raises CallEnded."""
        ...

    async def read_digit(self, timeout: float) -> str | None:  # noqa: ASYNC109 - the seam
        """The next digit the caller keyed (RFC 4733 or SIP INFO), or None after `timeout`
        seconds of silence. Raises CallEnded."""
        ...

    def clear_digits(self) -> None:
        """Forget digits keyed so far (before asking a new question)."""
        ...

    async def hangup(self) -> None:
        """End the call (BYE); harmless when it has already ended."""
        ...


class Phone(Protocol):
    async def dial(self, target: str, *, ring_timeout: float) -> DialResult:
        """Call `target` (an extension) on a free line, waiting for one if all are busy.
        Never raises for call outcomes: they are in the result."""
        ...

    @property
    def lines_total(self) -> int: ...

    @property
    def lines_ready(self) -> int:
        """Lines registered now."""
        ...


InboundHandler = Callable[[Call, CallerId], Awaitable[None]]
