"""What the emulated Cloudbeds property holds, and the front desk's actions on it (no I/O).

One property (propertyID, currency), its rooms (roomName is the number on the door), its
reservations (status, guests, the room assigned, dates), each room's housekeeping (condition,
do-not-disturb), the custom items posted to folios (a `referenceID` seen before creates nothing, as
Cloudbeds' spec says) and the webhook subscriptions. Every change that Cloudbeds announces is handed
to `notify(event, body)` as the thin body Cloudbeds posts; delivery is `webhooks_out`'s job.
"""

from __future__ import annotations

import enum
import itertools
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from connector.clock import Clock

WEBHOOK_VERSION = "1.0"

# The (object, action) pairs the emulator announces; postWebhook refuses others.
EVENTS: frozenset[tuple[str, str]] = frozenset({
    ("reservation", "created"), ("reservation", "status_changed"),
    ("reservation", "dates_changed"), ("reservation", "accommodation_changed"),
    ("reservation", "accommodation_status_changed"), ("reservation", "deleted"),
    ("housekeeping", "room_condition_changed"),
})

Notify = Callable[[str, dict[str, object]], None]


class Status(enum.StrEnum):
    CONFIRMED = "confirmed"
    CHECKED_IN = "checked_in"
    CHECKED_OUT = "checked_out"
    CANCELED = "canceled"
    NO_SHOW = "no_show"


class Condition(enum.StrEnum):
    DIRTY = "dirty"
    CLEAN = "clean"
    INSPECTED = "inspected"


class CloudbedsError(Exception):
    """A request Cloudbeds answers with `{"success": false, "message": …}`."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(slots=True)
class Room:
    room_id: str
    name: str  # the room number the hotel and Zoom know
    type_id: str
    type_name: str
    condition: Condition = Condition.CLEAN
    dnd: bool = False
    refused_service: bool = False
    vacant_pickup: bool = False
    comments: str = ""


@dataclass(slots=True)
class Guest:
    guest_id: str
    first_name: str
    last_name: str
    main: bool = False


@dataclass(slots=True)
class Reservation:
    reservation_id: str
    status: Status
    guests: list[Guest]
    start: date
    end: date
    created: datetime
    modified: datetime
    status_at: datetime
    room_id: str | None = None
    room_type_id: str = ""

    @property
    def main_guest(self) -> Guest:
        return next((g for g in self.guests if g.main), self.guests[0])


@dataclass(frozen=True, slots=True)
class PostedItem:
    """One postCustomItem transaction."""

    transaction_id: str
    sold_product_id: str
    reservation_id: str
    reference_id: str | None
    items: tuple[dict[str, object], ...]
    at: datetime


@dataclass(frozen=True, slots=True)
class Subscription:
    subscription_id: str
    object: str
    action: str
    endpoint_url: str

    @property
    def event(self) -> str:
        return f"{self.object}/{self.action}"


@dataclass
class CloudbedsState:
    """One property; `notify` is called for every webhook-worthy change."""

    clock: Clock
    property_id: str = "198765"
    property_name: str = "Hotel Sandbox"
    currency: str = "EUR"
    notify: Notify | None = None
    rooms: dict[str, Room] = field(default_factory=dict)  # by roomID
    reservations: dict[str, Reservation] = field(default_factory=dict)
    posted: list[PostedItem] = field(default_factory=list)
    subscriptions: dict[str, Subscription] = field(default_factory=dict)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def _next(self) -> int:
        return next(self._ids)

    # -- rooms --------------------------------------------------------------------------

    def add_room(self, name: str, type_name: str = "Standard") -> Room:
        """A room numbered `name` (roomName), of the type named `type_name`."""
        if self.room_named(name) is not None:
            raise ValueError(f"room {name} exists already")
        type_id = str(zlib.crc32(type_name.encode()) % 900_000 + 100_000)  # stable per name
        room = Room(room_id=f"{self.property_id}-{self._next()}", name=name, type_id=type_id,
                    type_name=type_name)
        self.rooms[room.room_id] = room
        return room

    def room_named(self, name: str) -> Room | None:
        return next((r for r in self.rooms.values() if r.name == name), None)

    def _room(self, name: str) -> Room:
        room = self.room_named(name)
        if room is None:
            raise CloudbedsError(404, f"Room {name} not found")
        return room

    def room_by_id(self, room_id: str) -> Room:
        room = self.rooms.get(room_id)
        if room is None:
            raise CloudbedsError(400, f"Invalid roomID {room_id}")
        return room

    # -- reservations: the front desk ---------------------------------------------------

    def reservation(self, reservation_id: str) -> Reservation:
        found = self.reservations.get(reservation_id)
        if found is None:
            raise CloudbedsError(404, f"Reservation {reservation_id} not found")
        return found

    def create_reservation(self, first_name: str, last_name: str, start: date, end: date,
                           room: str | None = None,
                           sharers: Iterable[tuple[str, str]] = ()) -> Reservation:
        """A booking (confirmed), in room number `room` if given."""
        if end <= start:
            raise CloudbedsError(400, "endDate must be after startDate")
        now = self.clock.now()
        guests = [Guest(str(9_100_000 + self._next()), first_name, last_name, main=True)]
        guests += [Guest(str(9_100_000 + self._next()), f, la) for f, la in sharers]
        reservation = Reservation(
            reservation_id=str(7_000_000_000 + self._next()), status=Status.CONFIRMED,
            guests=guests, start=start, end=end, created=now, modified=now, status_at=now)
        if room is not None:
            target = self._room(room)
            reservation.room_id, reservation.room_type_id = target.room_id, target.type_id
        self.reservations[reservation.reservation_id] = reservation
        self._announce("reservation/created", reservation, startDate=start.isoformat(),
                       endDate=end.isoformat())
        return reservation

    def check_in(self, reservation_id: str, room: str | None = None) -> Reservation:
        """The guest arrives: into room number `room` (or the room assigned)."""
        reservation = self.reservation(reservation_id)
        if reservation.status is not Status.CONFIRMED:
            raise CloudbedsError(400, f"Reservation is {reservation.status}, not confirmed")
        if room is not None and (reservation.room_id is None
                                 or self.rooms[reservation.room_id].name != room):
            self.move(reservation_id, room)
        if reservation.room_id is None:
            raise CloudbedsError(400, "Assign a room before checking in")
        self._set_status(reservation, Status.CHECKED_IN)
        self._announce("reservation/accommodation_status_changed", reservation,
                       status="in_house", roomID=reservation.room_id)
        return reservation

    def check_out(self, reservation_id: str) -> Reservation:
        """The guest leaves; the room turns dirty."""
        reservation = self.reservation(reservation_id)
        if reservation.status is not Status.CHECKED_IN:
            raise CloudbedsError(400, f"Reservation is {reservation.status}, not checked in")
        self._set_status(reservation, Status.CHECKED_OUT)
        assert reservation.room_id is not None
        self._announce("reservation/accommodation_status_changed", reservation,
                       status="checked_out", roomID=reservation.room_id)
        self.set_condition(self.rooms[reservation.room_id].name, Condition.DIRTY)
        return reservation

    def move(self, reservation_id: str, room: str) -> Reservation:
        """Assign (or move the guest to) room number `room`."""
        reservation = self.reservation(reservation_id)
        target = self._room(room)
        if reservation.status in (Status.CHECKED_OUT, Status.CANCELED, Status.NO_SHOW):
            raise CloudbedsError(400, f"Reservation is {reservation.status}")
        if reservation.room_id == target.room_id:
            return reservation
        reservation.room_id, reservation.room_type_id = target.room_id, target.type_id
        reservation.modified = self.clock.now()
        self._announce("reservation/accommodation_changed", reservation, roomID=target.room_id)
        return reservation

    def change_dates(self, reservation_id: str, start: date, end: date) -> Reservation:
        reservation = self.reservation(reservation_id)
        if end <= start:
            raise CloudbedsError(400, "endDate must be after startDate")
        reservation.start, reservation.end = start, end
        reservation.modified = self.clock.now()
        self._announce("reservation/dates_changed", reservation, startDate=start.isoformat(),
                       endDate=end.isoformat())
        return reservation

    def rename(self, reservation_id: str, first_name: str, last_name: str) -> Reservation:
        """New names for the main guest. Cloudbeds announces this as guest/details_changed,
        which the emulator does not send: an adapter sees it at the next read or resync."""
        reservation = self.reservation(reservation_id)
        guest = reservation.main_guest
        guest.first_name, guest.last_name = first_name, last_name
        reservation.modified = self.clock.now()
        return reservation

    def cancel(self, reservation_id: str) -> Reservation:
        reservation = self.reservation(reservation_id)
        if reservation.status is not Status.CONFIRMED:
            raise CloudbedsError(400, f"Reservation is {reservation.status}, not confirmed")
        self._set_status(reservation, Status.CANCELED)
        return reservation

    def no_show(self, reservation_id: str) -> Reservation:
        reservation = self.reservation(reservation_id)
        if reservation.status is not Status.CONFIRMED:
            raise CloudbedsError(400, f"Reservation is {reservation.status}, not confirmed")
        self._set_status(reservation, Status.NO_SHOW)
        return reservation

    def delete(self, reservation_id: str) -> None:
        reservation = self.reservation(reservation_id)
        del self.reservations[reservation_id]
        self._announce("reservation/deleted", reservation)

    def _set_status(self, reservation: Reservation, status: Status) -> None:
        now = self.clock.now()
        reservation.status, reservation.modified, reservation.status_at = status, now, now
        self._announce("reservation/status_changed", reservation, status=status.value)

    # -- housekeeping -------------------------------------------------------------------

    def set_condition(self, room: str, condition: Condition) -> Room:
        """Housekeeping marks room number `room` dirty, clean or inspected."""
        return self._housekeeping(self._room(room), condition=condition)

    def housekeeping(self, room_id: str, *, condition: Condition | None = None,
                     dnd: bool | None = None, refused_service: bool | None = None,
                     vacant_pickup: bool | None = None, comments: str | None = None) -> Room:
        """postHousekeepingStatus: with nothing to set, the condition flips (clean <-> dirty),
        as Cloudbeds' description says."""
        room = self.room_by_id(room_id)
        if (condition, dnd, refused_service, vacant_pickup, comments) == (None,) * 5:
            condition = Condition.CLEAN if room.condition is Condition.DIRTY else Condition.DIRTY
        return self._housekeeping(room, condition=condition, dnd=dnd,
                                  refused_service=refused_service,
                                  vacant_pickup=vacant_pickup, comments=comments)

    def _housekeeping(self, room: Room, *, condition: Condition | None = None,
                      dnd: bool | None = None, refused_service: bool | None = None,
                      vacant_pickup: bool | None = None, comments: str | None = None) -> Room:
        changed = condition is not None and condition is not room.condition
        if condition is not None:
            room.condition = condition
        if dnd is not None:
            room.dnd = dnd
        if refused_service is not None:
            room.refused_service = refused_service
        if vacant_pickup is not None:
            room.vacant_pickup = vacant_pickup
        if comments is not None:
            room.comments = comments
        if changed:
            self._emit("housekeeping/room_condition_changed",
                       roomID=room.room_id, roomCondition=room.condition.value)
        return room

    # -- folio items --------------------------------------------------------------------

    def post_items(self, reservation_id: str, reference_id: str | None,
                   items: list[dict[str, object]]) -> tuple[PostedItem, bool]:
        """postCustomItem: the item posted, and whether it was posted before. A second post
        with a known `referenceID` creates nothing and gives the first one back (the v1.3
        spec: `data.notice` then says "nothing was created or updated")."""
        reservation = self.reservation(reservation_id)
        if reservation.status in (Status.CANCELED, Status.NO_SHOW):
            raise CloudbedsError(400, f"Reservation is {reservation.status}")
        earlier = next((p for p in self.posted
                        if reference_id and p.reference_id == reference_id), None)
        if earlier is not None:
            return earlier, True
        number = self._next()
        posted = PostedItem(transaction_id=f"T{number}", sold_product_id=f"SP{number}",
                            reservation_id=reservation_id, reference_id=reference_id,
                            items=tuple(items), at=self.clock.now())
        self.posted.append(posted)
        return posted, False

    # -- webhook subscriptions ----------------------------------------------------------

    def subscribe(self, obj: str, action: str, endpoint_url: str) -> Subscription:
        """postWebhook: every call is a new subscription (two of them deliver twice)."""
        if (obj, action) not in EVENTS:
            raise CloudbedsError(400, f"Unknown event {obj}/{action}")
        if not endpoint_url.startswith(("http://", "https://")):
            raise CloudbedsError(400, "endpointUrl must be an http(s) URL")
        sub = Subscription(str(5_000_000 + self._next()), obj, action, endpoint_url)
        self.subscriptions[sub.subscription_id] = sub
        return sub

    def unsubscribe(self, subscription_id: str) -> None:
        if self.subscriptions.pop(subscription_id, None) is None:
            raise CloudbedsError(404, f"Subscription {subscription_id} not found")

    # -- announcing ---------------------------------------------------------------------

    def _announce(self, event: str, reservation: Reservation, **extra: object) -> None:
        self._emit(event, reservationID=reservation.reservation_id, **extra)

    def _emit(self, event: str, **fields: object) -> None:
        if self.notify is None:
            return
        body: dict[str, object] = {
            "version": WEBHOOK_VERSION, "event": event,
            "timestamp": round(self.clock.now().timestamp(), 6),
            "propertyID": int(self.property_id), "propertyID_str": self.property_id,
        }
        body.update(fields)
        self.notify(event, body)
