"""OPERA reservations as OHIP's JSON carries them, read into the few facts a phone needs (pure).

Two shapes (rsv.json): `getReservation` answers `reservations.reservation[]` of
`hotelReservationType` (guests under `reservationGuests[].profileInfo.profile.customer`,
the room under `roomStay.currentRoomInfo.roomId`); the InHouse search answers
`reservations.reservationInfo[]` of `reservationInfoType` (one `reservationGuest`, the room
under `roomStay.roomId`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from connector.events.models import Guest

# OPERA statuses (pMS_ResStatusType) of a reservation whose guest holds the room.
IN_HOUSE = frozenset({"InHouse", "DueOut", "PendingCheckout"})


@dataclass(frozen=True, slots=True)
class Stay:
    """One OPERA reservation, as a phone sees it. `room` is None while none is assigned."""

    reservation: str
    status: str
    room: str | None
    guests: tuple[Guest, ...]
    arrival: date | None
    departure: date | None
    share: bool  # a non-primary sharer of the room

    @property
    def in_house(self) -> bool:
        return self.status in IN_HOUSE


def reservation_id(ids: object) -> str | None:
    """The `Reservation` id of a `reservationIdList` (else its first id)."""
    rows = [row for row in _list(ids) if row.get("id")]
    for row in rows:
        if row.get("type") == "Reservation":
            return str(row["id"])
    return str(rows[0]["id"]) if rows else None


def stay_from_reservation(answer: Mapping[str, Any]) -> Stay | None:
    """The stay in a `getReservation` answer (None: the answer holds no reservation)."""
    rows = _list(_map(answer.get("reservations")).get("reservation"))
    if not rows:
        return None
    row = rows[0]
    room_stay = _map(row.get("roomStay"))
    guests = sorted(_list(row.get("reservationGuests")), key=lambda g: not g.get("primary"))
    return _stay(
        row, room=_map(room_stay.get("currentRoomInfo")).get("roomId"),
        guests=[_profile_guest(g) for g in guests], room_stay=room_stay,
        share=room_stay.get("primaryShareType") == "NonPrimary")


def stays_in_house(rows: Sequence[Mapping[str, Any]]) -> list[Stay]:
    """The stays of an InHouse search's `reservationInfo` rows; in a room held by several
    reservations (sharers), every one after the first joins as a share."""
    stays: list[Stay] = []
    rooms: set[str] = set()
    for row in rows:
        room_stay = _map(row.get("roomStay"))
        room = room_stay.get("roomId")
        stay = _stay(row, room=room, guests=[_search_guest(_map(row.get("reservationGuest")))],
                     room_stay=room_stay, share=bool(room) and str(room) in rooms)
        if stay is not None:
            stays.append(stay)
            if stay.room:
                rooms.add(stay.room)
    return stays


def _stay(row: Mapping[str, Any], *, room: object, guests: list[Guest],
          room_stay: Mapping[str, Any], share: bool) -> Stay | None:
    reservation = reservation_id(row.get("reservationIdList"))
    if reservation is None:
        return None
    named = [guest for guest in guests if guest != Guest()]
    return Stay(
        reservation=reservation, status=str(row.get("reservationStatus") or ""),
        room=str(room).strip() or None if room else None,
        guests=tuple(named or [Guest()]),
        arrival=_date(room_stay.get("arrivalDate")),
        departure=_date(room_stay.get("departureDate")), share=share)


def _profile_guest(guest: Mapping[str, Any]) -> Guest:
    customer = _map(_map(_map(guest.get("profileInfo")).get("profile")).get("customer"))
    names = _list(customer.get("personName"))
    name = next((n for n in names if n.get("nameType") == "Primary"), names[0] if names else {})
    return Guest(title=_text(name.get("nameTitle")), first_name=_text(name.get("givenName")),
                 last_name=_text(name.get("surname")), vip=_text(customer.get("vipStatus")),
                 language=_text(customer.get("language") or name.get("language")))


def _search_guest(guest: Mapping[str, Any]) -> Guest:
    return Guest(title=_text(guest.get("nameTitle")), first_name=_text(guest.get("givenName")),
                 last_name=_text(guest.get("surname")),
                 vip=_text(_map(guest.get("vip")).get("vipCode")),
                 language=_text(guest.get("language")))


def _text(value: object) -> str:
    return str(value).strip()[:200] if value is not None else ""


def _date(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _map(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: object) -> list[Mapping[str, Any]]:
    return [row for row in value if isinstance(row, Mapping)] if isinstance(value, list) else []
