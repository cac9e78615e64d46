"""The guest's wake-up call: hear the wake-up that is set, set one (key the time, hear it
read back, confirm) or cancel it. Nothing changes before the guest confirms. Only an
occupied room has a guest to wake."""

from __future__ import annotations

import contextlib
from datetime import datetime, time, tzinfo

from connector.clock import Clock
from connector.ivr.conversation import END_KEY, Conversation, TooManyAttempts
from connector.ivr.guest_wakeups import GuestWakeups
from connector.ivr.ports import Rooms
from connector.ivr.spoken import when
from connector.ivr.wakeup_time import (
    next_occurrence,
    next_wakeup,
    parse_12h,
    parse_24h,
    passed_today,
    with_meridiem,
)
from connector.settings.phone import IvrSettings, TimeEntry
from connector.sip.api import CallEnded

SET_KEY, CANCEL_KEY = "1", "2"
CONFIRM = {"1": True, "2": False}  # 2: key a different time
INVALID_TIME = ("wakeup_invalid_time",)


async def wakeup_call(conversation: Conversation, room: str, *, settings: IvrSettings,
                      tz: tzinfo, rooms: Rooms, wakeups: GuestWakeups, clock: Clock) -> str:
    """Run the call; returns its outcome ("set", "cancelled", or "vacant_room"). Raises
    CallEnded, TooManyAttempts."""
    now = clock.now()
    state = rooms.room(room)
    if state is None or not state.occupied:
        # A wake-up set in an empty room would ring for the next guest.
        await conversation.say(["not_a_guest_room"])
        return "vacant_room"
    current = next_wakeup(state.wakeups, now, tz)
    intro = ["wakeup_service"]
    if current is None:
        intro.append("wakeup_none")
        choices = {SET_KEY: "set"}
        options = ["wakeup_menu_set"]
    else:
        intro += ["wakeup_current", *when(current[1], now, tz, settings.time_entry)]
        choices = {SET_KEY: "set", CANCEL_KEY: "cancel"}
        options = ["wakeup_menu_set", "wakeup_menu_cancel"]
    choice = await conversation.choose([*intro, *options], choices.get, repeat=options)
    if current is not None and choice == "cancel":
        wakeups.cancel(room, current[0], clock.now())
        with contextlib.suppress(CallEnded):  # done already; the goodbye is a courtesy
            await conversation.say(["wakeup_cancelled", "goodbye"])
        return "cancelled"
    at = await _agreed_time(conversation, settings, tz, clock)
    wakeups.set(room, at, clock.now())
    with contextlib.suppress(CallEnded):  # set and reported; the read-back is a courtesy
        await conversation.say(
            ["wakeup_set_done", *when(at, clock.now(), tz, settings.time_entry), "goodbye"])
    return "set"


async def _agreed_time(conversation: Conversation, settings: IvrSettings, tz: tzinfo,
                       clock: Clock) -> datetime:
    """Key a time and confirm it; keying another time counts as an attempt."""
    for _round in range(settings.attempts):
        keyed = await _keyed_time(conversation, settings.time_entry)
        now = clock.now()
        heard = ["wakeup_too_soon"] if passed_today(keyed, now, tz) else []
        heard += ["wakeup_you_entered",
                  *when(next_occurrence(keyed, now, tz), now, tz, settings.time_entry)]
        if await conversation.choose([*heard, "wakeup_confirm_choice"], CONFIRM.get,
                                     repeat=["wakeup_confirm_choice"]):
            # Still ahead when confirmed, or else tomorrow (a guest confirming at 07:05:10
            # a call for 07:05 today is not called in the past).
            return next_occurrence(keyed, clock.now(), tz)
    raise TooManyAttempts


async def _keyed_time(conversation: Conversation, entry: TimeEntry) -> time:
    if entry is TimeEntry.H24:
        return await conversation.choose(["wakeup_enter_time"], parse_24h, keys=4,
                                         end=END_KEY, invalid=INVALID_TIME)
    clock = await conversation.choose(["wakeup_enter_time"], parse_12h, keys=4, end=END_KEY,
                                      invalid=INVALID_TIME)
    return await conversation.choose(["am_pm_choice"], lambda key: with_meridiem(clock, key))
