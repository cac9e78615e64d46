"""How each emulated room phone behaves when it rings: answer and key digits (the default),
be busy, ring until the caller gives up, or answer and say nothing. Pure values and a table,
set from Python or the admin API."""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass
from typing import Any

DTMF_KEYS = frozenset("0123456789*#ABCD")


class Pickup(enum.StrEnum):
    ANSWER = "answer"  # 180, then 200 after `answer_after` seconds
    BUSY = "busy"  # 486 Busy Here
    NO_ANSWER = "no_answer"  # 180 until the caller sends CANCEL (487)


@dataclass(frozen=True)
class PhoneBehaviour:
    """One phone's script. The default is a guest who picks up after two rings' worth of
    time and presses 9 (the wake-up call's default confirming digit) once the message plays;
    `digits=""` answers silently."""

    pickup: Pickup = Pickup.ANSWER
    answer_after: float = 2.0
    digits: str = "9"
    press_after: float = 3.0  # seconds from the answer to the first key

    def __post_init__(self) -> None:
        if self.answer_after < 0 or self.press_after < 0:
            raise ValueError("answer_after and press_after must not be negative")
        bad = set(self.digits.upper()) - DTMF_KEYS
        if bad:
            raise ValueError(f"not DTMF keys: {''.join(sorted(bad))}")

    def to_json(self) -> dict[str, Any]:
        """The script as the admin API shows and takes it."""
        return {**asdict(self), "pickup": self.pickup.value}

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> PhoneBehaviour:
        """Fields left out keep their defaults; raises ValueError (or KeyError, TypeError)
        for anything malformed."""
        default = cls()
        return cls(
            pickup=Pickup(body.get("pickup", default.pickup.value)),
            answer_after=float(body.get("answer_after", default.answer_after)),
            digits=str(body.get("digits", default.digits)),
            press_after=float(body.get("press_after", default.press_after)),
        )


ANSWERS_SILENTLY = PhoneBehaviour(digits="")


class PhoneBehaviours:
    """The behaviour of every room phone: one default and per-extension exceptions."""

    def __init__(self, default: PhoneBehaviour | None = None) -> None:
        self.default = default or PhoneBehaviour()
        self._by_extension: dict[str, PhoneBehaviour] = {}

    def of(self, extension: str) -> PhoneBehaviour:
        """The script of the phone at `extension`."""
        return self._by_extension.get(extension, self.default)

    def set(self, extension: str, behaviour: PhoneBehaviour) -> None:
        """Give the phone at `extension` its own script."""
        self._by_extension[extension] = behaviour

    def forget(self, extension: str | None = None) -> None:
        """Back to the default for one extension (None: for every one)."""
        if extension is None:
            self._by_extension.clear()
        else:
            self._by_extension.pop(extension, None)

    def to_json(self) -> dict[str, Any]:
        """The default and every phone's own script, for the admin API."""
        return {"default": self.default.to_json(),
                "extensions": {ext: b.to_json() for ext, b in sorted(self._by_extension.items())}}
