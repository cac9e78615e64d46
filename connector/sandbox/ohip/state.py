"""The emulated hotel in OPERA Cloud, and everything that changes it.

The front desk's actions (check in, check out, move, change a name or VIP, reverse, set a
wake-up call, set a room status) are methods here; each appends the business event OPERA
writes for it to the event log, with its details (old and new values). The same methods serve
the REST routes, where a change made through the API appears as an event only when
`echo_api_changes` is on (UNCONFIRMED whether OPERA echoes an external system's own changes to
it), and a wake-up call's result written by the phone system never does.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from decimal import Decimal

from connector.clock import Clock
from connector.sandbox.ohip import elements as el
from connector.sandbox.ohip.errors import OhipError, invalid, not_found
from connector.sandbox.ohip.event_log import Detail, OhipEventLog
from connector.sandbox.ohip.model import (
    FrontOfficeStatus,
    Guest,
    Posting,
    Reservation,
    ReservationStatus,
    Room,
    RoomCondition,
    WakeUpCall,
    WakeUpStatus,
)

_RESULTS = frozenset({WakeUpStatus.COMPLETED, WakeUpStatus.NO_ANSWER})


def _minute(when: datetime) -> datetime:
    return when.replace(second=0, microsecond=0)


def _text(when: datetime) -> str:
    return when.isoformat(timespec="seconds")


def _plain(details: list[Detail]) -> list[Detail]:
    """Values as plain strings (not the enums they came from), as the events carry them."""
    return [Detail(d.element_name,
                   None if d.old_value is None else str(d.old_value),
                   None if d.new_value is None else str(d.new_value)) for d in details]


@dataclass
class OhipState:
    """One hotel of one OPERA Cloud environment."""

    hotel_id: str
    log: OhipEventLog
    clock: Clock
    tz: tzinfo
    echo_api_changes: bool = True
    rooms: dict[str, Room] = field(default_factory=dict)
    reservations: dict[str, Reservation] = field(default_factory=dict)
    postings: list[Posting] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    # -- reading -------------------------------------------------------------------------

    def local_now(self) -> datetime:
        """Property time, naive (as OPERA's wake-up times are)."""
        return self.clock.now().astimezone(self.tz).replace(tzinfo=None)

    def business_date(self) -> date:
        return self.local_now().date()

    def room(self, number: str) -> Room:
        found = self.rooms.get(number)
        if found is None:
            raise not_found(f"Room {number}")
        return found

    def reservation(self, reservation_id: str) -> Reservation:
        found = self.reservations.get(reservation_id)
        if found is None:
            raise not_found(f"Reservation {reservation_id}")
        return found

    def in_house(self) -> list[Reservation]:
        """In-house reservations by room, then id: the order OPERA lists them in."""
        stays = [r for r in self.reservations.values() if r.status is ReservationStatus.IN_HOUSE]
        return sorted(stays, key=lambda r: (r.room or "", int(r.id)))

    def sharers(self, reservation: Reservation) -> list[Reservation]:
        """The other reservations sharing its room (not itself)."""
        if reservation.share_id is None:
            return []
        return [r for r in self.reservations.values()
                if r.share_id == reservation.share_id and r.id != reservation.id]

    def wakeup(self, reservation: Reservation, call_time: datetime) -> WakeUpCall:
        """The call set for `call_time` (to the minute); OPERA names a call by its time."""
        for call in reservation.wakeups:
            if _minute(call.call_time) == _minute(call_time):
                return call
        raise not_found(f"Wake up call at {_text(call_time)} on reservation {reservation.id}")

    def wakeup_by_id(self, reservation: Reservation, call_id: str) -> WakeUpCall:
        for call in reservation.wakeups:
            if call.id == call_id:
                return call
        raise not_found(f"Wake up call {call_id} on reservation {reservation.id}")

    # -- the hotel -----------------------------------------------------------------------

    def add_rooms(self, numbers: Iterable[str]) -> None:
        for number in numbers:
            self.rooms.setdefault(number, Room(number))

    def create_reservation(
        self, given_name: str, surname: str, *, arrival: date | None = None,
        departure: date | None = None, title: str = "", vip: str = "", language: str = "",
        room: str | None = None, share_with: str | None = None,
    ) -> Reservation:
        """A new reservation (no event: OPERA's NEW RESERVATION is not a phone's business)."""
        arrival = arrival or self.business_date()
        departure = departure or date.fromordinal(arrival.toordinal() + 1)
        if departure <= arrival:
            raise invalid("The departure must be after the arrival")
        if room is not None:
            self.room(room)
        number = next(self._ids)
        now = self.clock.now()
        reservation = Reservation(
            id=str(100_000 + number), confirmation=str(800_000 + number),
            guest=Guest(str(500_000 + number), given_name, surname, title, vip, language),
            arrival=arrival, departure=departure, room=room, created_at=now, modified_at=now)
        if share_with is not None:
            other = self.reservation(share_with)
            other.share_id = other.share_id or other.id
            reservation.share_id = other.share_id
            reservation.room = reservation.room or other.room
        self.reservations[reservation.id] = reservation
        return reservation

    def check_in(self, reservation_id: str, room: str | None = None) -> Reservation:
        """The guest arrives: InHouse in `room` (or the room already assigned)."""
        reservation = self.reservation(reservation_id)
        if reservation.status is not ReservationStatus.RESERVED:
            raise invalid(f"Reservation {reservation_id} is {reservation.status}, not Reserved")
        number = room or reservation.room
        if number is None:
            raise invalid(f"Reservation {reservation_id} has no room to check in to")
        self.room(number).front_office = FrontOfficeStatus.OCCUPIED
        reservation.room = number
        self._set_status(reservation, ReservationStatus.IN_HOUSE)
        self._emit(el.MODULE_RESERVATION, "CHECK IN", reservation, [
            Detail(el.ROOM, None, number),
            Detail(el.STATUS, ReservationStatus.RESERVED, ReservationStatus.IN_HOUSE),
            Detail(el.GUEST_NAME, None, reservation.guest.full_name),
        ])
        return reservation

    def check_out(self, reservation_id: str) -> Reservation:
        reservation = self._in_house(reservation_id)
        self._set_status(reservation, ReservationStatus.CHECKED_OUT)
        self._vacate(reservation.room)
        self._emit(el.MODULE_RESERVATION, "CHECK OUT", reservation, [
            Detail(el.ROOM, reservation.room, None),
            Detail(el.STATUS, ReservationStatus.IN_HOUSE, ReservationStatus.CHECKED_OUT),
        ])
        return reservation

    def reverse_check_in(self, reservation_id: str) -> Reservation:
        """A check-in made by mistake: back to Reserved, the room kept assigned."""
        reservation = self._in_house(reservation_id)
        self._set_status(reservation, ReservationStatus.RESERVED)
        self._vacate(reservation.room)
        self._emit(el.MODULE_RESERVATION, "REVERSE CHECK IN", reservation, [
            Detail(el.STATUS, ReservationStatus.IN_HOUSE, ReservationStatus.RESERVED),
            Detail(el.ROOM, reservation.room, reservation.room),
        ])
        return reservation

    def reverse_check_out(self, reservation_id: str) -> Reservation:
        """A check-out made by mistake: in house again, in the same room."""
        reservation = self.reservation(reservation_id)
        if reservation.status is not ReservationStatus.CHECKED_OUT:
            raise invalid(f"Reservation {reservation_id} is {reservation.status}, "
                          "not CheckedOut")
        self._set_status(reservation, ReservationStatus.IN_HOUSE)
        if reservation.room is not None:
            self.room(reservation.room).front_office = FrontOfficeStatus.OCCUPIED
        self._emit(el.MODULE_RESERVATION, "REVERSE CHECK OUT", reservation, [
            Detail(el.STATUS, ReservationStatus.CHECKED_OUT, ReservationStatus.IN_HOUSE),
            Detail(el.ROOM, None, reservation.room),
        ])
        return reservation

    def move(self, reservation_id: str, room: str) -> list[Reservation]:
        """A room move: the reservation and its sharers go to `room`; OPERA says it as an
        UPDATE RESERVATION of the room element, one per reservation moved."""
        reservation = self.reservation(reservation_id)
        if reservation.status is ReservationStatus.CHECKED_OUT:
            raise invalid(f"Reservation {reservation_id} has checked out")
        self.room(room)
        old = reservation.room
        if old == room:
            raise invalid(f"Reservation {reservation_id} is in room {room} already")
        moved = [reservation, *self.sharers(reservation)]
        for each in moved:
            each.room = room
            each.modified_at = self.clock.now()
        if reservation.status is ReservationStatus.IN_HOUSE:
            self._vacate(old)
            self.room(room).front_office = FrontOfficeStatus.OCCUPIED
        for each in moved:
            self._emit(el.MODULE_RESERVATION, "UPDATE RESERVATION", each,
                       [Detail(el.ROOM, old, room)])
        return moved

    def change_guest(
        self, reservation_id: str, *, given_name: str | None = None, surname: str | None = None,
        title: str | None = None, vip: str | None = None, language: str | None = None,
    ) -> Reservation:
        """A name, title, VIP or language change: one UPDATE RESERVATION with what changed."""
        reservation = self.reservation(reservation_id)
        guest = reservation.guest
        old_name = guest.full_name
        details: list[Detail] = []
        for element, attribute, value in (
            (el.GIVEN_NAME, "given_name", given_name), (el.SURNAME, "surname", surname),
            (el.TITLE, "title", title), (el.VIP, "vip", vip), (el.LANGUAGE, "language", language),
        ):
            before = getattr(guest, attribute)
            if value is not None and value != before:
                setattr(guest, attribute, value)
                details.append(Detail(element, before or None, value or None))
        if not details:
            return reservation
        if guest.full_name != old_name:
            details.append(Detail(el.GUEST_NAME, old_name, guest.full_name))
        reservation.modified_at = self.clock.now()
        self._emit(el.MODULE_RESERVATION, "UPDATE RESERVATION", reservation, details)
        return reservation

    # -- wake-up calls -------------------------------------------------------------------

    def add_wakeup(self, reservation_id: str, call_time: datetime, instructions: str = "",
                   *, from_api: bool = False) -> WakeUpCall:
        """A wake-up call at `call_time` (property time, naive)."""
        reservation = self.reservation(reservation_id)
        if reservation.status is ReservationStatus.CHECKED_OUT:
            raise invalid(f"Reservation {reservation_id} has checked out")
        call_time = _minute(call_time.replace(tzinfo=None))
        if any(_minute(c.call_time) == call_time for c in reservation.wakeups):
            raise invalid(f"A wake up call at {_text(call_time)} is set already",
                          "DUPLICATE_WAKEUP_CALL")
        now = self.clock.now()
        call = WakeUpCall(f"W{next(self._ids)}", call_time, instructions=instructions,
                          created_at=now, modified_at=now)
        reservation.wakeups.append(call)
        if not from_api or self.echo_api_changes:
            self._emit(el.MODULE_FRONT_DESK, "CREATE WAKE UP CALL", reservation, [
                Detail(el.WAKEUP_TIME, None, _text(call_time)),
                Detail(el.WAKEUP_STATUS, None, WakeUpStatus.PENDING),
                Detail(el.ROOM, None, reservation.room),
            ])
        return call

    def change_wakeup(self, reservation_id: str, call: WakeUpCall, *,
                      call_time: datetime | None = None, status: WakeUpStatus | None = None,
                      from_api: bool = False) -> WakeUpCall:
        """A new time or status. A result (Completed, NoAnswer) written through the API is
        the phone system's own report: it is not an event to it."""
        reservation = self.reservation(reservation_id)
        details: list[Detail] = []
        new_time = None if call_time is None else _minute(call_time.replace(tzinfo=None))
        if new_time is not None and new_time != call.call_time:
            details.append(Detail(el.WAKEUP_TIME, _text(call.call_time), _text(new_time)))
            call.call_time = new_time
        if status is not None and status is not call.status:
            details.append(Detail(el.WAKEUP_STATUS, call.status, status))
            call.status = status
            if status in _RESULTS:
                call.processed_at = self.local_now()
        if not details:
            return call
        call.modified_at = self.clock.now()
        result_only = len(details) == 1 and call.status in _RESULTS and (
            details[0].element_name == el.WAKEUP_STATUS)
        if not from_api or (self.echo_api_changes and not result_only):
            self._emit(el.MODULE_FRONT_DESK, "UPDATE WAKE UP CALL", reservation,
                       [*details, Detail(el.ROOM, reservation.room, reservation.room)])
        return call

    def delete_wakeup(self, reservation_id: str, call: WakeUpCall, *,
                      from_api: bool = False) -> None:
        reservation = self.reservation(reservation_id)
        reservation.wakeups.remove(call)
        if not from_api or self.echo_api_changes:
            self._emit(el.MODULE_FRONT_DESK, "DELETE WAKE UP CALL", reservation, [
                Detail(el.WAKEUP_TIME, _text(call.call_time), None),
                Detail(el.ROOM, reservation.room, None),
            ])

    # -- housekeeping and cashiering -----------------------------------------------------

    def set_room_status(self, number: str, *, condition: RoomCondition | None = None,
                        front_office: FrontOfficeStatus | None = None,
                        from_api: bool = False) -> Room:
        room = self.room(number)
        details: list[Detail] = []
        if condition is not None and condition is not room.condition:
            details.append(Detail(el.ROOM_STATUS, room.condition, condition))
            room.condition = condition
        if front_office is not None and front_office is not room.front_office:
            details.append(Detail(el.FO_STATUS, room.front_office, front_office))
            room.front_office = front_office
        if details and (not from_api or self.echo_api_changes):
            self.log.append(el.MODULE_HOUSEKEEPING, "UPDATE ROOM STATUS", number,
                            _plain(details), at=self.clock.now())
        return room

    def post_charge(self, reservation_id: str, *, transaction_code: str, amount: Decimal,
                    currency: str, quantity: int = 1, reference: str = "", remark: str = "",
                    folio_window: int = 1) -> Posting:
        """A charge on the folio. In-house reservations only; no idempotency: the same
        charge posted twice is on the folio twice, as in OPERA."""
        reservation = self.reservation(reservation_id)
        if reservation.status is not ReservationStatus.IN_HOUSE:
            raise OhipError(400, f"Reservation {reservation_id} is not in house: charges are "
                            "posted to in-house reservations only", "RESERVATION_NOT_IN_HOUSE")
        if not transaction_code:
            raise invalid("A transaction code is required", "TRX_CODE_REQUIRED")
        if quantity < 1:
            raise invalid("The posting quantity must be at least 1")
        posting = Posting(
            transaction_no=len(self.postings) + 1, reservation_id=reservation_id,
            room=reservation.room, transaction_code=transaction_code, amount=amount,
            currency=currency, quantity=quantity, reference=reference, remark=remark,
            folio_window=folio_window, posted_at=self.clock.now())
        self.postings.append(posting)
        return posting

    # -- inside --------------------------------------------------------------------------

    def _in_house(self, reservation_id: str) -> Reservation:
        reservation = self.reservation(reservation_id)
        if reservation.status is not ReservationStatus.IN_HOUSE:
            raise invalid(f"Reservation {reservation_id} is {reservation.status}, not InHouse")
        return reservation

    def _set_status(self, reservation: Reservation, status: ReservationStatus) -> None:
        reservation.status = status
        reservation.modified_at = self.clock.now()

    def _vacate(self, number: str | None) -> None:
        """The room is left: vacant and dirty, unless a sharer is still in it."""
        if number is None or any(
            r.room == number and r.status is ReservationStatus.IN_HOUSE
            for r in self.reservations.values()
        ):
            return
        room = self.room(number)
        room.front_office = FrontOfficeStatus.VACANT
        room.condition = RoomCondition.DIRTY

    def _emit(self, module: str, event: str, reservation: Reservation,
              details: list[Detail]) -> None:
        self.log.append(module, event, reservation.id, _plain(details), at=self.clock.now())
