"""What the wake-up call and the operator alert say, as lists of prompt names (pure).

`Speech` is what `connector.voice.speech` offers (room numbers, numbers and times as prompt
names); `connector.voice.voice.Voice` turns names into audio.
"""

from __future__ import annotations

from datetime import time
from typing import Protocol

_DIGIT_NAMES = {"*": "star", "#": "hash", **{str(d): f"digit_{d}" for d in range(10)}}


class Speech(Protocol):
    def spell(self, text: str) -> list[str]:
        """A room number symbol by symbol, letters included."""
        ...

    def number(self, n: int) -> list[str]:
        """0 to 99 as words."""
        ...


    def time_12h(self, t: time) -> list[str]: ...
    def time_24h(self, t: time) -> list[str]: ...


def digit_name(digit: str) -> str:
    """The prompt that says a keypad digit (0-9, *, #)."""
    return _DIGIT_NAMES[digit]


def spoken_time(speech: Speech, at: time, *, clock_24h: bool) -> list[str]:
    return speech.time_24h(at) if clock_24h else speech.time_12h(at)


def wakeup_message(speech: Speech, now: time, *, clock_24h: bool) -> list[str]:
    """"Good morning, this is your wake-up call. The time is 7:00 AM." """
    return ["wakeup_greeting", "wakeup_time_is", *spoken_time(speech, now, clock_24h=clock_24h)]


def press_to_confirm(digit: str) -> list[str]:
    return ["press_to_confirm", digit_name(digit)]


def snooze_offer(digit: str) -> list[str]:
    return ["snooze_offer", digit_name(digit)]


def snooze_set(speech: Speech, minutes: int) -> list[str]:
    """"We will call you again in 10 minutes." """
    return ["snooze_set", *speech.number(minutes), "minutes"]


def confirmed() -> list[str]:
    return ["wakeup_confirmed", "goodbye"]


def operator_not_answered(speech: Speech, room: str, tries: int, *, busy: bool) -> list[str]:
    """"Attention front desk. The wake-up call for room 1 2 0 4 was not answered after
    4 tries. To hear this again, press 1." (`busy`: the line was busy after ...)."""
    return ["operator_alert", *speech.spell(room),
            "operator_busy" if busy else "operator_not_answered",
            *speech.number(tries), "try" if tries == 1 else "tries", "operator_repeat"]


def operator_missed(speech: Speech, room: str) -> list[str]:
    """"Attention front desk. The wake-up call for room 1 2 0 4 could not be placed while
    the system was down. To hear this again, press 1." """
    return ["operator_alert", *speech.spell(room), "operator_missed", "operator_repeat"]
