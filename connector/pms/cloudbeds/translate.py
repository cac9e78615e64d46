"""Cloudbeds to canonical events and back, pure: no I/O, no clock.

Hydration converges rather than replays: a reservation notice is answered from the
reservation as `getReservation` shows it now, compared with the rooms the connector last knew
it in, so a late, repeated or out-of-order notice still leads to the right rooms.

- status `checked_in`: each assigned room is a stay (a Cloudbeds reservation can hold several
  rooms). A room the connector did not know the stay in is a check-in; one it knew is a guest
  change (new dates or names); a room left for a new one is a move (`old_room`), paired in
  the reservation's order; a room left with no new one is a check-out.
- any other status (checked out, canceled, no-show, or back to confirmed: a check-in
  reversed): every room the stay was known in is checked out; a status change to checked
  out also checks out the assigned rooms, since the stay was in house even if its check-in
  notice was lost (the rooms ignore a check-out of a stay they do not hold). A booking
  confirmed, canceled or not shown that never was in house means nothing for the phones.
- `reservation/deleted`: the rooms it was known in are checked out, without a read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal

from connector.events.models import (
    AnyEvent,
    CheckIn,
    CheckOut,
    Guest,
    GuestChange,
    HousekeepingStatus,
    HousekeepingUpdate,
)
from connector.pms.cloud.contract import Notice
from connector.pms.cloudbeds.client import Json
from connector.pms.cloudbeds.forms import FormValue
from connector.pms.fias.outbound import GuestServiceStatus, MaidStatus
from connector.store import Report

IN_HOUSE = "checked_in"
CHECKED_OUT = "checked_out"
# Status changes that may end a stay; the others (dates, rooms) never do by themselves.
ENDING_NOTICES = frozenset({"reservation/status_changed", "reservation/deleted",
                            "reservation/accommodation_status_changed"})
_NAME = 200  # connector.events.models.Text
_ROOM = 16  # connector.events.models.RoomNumber


@dataclass(frozen=True, slots=True)
class Stay:
    """One assigned room of a reservation, as the phones need it."""

    room: str  # the hotel's room number (Cloudbeds' roomName)
    room_id: str
    guests: tuple[Guest, ...]
    arrival: date | None
    departure: date | None


@dataclass(frozen=True, slots=True)
class Hydrated:
    """What a reservation notice means: the events, and the rooms (number → roomID) the
    reservation is now in house in (empty: not in house)."""

    events: list[AnyEvent]
    in_house: Mapping[str, str]


def notice_time(notice: Notice) -> datetime:
    """When Cloudbeds says it happened: `timestamp` as Unix seconds (a number or its text)
    or ISO-8601; else when it arrived."""
    raw = notice.body.get("timestamp")
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return datetime.fromtimestamp(float(raw), UTC)
    if isinstance(raw, str):
        try:
            return datetime.fromtimestamp(float(raw), UTC)
        except ValueError:
            pass
        try:
            moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            return notice.received_at
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return notice.received_at


def stays_of(reservation: Json, numbers: Mapping[str, str]) -> list[Stay]:
    """Each assigned room of a `getReservation` answer's `data`, with its guests.
    `numbers`: roomID → room number, for a room whose `roomName` the answer lacks."""
    stays: list[Stay] = []
    seen: set[str] = set()
    for entry in _list(reservation.get("assigned")):
        room_id = _text(entry.get("roomID"))
        room = _text(entry.get("roomName")) or numbers.get(room_id, "")
        if not room_id or not room or len(room) > _ROOM or room_id in seen:
            continue
        seen.add(room_id)
        stays.append(Stay(room, room_id, _guests(reservation, room_id),
                          _date(entry.get("startDate")) or _date(reservation.get("startDate")),
                          _date(entry.get("endDate")) or _date(reservation.get("endDate"))))
    return stays


def reservation_events(notice: Notice, reservation: Json, *, known: Mapping[str, str],
                       numbers: Mapping[str, str]) -> Hydrated:
    """The events a reservation notice means, from the reservation read back and `known`,
    the rooms (number → roomID) the connector last knew it in house in."""
    at = notice_time(notice)
    reservation_id = _text(reservation.get("reservationID")) or _text(
        notice.body.get("reservationID"))
    status = _text(reservation.get("status"))
    if status != IN_HOUSE:
        rooms = dict(known)
        if status == CHECKED_OUT and notice.name in ENDING_NOTICES:
            # It was in house, whether or not this connector knew it (a lost notice).
            rooms.update({s.room: s.room_id for s in stays_of(reservation, numbers)})
        return Hydrated(_numbered(notice, _check_outs(rooms, reservation_id, at)), {})
    stays = stays_of(reservation, numbers)
    now = {s.room for s in stays}
    left = [room for room in known if room not in now]
    events: list[AnyEvent] = []
    for stay in stays:
        if stay.room in known:
            events.append(_stay(GuestChange, stay, reservation_id, at))
        elif left:
            events.append(_stay(GuestChange, stay, reservation_id, at, old_room=left.pop(0)))
        else:
            events.append(_stay(CheckIn, stay, reservation_id, at))
    events.extend(_check_outs(dict.fromkeys(left, ""), reservation_id, at))
    return Hydrated(_numbered(notice, events), {s.room: s.room_id for s in stays})


def deleted_events(notice: Notice, known: Mapping[str, str]) -> list[AnyEvent]:
    """A deleted reservation: its known rooms are checked out (Cloudbeds has nothing left to
    read)."""
    reservation_id = _text(notice.body.get("reservationID"))
    return _numbered(notice, _check_outs(known, reservation_id, notice_time(notice)))


def housekeeping_event(notice: Notice, room: str) -> list[AnyEvent]:
    """`housekeeping/room_condition_changed` for `room`: the condition as the PMS set it
    (source "pms": never reported back). [] for a condition the phones do not know."""
    condition = _text(notice.body.get("roomCondition")).lower()
    try:
        status = HousekeepingStatus(condition)
    except ValueError:
        return []
    update = HousekeepingUpdate(id=f"{notice.key}#0", occurred_at=notice_time(notice),
                                room=room, status=status, source="pms")
    return [update]


def in_house_check_ins(rows: Sequence[Json], numbers: Mapping[str, str],
                       at: datetime) -> tuple[list[CheckIn], dict[str, dict[str, str]]]:
    """`getGuestsByStatus?status=in_house` rows (one per guest) as one check-in per
    reservation and room, and the rooms (number → roomID) of each reservation."""
    grouped: dict[tuple[str, str], list[Json]] = {}
    for row in rows:
        key = (_text(row.get("reservationID")), _text(row.get("roomID")))
        if all(key):
            grouped.setdefault(key, []).append(row)
    check_ins: list[CheckIn] = []
    rooms: dict[str, dict[str, str]] = {}
    for (reservation_id, room_id), guests in grouped.items():
        room = _text(guests[0].get("roomName")) or numbers.get(room_id, "")
        if not room or len(room) > _ROOM:
            continue
        stay = Stay(room, room_id, tuple(_guest(g) for g in guests),
                    _date(guests[0].get("startDate")), _date(guests[0].get("endDate")))
        event_id = f"cloudbeds:in_house:{reservation_id}:{room_id}"
        check_ins.append(CheckIn.model_validate(
            _stay_fields(stay, reservation_id, at, event_id)))
        rooms.setdefault(reservation_id, {})[room] = room_id
    return check_ins, rooms


# Reports, as postHousekeepingStatus and postCustomItem fields.

_CONDITION = {MaidStatus.DIRTY_VACANT: "dirty", MaidStatus.DIRTY_OCCUPIED: "dirty",
              MaidStatus.CLEAN_VACANT: "clean", MaidStatus.CLEAN_OCCUPIED: "clean",
              MaidStatus.INSPECTED_VACANT: "inspected",
              MaidStatus.INSPECTED_OCCUPIED: "inspected"}


def housekeeping_fields(report: Report, room_id: str) -> dict[str, FormValue]:
    """`postHousekeepingStatus` for a maid status (its condition; Cloudbeds works out
    occupancy itself) or a guest service status (DND on; make-up room or all off: DND
    off, as FIAS's one-status-at-a-time means, and Cloudbeds has no make-up flag)."""
    status = _int(report.payload.get("status"))
    if report.kind == "maid_status":
        return {"roomID": room_id, "roomCondition": _CONDITION[MaidStatus(status)]}
    if report.kind == "guest_service":
        return {"roomID": room_id,
                "doNotDisturb": GuestServiceStatus(status) is GuestServiceStatus.DND_ON}
    raise ValueError(f"report {report.id} ({report.kind}) is not a housekeeping status")


def reference_id(reference: str) -> str:
    """The charge's `referenceID`: the report's reference (the reporter's instance name and
    the report id), the same on every re-send and never reused after a store reset."""
    return f"zoomphone-{reference}"


def custom_item_fields(report: Report, *, reference: str, reservation_id: str, room_id: str,
                       item_name: str, minor_units: int, tz: tzinfo) -> dict[str, FormValue]:
    """`postCustomItem` for a call charge: one item of the call's price, quantity 1, a note
    with the call's time and length (not the number dialled: the folio outlives the
    connector's erasure of dialled numbers)."""
    payload = report.payload
    amount = Decimal(_int(payload.get("amount_minor"))).scaleb(-minor_units)
    seconds = _int(payload.get("duration_seconds"))
    when = datetime.fromisoformat(str(payload["at"])).astimezone(tz)
    note = (f"Call of {seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d} "
            f"ended {when:%Y-%m-%d %H:%M}")
    item: dict[str, FormValue] = {"itemName": item_name, "itemQuantity": 1,
                                  "itemPrice": amount, "itemNote": note}
    return {"reservationID": reservation_id, "roomID": room_id,
            "referenceID": reference_id(reference), "items": [item]}


def already_posted(answer: Json) -> str | None:
    """Cloudbeds' words when a `referenceID` was already posted (`data.notice`, "nothing
    was created or updated"), else None."""
    data = answer.get("data")
    notice = data.get("notice") if isinstance(data, Mapping) else None
    return str(notice) if notice else None


def duplicate_reference(message: str) -> bool:
    """A refusal that says the reference is already there (the wording is Cloudbeds')."""
    lowered = message.lower()
    return "reference" in lowered and any(
        word in lowered for word in ("exist", "duplicate", "already"))


# Helpers

def _stay(kind: type[CheckIn] | type[GuestChange], stay: Stay, reservation_id: str,
          at: datetime, *, old_room: str | None = None) -> AnyEvent:
    fields = _stay_fields(stay, reservation_id, at)
    if old_room is not None:
        fields["old_room"] = old_room
    return kind.model_validate(fields)


def _stay_fields(stay: Stay, reservation_id: str, at: datetime,
                 event_id: str = "pending") -> dict[str, object]:
    return {"id": event_id, "occurred_at": at, "room": stay.room,
            "reservation": reservation_id or None, "guests": list(stay.guests),
            "arrival": stay.arrival, "departure": stay.departure}


def _check_outs(rooms: Mapping[str, str], reservation_id: str, at: datetime) -> list[AnyEvent]:
    return [CheckOut(id="pending", occurred_at=at, room=room,
                     reservation=reservation_id or None) for room in rooms]


def _numbered(notice: Notice, events: Iterable[AnyEvent]) -> list[AnyEvent]:
    return [e.model_copy(update={"id": f"{notice.key}#{n}"}) for n, e in enumerate(events)]


def _guests(reservation: Json, room_id: str) -> tuple[Guest, ...]:
    listed = reservation.get("guestList")
    entries = [g for g in listed.values() if isinstance(g, Mapping)] if isinstance(
        listed, Mapping) else []
    entries.sort(key=lambda g: not g.get("isMainGuest"))  # the main guest first
    here = [g for g in entries if _text(g.get("roomID")) == room_id]
    chosen = here or entries[:1]
    if chosen:
        return tuple(_guest(g) for g in chosen[:20])
    return (Guest(last_name=_text(reservation.get("guestName"))[:_NAME]),)


def _guest(entry: Json) -> Guest:
    return Guest(first_name=_text(entry.get("guestFirstName"))[:_NAME],
                 last_name=_text(entry.get("guestLastName"))[:_NAME])


def _list(value: object) -> list[Json]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


def _text(value: object) -> str:
    return "" if value is None or isinstance(value, Mapping | list) else str(value).strip()


def _date(value: object) -> date | None:
    text = _text(value)
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"not a whole number: {value!r}")
    return int(value)
