"""The housekeeping menu (pure): which digit keys which room status, and how it is spoken."""

from __future__ import annotations

from collections.abc import Mapping

from connector.events.models import HousekeepingStatus
from connector.settings.phone import IvrSettings
from connector.voice import speech

# FIAS RS cannot say these: they stay in the room state and go to a webhook PMS only.
EXTRA_STATUSES = frozenset({HousekeepingStatus.OUT_OF_ORDER, HousekeepingStatus.MAINTENANCE})


def status_codes(settings: IvrSettings) -> dict[str, HousekeepingStatus]:
    """Digit → status, for every code the hotel uses (the extra ones only when set)."""
    codes = {
        settings.code_dirty: HousekeepingStatus.DIRTY,
        settings.code_clean: HousekeepingStatus.CLEAN,
        settings.code_inspected: HousekeepingStatus.INSPECTED,
    }
    if settings.code_out_of_order is not None:
        codes[settings.code_out_of_order] = HousekeepingStatus.OUT_OF_ORDER
    if settings.code_maintenance is not None:
        codes[settings.code_maintenance] = HousekeepingStatus.MAINTENANCE
    return codes


def status_word(status: HousekeepingStatus) -> str:
    """The prompt that names the status: status_dirty, status_out_of_order, ..."""
    return f"status_{status.value}"


def menu(codes: Mapping[str, HousekeepingStatus]) -> list[str]:
    """"For dirty press 1, for clean press 2, ...", in the order the settings list them."""
    names: list[str] = []
    for digit, status in codes.items():
        names += ["for", status_word(status), "press", *speech.digits(digit)]
    return names
