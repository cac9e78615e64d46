"""The canonical PMS event vocabulary: what any PMS can tell us, in one neutral shape.

Every event has a unique `id` (the idempotency key: the same id twice is applied once) and
`occurred_at`, the time the PMS says it happened. Translators in `connector.pms` turn FIAS
records and vendor webhooks into these; nothing here knows about Zoom or HTTP.
"""

from __future__ import annotations

import enum
from datetime import date
from typing import Annotated, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

EventId = Annotated[str, StringConstraints(min_length=1, max_length=128, strip_whitespace=True)]
RoomNumber = Annotated[str, StringConstraints(min_length=1, max_length=16, strip_whitespace=True)]
Reservation = Annotated[
    str, StringConstraints(min_length=1, max_length=64, strip_whitespace=True)
]
Text = Annotated[str, StringConstraints(max_length=200, strip_whitespace=True)]


class ClassOfService(enum.IntEnum):
    """What a room phone may dial, as PMSs send it (FIAS `CS`)."""

    BARRED = 0  # internal calls only
    LOCAL = 1
    NATIONAL = 2
    UNRESTRICTED = 3


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Guest(_Model):
    """One guest of a reservation; names in any script."""

    title: Text = ""
    first_name: Text = ""
    last_name: Text = ""
    vip: Text = ""
    language: Text = ""


class _Event(_Model):
    id: EventId = Field(description="Unique per event; a repeat is acknowledged and ignored.")
    occurred_at: AwareDatetime = Field(description="When the PMS says it happened (with zone).")


_ROOM_KEYED = "None: the PMS keys guests by room (it sends no reservation numbers)."


class _Stay(_Event):
    room: RoomNumber
    reservation: Reservation | None = Field(None, description=_ROOM_KEYED)
    guests: list[Guest] = Field(min_length=1, max_length=20)
    share: bool = Field(False, description="A sharer joining a room that is already occupied.")
    arrival: date | None = None
    departure: date | None = None
    class_of_service: ClassOfService | None = None


class CheckIn(_Stay):
    type: Literal["check_in"] = "check_in"


class GuestChange(_Stay):
    """New details for a reservation in house; with `old_room` it is a room move."""

    type: Literal["guest_change"] = "guest_change"
    old_room: RoomNumber | None = None
    old_room_share: bool = Field(
        False, description="In a move: the guest shared the old room, whose other guests stay.")


class CheckOut(_Event):
    type: Literal["check_out"] = "check_out"
    room: RoomNumber
    reservation: Reservation | None = Field(
        None, description="None: every guest of the room leaves (a PMS keyed by room).")


class Dnd(_Event):
    """Do-not-disturb on (until `until`, or until turned off) or off."""

    type: Literal["dnd"] = "dnd"
    room: RoomNumber
    on: bool
    until: AwareDatetime | None = None


class ClassOfServiceChange(_Event):
    type: Literal["class_of_service"] = "class_of_service"
    room: RoomNumber
    level: ClassOfService


class MessageWaiting(_Event):
    type: Literal["message_waiting"] = "message_waiting"
    room: RoomNumber
    on: bool


class WakeupSet(_Event):
    """A wake-up at `at` (hotel time, with zone), optionally repeated daily for `days` days."""

    type: Literal["wakeup_set"] = "wakeup_set"
    room: RoomNumber
    at: AwareDatetime
    days: int = Field(1, ge=1, le=366)


class WakeupClear(_Event):
    """Clear the wake-up at `at`, or every wake-up of the room when `at` is absent."""

    type: Literal["wakeup_clear"] = "wakeup_clear"
    room: RoomNumber
    at: AwareDatetime | None = None


class ResyncStart(_Event):
    """The PMS is about to send every in-house reservation (FIAS DS … DE)."""

    type: Literal["resync_start"] = "resync_start"
    resync_id: EventId


class ResyncEnd(_Event):
    """The snapshot is complete: reservations not sent since the start are no longer in
    house, and their rooms go vacant."""

    type: Literal["resync_end"] = "resync_end"
    resync_id: EventId


class GuestAnonymised(_Event):
    """The PMS has anonymised a guest: erase what the connector keeps of that stay (names,
    titles, VIP text, language, dialled numbers), named by its reservation, or by a room and a
    day of the stay (hotel time) for a PMS that keys guests by room. Nothing changes in Zoom:
    a guest still in house keeps the room's name until the PMS sends another (docs/privacy.md)."""

    type: Literal["guest_anonymised"] = "guest_anonymised"
    reservation: Reservation | None = None
    room: RoomNumber | None = None
    on: date | None = Field(None, description="A day of the stay (hotel time), with `room`.")

    @model_validator(mode="after")
    def _names_one_stay(self) -> GuestAnonymised:
        if self.reservation is None and (self.room is None or self.on is None):
            raise ValueError("name the stay: a reservation, or a room and a day of the stay")
        return self


class HousekeepingStatus(enum.StrEnum):
    """What housekeeping keys on the room phone. The first three become FIAS maid statuses
    (with the room's occupancy); the last two cannot be said in FIAS RS."""

    DIRTY = "dirty"
    CLEAN = "clean"
    INSPECTED = "inspected"
    OUT_OF_ORDER = "out_of_order"
    MAINTENANCE = "maintenance"


class HousekeepingUpdate(_Event):
    """A room status keyed by housekeeping on the room phone, set by the front desk in the
    console, set by the nightly reset, or changed in the PMS and sent over FIAS (RE with RS:
    `source` "pms", never reported back).

    It is not part of `Event` (what the webhook accepts) but of `AnyEvent` (what the inbox
    stores)."""

    type: Literal["housekeeping"] = "housekeeping"
    room: RoomNumber
    status: HousekeepingStatus
    attendant: str | None = Field(None, pattern=r"^\d{1,8}$")
    # "console": set by the front desk in the console (reported to the PMS as a phone's is).
    source: Literal["phone", "nightly_reset", "pms", "console"] = "phone"
    # The PMS's own maid status (RS 1-6): it says vacant or occupied itself.
    maid_status: int | None = Field(None, ge=1, le=6)


Event = Annotated[
    CheckIn | GuestChange | CheckOut | Dnd | ClassOfServiceChange | MessageWaiting
    | WakeupSet | WakeupClear | ResyncStart | ResyncEnd | GuestAnonymised,
    Field(discriminator="type"),
]

AnyEvent = Annotated[
    CheckIn | GuestChange | CheckOut | Dnd | ClassOfServiceChange | MessageWaiting
    | WakeupSet | WakeupClear | ResyncStart | ResyncEnd | GuestAnonymised | HousekeepingUpdate,
    Field(discriminator="type"),
]
"""Everything the inbox stores: what the PMS says (`Event`) and what the room phones say."""

ROOM_EVENTS = (CheckIn, GuestChange, CheckOut, Dnd, ClassOfServiceChange, MessageWaiting,
               WakeupSet, WakeupClear)


def rooms_of(event: Event) -> tuple[str, ...]:
    """The rooms an event touches (a move touches two; a resync's end touches all)."""
    if isinstance(event, GuestChange) and event.old_room and event.old_room != event.room:
        return (event.old_room, event.room)
    if isinstance(event, ResyncStart | ResyncEnd):
        return ()
    if isinstance(event, GuestAnonymised):
        return () if event.room is None else (event.room,)
    return (event.room,)


__all__ = [
    "ROOM_EVENTS", "AnyEvent", "CheckIn", "CheckOut", "ClassOfService", "ClassOfServiceChange",
    "Dnd", "Event", "Guest", "GuestAnonymised", "GuestChange", "HousekeepingStatus",
    "HousekeepingUpdate", "MessageWaiting", "ResyncEnd", "ResyncStart", "WakeupClear",
    "WakeupSet", "rooms_of",
]
