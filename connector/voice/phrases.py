"""Every prompt the connector can play: file name (without `.wav`) → the English words.

The shipped English set is generated from this table (deploy/prompts/make_prompts.py) and a
hotel records its own set from the same table (docs/prompts.md). Sentences are built by
playing prompts back to back, so a phrase that is followed by a number, a time or a status
word stops where that word begins ("The time is" + "seven oh five" + "A M").
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

_DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_TEEN_WORDS = ("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
               "seventeen", "eighteen", "nineteen")
_TENS_WORDS = {20: "twenty", 30: "thirty", 40: "forty", 50: "fifty", 60: "sixty",
               70: "seventy", 80: "eighty", 90: "ninety"}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"

_NUMBERS: dict[str, str] = {
    **{f"digit_{d}": word for d, word in enumerate(_DIGIT_WORDS)},
    **{f"n_{10 + i}": word for i, word in enumerate(_TEEN_WORDS)},
    **{f"n_{tens}": word for tens, word in _TENS_WORDS.items()},
    "star": "star",
    "hash": "hash",
    # Room numbers may carry letters ("12A", "PH1"); spelt like the digits.
    **{f"letter_{c}": c.upper() for c in _LETTERS},
}

_TIMES_AND_WORDS: dict[str, str] = {
    "oh": "oh",
    "oclock": "o'clock",
    "hundred": "hundred",
    "midnight": "midnight",
    "am": "A M",
    "pm": "P M",
    "today": "today",
    "tomorrow": "tomorrow",
    **{f"on_{day}": f"on {day.capitalize()}" for day in _WEEKDAYS},
    "minute": "minute",
    "minutes": "minutes",
    "room": "Room",
    "try": "try",
    "tries": "tries",
    "for": "For",
    "press": "press",
}

_WAKEUP_CALL: dict[str, str] = {
    "wakeup_greeting": "Good morning. This is your wake-up call.",
    "wakeup_time_is": "The time is",
    "press_to_confirm": "To confirm, press",
    "wakeup_confirmed": "Thank you. Have a good day.",
    "snooze_offer": "To be called again in a few minutes, press",
    "snooze_set": "We will call you again in",
    "goodbye": "Goodbye.",
}

_OPERATOR: dict[str, str] = {
    "operator_alert": "Attention front desk. The wake-up call for room",
    "operator_not_answered": "was not answered after",
    "operator_missed": "could not be placed while the system was down.",
    "operator_busy": "the line was busy",
    "operator_repeat": "To hear this again, press 1.",
}

_HOUSEKEEPING: dict[str, str] = {
    "not_a_guest_room": "This service is for guest rooms only. Goodbye.",
    "housekeeping_welcome": "Housekeeping. Please key the room status.",
    "housekeeping_codes": "Key the digit for the room status.",
    "status_dirty": "dirty",
    "status_clean": "clean",
    "status_inspected": "inspected",
    "status_out_of_order": "out of order",
    "status_maintenance": "maintenance needed",
    "status_make_up_room": "to be made up",
    "enter_attendant": "Please key your attendant number, then press hash.",
    "room_is_now": "The room is now",
    "status_recorded": "Thank you. The status is recorded.",
    "invalid_entry": "Sorry, that entry is not valid.",
    "too_many_attempts": "Sorry, please try again later. Goodbye.",
}

_GUEST_WAKEUP: dict[str, str] = {
    "wakeup_service": "Wake-up service.",
    "wakeup_current": "Your wake-up call is set for",
    "wakeup_none": "You have no wake-up call set.",
    "wakeup_menu_set": "To set a wake-up call, press 1.",
    "wakeup_menu_cancel": "To cancel your wake-up call, press 2.",
    "wakeup_enter_time": "Please key the wake-up time as four digits, hours and minutes.",
    "am_pm_choice": "For A M press 1, for P M press 2.",
    "wakeup_you_entered": "You entered",
    "wakeup_confirm_choice": "To confirm, press 1. To enter a different time, press 2.",
    "wakeup_set_done": "Your wake-up call is set for",
    "wakeup_cancelled": "Your wake-up call is cancelled.",
    "wakeup_invalid_time": "That is not a valid time.",
    "wakeup_too_soon": "That time has already passed today, so your call will be tomorrow.",
}

PHRASES: Mapping[str, str] = MappingProxyType(
    {
        **_NUMBERS,
        **_TIMES_AND_WORDS,
        **_WAKEUP_CALL,
        **_OPERATOR,
        **_HOUSEKEEPING,
        **_GUEST_WAKEUP,
    }
)
