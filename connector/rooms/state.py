"""A room's desired state: what the PMS has told us, folded into a level (pure data)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from connector.events.models import ClassOfService, Guest, HousekeepingStatus


class _State(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class Stay(_State):
    """One reservation in house in the room; `reservation` None is the room's own stay, for
    a PMS that keys guests by room (FIAS without G#): at most one per room."""

    reservation: str | None
    guests: tuple[Guest, ...]
    arrival: date | None = None
    departure: date | None = None
    class_of_service: ClassOfService | None = None
    checked_in_at: datetime
    # Inbox sequence of the last event that mentioned this reservation (for resyncs).
    seen_seq: int = 0

    @property
    def primary(self) -> Guest:
        return self.guests[0]


class DndWish(_State):
    """The guest's do-not-disturb: on until `until` (None: until turned off)."""

    on: bool = False
    until: datetime | None = None

    def active(self, now: datetime) -> bool:
        return self.on and (self.until is None or now < self.until)


class Wakeup(_State):
    at: datetime
    days: int = 1
    set_by_event: str = ""


class Housekeeping(_State):
    """The room status housekeeping last keyed on the room phone, the nightly reset set, or
    the PMS sent (`source` "pms"): for the console, and for what was reported to the PMS."""

    status: HousekeepingStatus
    # The FIAS maid status (RS 1-6) it amounts to with the room's occupancy at that moment;
    # out of order and maintenance leave the room dirty.
    maid_status: int = Field(ge=1, le=6)
    at: datetime
    attendant: str | None = None
    source: str = "phone"


class RoomState(_State):
    """Everything the PMS wants for one room. The planner turns it into Zoom changes."""

    room: str
    stays: tuple[Stay, ...] = ()  # in check-in order: the first names the room
    dnd: DndWish = DndWish()
    # A class of service sent for the room itself (FIAS RE CS); else the primary stay's.
    class_of_service: ClassOfService | None = None
    message_waiting: bool = False
    wakeups: tuple[Wakeup, ...] = ()
    # The mailbox must hold no voicemail left before this time (set at check-out and check-in).
    no_voicemail_before: datetime | None = None
    # When the room last went occupied or vacant (DV2000's "checked in/out with the date").
    occupancy_since: datetime | None = None
    # What housekeeping last said of the room (from the phone, the nightly reset or the PMS).
    housekeeping: Housekeeping | None = None
    # Bumped by every change of the above; the reconciler confirms versions.
    version: int = Field(0, ge=0)

    @property
    def occupied(self) -> bool:
        return bool(self.stays)

    @property
    def primary(self) -> Stay | None:
        return self.stays[0] if self.stays else None

    def effective_class_of_service(self) -> ClassOfService | None:
        if not self.occupied:
            return None
        if self.class_of_service is not None:
            return self.class_of_service
        primary = self.primary
        return primary.class_of_service if primary else None
