"""What the emulated OPERA Cloud holds: rooms, reservations with their guests, wake-up calls
and posted charges. Plain data; the rules that change it are in `state.py`."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


class ReservationStatus(enum.StrEnum):
    """OPERA's `pMS_ResStatusType`, the values a phone interface meets."""

    RESERVED = "Reserved"
    IN_HOUSE = "InHouse"
    CHECKED_OUT = "CheckedOut"


class WakeUpStatus(enum.StrEnum):
    """OPERA's `wakeUpCallStatusType`."""

    PENDING = "Pending"
    COMPLETED = "Completed"
    NO_ANSWER = "NoAnswer"
    CANCELLED = "Cancelled"


class FrontOfficeStatus(enum.StrEnum):
    """`frontOfficeRoomStatusType` (the body's `housekeepingStatus`)."""

    VACANT = "Vacant"
    OCCUPIED = "Occupied"


class RoomCondition(enum.StrEnum):
    """`housekeepingRoomStatusType` (the body's `housekeepingRoomStatus`)."""

    CLEAN = "Clean"
    DIRTY = "Dirty"
    PICKUP = "Pickup"
    INSPECTED = "Inspected"
    OUT_OF_ORDER = "OutOfOrder"
    OUT_OF_SERVICE = "OutOfService"


@dataclass
class Room:
    number: str
    condition: RoomCondition = RoomCondition.CLEAN
    front_office: FrontOfficeStatus = FrontOfficeStatus.VACANT


@dataclass
class Guest:
    """The reservation's guest profile (personal data: never logged)."""

    profile_id: str
    given_name: str
    surname: str
    title: str = ""
    vip: str = ""  # OPERA's VIP code, e.g. "VIP1"; "" when none
    language: str = ""  # e.g. "en", "fr-CA"

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.title, self.given_name, self.surname) if part)


@dataclass
class WakeUpCall:
    """One wake-up call; OPERA names it by (reservation, callTime), the emulator also by id."""

    id: str
    call_time: datetime  # property time, naive
    status: WakeUpStatus = WakeUpStatus.PENDING
    instructions: str = ""
    created_at: datetime | None = None  # aware UTC
    modified_at: datetime | None = None
    processed_at: datetime | None = None  # property time, naive: when the result came


@dataclass
class Reservation:
    id: str
    confirmation: str
    guest: Guest
    arrival: date
    departure: date
    status: ReservationStatus = ReservationStatus.RESERVED
    room: str | None = None
    share_id: str | None = None  # reservations with the same share id are sharers
    wakeups: list[WakeUpCall] = field(default_factory=list)
    created_at: datetime | None = None
    modified_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Posting:
    """A charge on a reservation's folio, as `postBillingCharges` made it."""

    transaction_no: int
    reservation_id: str
    room: str | None
    transaction_code: str
    amount: Decimal
    currency: str
    quantity: int
    reference: str
    remark: str
    folio_window: int
    posted_at: datetime  # aware UTC
