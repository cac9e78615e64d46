"""OPERA's business events and reservations into canonical events (pure, no I/O).

A business event arrives in one of two shapes (both kept as they came in `Notice.body`):
the stream's `EventHeader` (StreamingGraphQLSchema.json: `metadata{offset, uniqueEventId}`,
`eventName`, `primaryKey`, `timestamp`, `detail[]{elementName, oldValue, newValue}`) and the
polled `businessEventData[]` item (int.json: `businessEvent{header{actionType, primaryKey,
createdDateTime}, details[]{dataElement, oldValue, newValue}}, businessEventId{id}`).

Reservation events are read back (`Read.RESERVATION`) and translated from what OPERA holds
now, guarded by the reservation's status, so a late or replayed notice never undoes a later
change; wake-up events read the reservation's wake-up calls (`Read.WAKEUPS`); a room status
carries what it says (`Read.NONE`).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any

from connector.events.models import (
    AnyEvent,
    CheckIn,
    CheckOut,
    Event,
    GuestChange,
    HousekeepingStatus,
    HousekeepingUpdate,
    WakeupClear,
    WakeupSet,
)
from connector.pms.cloud.contract import Notice
from connector.pms.ohip.reservation import Stay

RESERVATION_EVENTS = frozenset({"CHECK IN", "CHECK OUT", "UPDATE RESERVATION",
                                "REVERSE CHECK IN", "REVERSE CHECK OUT"})
WAKEUP_EVENTS = frozenset({"CREATE WAKE UP CALL", "UPDATE WAKE UP CALL", "DELETE WAKE UP CALL"})
ROOM_STATUS_EVENTS = frozenset({"UPDATE ROOM STATUS"})

# OPERA's housekeepingRoomStatusType, as the room phone's statuses.
HOUSEKEEPING: Mapping[str, HousekeepingStatus] = {
    "Clean": HousekeepingStatus.CLEAN, "Dirty": HousekeepingStatus.DIRTY,
    "Pickup": HousekeepingStatus.DIRTY,  # touched up, not yet clean
    "Inspected": HousekeepingStatus.INSPECTED, "OutOfOrder": HousekeepingStatus.OUT_OF_ORDER,
    "OutOfService": HousekeepingStatus.MAINTENANCE}
_MAID_STATUS = {("Dirty", "Vacant"): 1, ("Dirty", "Occupied"): 2, ("Clean", "Vacant"): 3,
                ("Clean", "Occupied"): 4, ("Inspected", "Vacant"): 5,
                ("Inspected", "Occupied"): 6}
# Element names OPERA may use for the room number in an event's details (not published:
# matched loosely, without spaces or underscores).
_ROOM_ELEMENTS = frozenset({"ROOM", "ROOMNO", "ROOMNUMBER", "ROOMID"})


class Read(enum.Enum):
    """What a business event needs read back before it can be translated."""

    NOTHING = "nothing"  # it means nothing for the phones
    NONE = "none"  # it carries what it says
    RESERVATION = "reservation"
    WAKEUPS = "wakeups"


@dataclass(frozen=True, slots=True)
class Detail:
    element: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class BusinessEvent:
    """One business event, whichever way it came."""

    name: str
    primary_key: str
    at: str  # OPERA's timestamp text ("" when none)
    details: tuple[Detail, ...]

    @property
    def read(self) -> Read:
        if self.name in RESERVATION_EVENTS:
            return Read.RESERVATION
        if self.name in WAKEUP_EVENTS:
            return Read.WAKEUPS
        if self.name in ROOM_STATUS_EVENTS:
            return Read.NONE
        return Read.NOTHING

    def room_detail(self) -> Detail | None:
        """The detail naming the room, when the event has one."""
        for detail in self.details:
            if detail.element.upper().replace(" ", "").replace("_", "") in _ROOM_ELEMENTS:
                return detail
        return None


def parse_event(body: Mapping[str, Any]) -> BusinessEvent:
    """The business event in a notice's body, streamed or polled."""
    if "businessEvent" in body:
        event = _map(body.get("businessEvent"))
        header = _map(event.get("header"))
        return BusinessEvent(
            name=_str(header.get("actionType")), primary_key=_str(header.get("primaryKey")),
            at=_str(header.get("createdDateTime")),
            details=tuple(Detail(_str(d.get("dataElement")), _str(d.get("oldValue")),
                                 _str(d.get("newValue"))) for d in _list(event.get("details"))))
    return BusinessEvent(
        name=_str(body.get("eventName")), primary_key=_str(body.get("primaryKey")),
        at=_str(body.get("timestamp")),
        details=tuple(Detail(_str(d.get("elementName")), _str(d.get("oldValue")),
                             _str(d.get("newValue"))) for d in _list(body.get("detail"))))


def occurred_at(event: BusinessEvent, notice: Notice, tz: tzinfo) -> datetime:
    """When OPERA says it happened (a time without zone is property time); else when the
    notice arrived."""
    return parse_time(event.at, tz) or notice.received_at


def parse_time(text: str, tz: tzinfo) -> datetime | None:
    """An OHIP date-time; one without an offset is property (hotel) time."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=tz)


def events_from_stay(event: BusinessEvent, stay: Stay, notice: Notice,
                     tz: tzinfo) -> list[Event]:
    """A reservation event, read back: what it means now. A reversed check-in leaves the
    room (CheckOut); a reversed check-out comes back (CheckIn); an update of a stay in house
    is a GuestChange, a move when the room changed."""
    at = occurred_at(event, notice, tz)
    ident = f"{notice.key}#0"
    match event.name:
        case "CHECK IN" | "REVERSE CHECK OUT" if stay.in_house and stay.room:
            return [CheckIn(id=ident, occurred_at=at, room=stay.room,
                            reservation=stay.reservation, guests=list(stay.guests),
                            share=stay.share, arrival=stay.arrival, departure=stay.departure)]
        case "CHECK OUT" | "REVERSE CHECK IN" if not stay.in_house:
            room = stay.room or _old_room(event)
            if room is None:
                return []
            return [CheckOut(id=ident, occurred_at=at, room=room, reservation=stay.reservation)]
        case "UPDATE RESERVATION" if stay.in_house and stay.room:
            moved = _old_room(event)
            return [GuestChange(id=ident, occurred_at=at, room=stay.room,
                                reservation=stay.reservation, guests=list(stay.guests),
                                share=stay.share, arrival=stay.arrival,
                                departure=stay.departure,
                                old_room=moved if moved and moved != stay.room else None)]
    return []


def check_ins(stays: Sequence[Stay], at: datetime) -> list[CheckIn]:
    """The resync's snapshot: every stay in house with a room, as a check-in."""
    return [CheckIn(id=f"ohip:inhouse:{stay.reservation}", occurred_at=at, room=stay.room,
                    reservation=stay.reservation, guests=list(stay.guests), share=stay.share,
                    arrival=stay.arrival, departure=stay.departure)
            for stay in stays if stay.room and stay.in_house]


def events_from_wakeups(event: BusinessEvent, answer: Mapping[str, Any], notice: Notice,
                        tz: tzinfo, *, room: str | None = None) -> list[Event]:
    """A wake-up event, read back as the reservation's calls (fof.json `wakeUpCalls`):
    each Pending call is set, each Cancelled one cleared, and a time the event's details
    say was changed or deleted is cleared when no call is pending at it any more.
    `room`: the reservation's room when its calls no longer name it."""
    at = occurred_at(event, notice, tz)
    pending: dict[datetime, int] = {}
    cleared: set[datetime] = set()
    for call in _list(answer.get("calls")):
        room = room or _str(_map(call.get("reservationInfo")).get("room")) or None
        when = parse_time(_str(call.get("callTime")), tz)
        if when is None:
            continue
        if call.get("status") == "Pending":
            pending[when] = _days(_map(call.get("timeSpan")))
        elif call.get("status") == "Cancelled":
            cleared.add(when)
    for detail in event.details:
        old = parse_time(detail.old, tz)
        if old is not None and detail.old != detail.new:
            cleared.add(old)
    if room is None:
        return []
    found: list[Event] = []
    for when in sorted(cleared - set(pending)):
        found.append(WakeupClear(id=f"{notice.key}#{len(found)}", occurred_at=at, room=room,
                                 at=when))
    for when, days in sorted(pending.items()):
        found.append(WakeupSet(id=f"{notice.key}#{len(found)}", occurred_at=at, room=room,
                               at=when, days=days))
    if not found and event.name == "DELETE WAKE UP CALL":
        found.append(WakeupClear(id=f"{notice.key}#0", occurred_at=at, room=room))
    return found


def wakeup_room(answer: Mapping[str, Any]) -> str | None:
    """The room a reservation's wake-up calls ring in, when any call names it."""
    for call in _list(answer.get("calls")):
        room = _str(_map(call.get("reservationInfo")).get("room"))
        if room:
            return room
    return None


def events_from_room_status(event: BusinessEvent, notice: Notice,
                            tz: tzinfo) -> list[AnyEvent]:
    """A room status changed in OPERA (source "pms": never reported back). The room is the
    event's primary key unless a detail names it."""
    detail = event.room_detail()
    room = (detail.new if detail and detail.new else "") or event.primary_key
    values = [d.new for d in event.details]
    status = next((v for v in values if v in HOUSEKEEPING), None)
    if not room or status is None:
        return []
    front = next((v for v in values if v in ("Vacant", "Occupied")), None)
    return [HousekeepingUpdate(
        id=f"{notice.key}#0", occurred_at=occurred_at(event, notice, tz), room=room,
        status=HOUSEKEEPING[status], source="pms",
        maid_status=_MAID_STATUS.get((status, front or "")))]


def _old_room(event: BusinessEvent) -> str | None:
    detail = event.room_detail()
    return detail.old.strip() or None if detail else None


def _days(span: Mapping[str, Any]) -> int:
    """A multi-day wake-up's number of days (1 when no span is given)."""
    try:
        start = date.fromisoformat(_str(span.get("startDate"))[:10])
        end = date.fromisoformat(_str(span.get("endDate"))[:10])
    except ValueError:
        return 1
    return min(366, max(1, (end - start).days + 1))


def _str(value: object) -> str:
    return "" if value is None else str(value)


def _map(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: object) -> list[Mapping[str, Any]]:
    return [row for row in value if isinstance(row, Mapping)] if isinstance(value, list) else []
