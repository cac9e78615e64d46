"""The housekeeping call: the attendant keys the room's status (and their number), hears it
read back, and it is recorded and reported. Nothing is recorded before the last key. The
make-up room code (guest or housekeeping) is reported at once, with no attendant number."""

from __future__ import annotations

import contextlib

from connector.clock import Clock
from connector.events.models import HousekeepingUpdate
from connector.ivr.conversation import END_KEY, Conversation
from connector.ivr.guest_wakeups import phone_event_id
from connector.ivr.housekeeping_codes import (
    Choice,
    GuestRequest,
    menu,
    status_codes,
    status_word,
)
from connector.ivr.status_recorder import StatusRecorder
from connector.settings.phone import IvrSettings
from connector.sip.api import CallEnded


def _attendant(keys: str) -> str | None:
    # Keying nothing (a pause or # at once) is allowed: the number is optional.
    return keys if keys == "" or (keys.isascii() and keys.isdigit()) else None


async def housekeeping_call(conversation: Conversation, room: str, *, settings: IvrSettings,
                            recorder: StatusRecorder, clock: Clock) -> str:
    """Run the call; returns its outcome ("recorded"). Raises CallEnded, TooManyAttempts."""
    codes = status_codes(settings)
    choices = menu(codes)
    status: Choice = await conversation.choose(["housekeeping_welcome", *choices], codes.get,
                                       repeat=choices)
    if isinstance(status, GuestRequest):
        recorder.make_up_room(room)
        await _read_back(conversation, status_word(status))
        return "recorded"
    attendant: str | None = None
    if settings.attendant_digits:
        keyed = await conversation.choose(["enter_attendant"], _attendant,
                                          keys=settings.attendant_digits, end=END_KEY)
        attendant = keyed or None
    update = HousekeepingUpdate(id=phone_event_id("housekeeping"), occurred_at=clock.now(),
                                room=room, status=status, attendant=attendant)
    recorder.record([update], source="phone")
    await _read_back(conversation, status_word(status))
    return "recorded"


async def _read_back(conversation: Conversation, word: str) -> None:
    # Recorded and reported: an attendant hanging up on the read-back changes nothing.
    with contextlib.suppress(CallEnded):
        await conversation.say(["room_is_now", word, "status_recorded"])
