"""What calls need of a media stream (`connector.sip.media.stream.MediaStream` provides it);
a protocol so the signalling can be tested without sockets for RTP."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

from connector.sip.api import Prompt


class MediaSession(Protocol):
    def offer(self) -> str: ...

    def accept_answer(self, sdp: str) -> None: ...

    def answer(self, offer_sdp: str) -> str: ...

    def start(self) -> None: ...

    async def play(self, prompts: Sequence[Prompt], *, interrupt_on_digit: bool = False) -> None:
        ...

    async def read_digit(self, timeout: float) -> str | None: ...  # noqa: ASYNC109

    def clear_digits(self) -> None: ...

    def push_digit(self, digit: str) -> None: ...

    async def close(self) -> None: ...


MediaFactory = Callable[[str], Awaitable[MediaSession]]
"""Opens a media stream advertising the given local address."""
