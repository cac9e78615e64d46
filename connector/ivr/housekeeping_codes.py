"""The housekeeping menu (pure): which digit keys which room status, and how it is spoken."""

from __future__ import annotations

import enum
from collections.abc import Mapping

from connector.events.models import HousekeepingStatus
from connector.settings.phone import IvrSettings
from connector.voice import speech

# FIAS RS cannot say these: they stay in the room state and go to a webhook PMS only.
EXTRA_STATUSES = frozenset({HousekeepingStatus.OUT_OF_ORDER, HousekeepingStatus.MAINTENANCE})


class GuestRequest(enum.StrEnum):
    """A code in the same menu that is a guest service status, not a room status: it goes
    to the PMS as RS 9 and leaves the maid status alone."""

    MAKE_UP_ROOM = "make_up_room"


Choice = HousekeepingStatus | GuestRequest


def status_codes(settings: IvrSettings) -> dict[str, Choice]:
    """Digit → status, for every code the hotel uses (the extra ones only when set)."""
    codes: dict[str, Choice] = {
        settings.code_dirty: HousekeepingStatus.DIRTY,
        settings.code_clean: HousekeepingStatus.CLEAN,
        settings.code_inspected: HousekeepingStatus.INSPECTED,
    }
    if settings.code_out_of_order is not None:
        codes[settings.code_out_of_order] = HousekeepingStatus.OUT_OF_ORDER
    if settings.code_maintenance is not None:
        codes[settings.code_maintenance] = HousekeepingStatus.MAINTENANCE
    if settings.code_make_up_room is not None:
        codes[settings.code_make_up_room] = GuestRequest.MAKE_UP_ROOM
    return codes


def status_word(status: Choice) -> str:
    """The prompt that names the status: status_dirty, status_make_up_room, ..."""
    return f"status_{status.value}"


def menu(codes: Mapping[str, Choice]) -> list[str]:
    """"For dirty press 1, for clean press 2, ...", in the order the settings list them."""
    names: list[str] = []
    for digit, status in codes.items():
        names += ["for", status_word(status), "press", *speech.digits(digit)]
    return names
