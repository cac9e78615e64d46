"""The emulator's objects as Cloudbeds' v1.3 answers shape them (field names and types from
the published spec; no I/O). Times are written as Cloudbeds writes them,
`YYYY-MM-DD HH:MM:SS`, in UTC here (a property's own zone: UNCONFIRMED)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from connector.sandbox.cloudbeds.state import (
    CloudbedsState,
    Reservation,
    Room,
    Status,
    Subscription,
)

# A reservation's status as the guest lists name it (getGuestsByStatus' currentStatus).
GUEST_STATUS: dict[Status, str] = {
    Status.CONFIRMED: "not_checked_in", Status.CHECKED_IN: "in_house",
    Status.CHECKED_OUT: "checked_out", Status.CANCELED: "canceled",
}
# …and as getReservations names the room's status.
ROOM_STATUS: dict[Status, str] = {
    Status.CONFIRMED: "not_checked_in", Status.CHECKED_IN: "in_house",
    Status.CHECKED_OUT: "checked_out", Status.CANCELED: "cancelled",
    Status.NO_SHOW: "cancelled",
}

_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF"}


def stamp(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def parse_stamp(text: str) -> datetime | None:
    """`YYYY-MM-DD HH:MM:SS` or ISO 8601 (naive is UTC); None when it is neither."""
    try:
        when = datetime.fromisoformat(text.strip().replace(" ", "T", 1))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def hotel(state: CloudbedsState) -> dict[str, object]:
    return {
        "propertyID": state.property_id, "propertyName": state.property_name,
        "propertyType": "Hotel", "propertyPrimaryLanguage": "en",
        "propertyCurrency": {"currencyCode": state.currency,
                             "currencySymbol": _SYMBOLS.get(state.currency, state.currency),
                             "currencyPosition": "before"},
        "propertyPolicy": {"propertyCheckInTime": "15:00", "propertyCheckOutTime": "11:00"},
    }


def room(state: CloudbedsState, r: Room) -> dict[str, object]:
    return {"roomID": r.room_id, "roomName": r.name, "roomDescription": "", "maxGuests": 2,
            "isPrivate": True, "isVirtual": False, "roomBlocked": False,
            "roomTypeID": r.type_id, "roomTypeName": r.type_name,
            "roomTypeNameShort": r.type_name[:3].upper()}


def _assigned(state: CloudbedsState, res: Reservation) -> Room | None:
    return state.rooms.get(res.room_id) if res.room_id else None


def _sub_id(res: Reservation) -> str:
    return f"{res.reservation_id}-1"


def reservation(state: CloudbedsState, res: Reservation) -> dict[str, object]:
    """getReservation's `data`."""
    r = _assigned(state, res)
    main = res.main_guest
    rooms = [{"reservationRoomID": f"{res.reservation_id}01", "roomID": r.room_id,
              "roomName": r.name, "roomTypeName": r.type_name, "roomTypeIsVirtual": False,
              "subReservationID": _sub_id(res)}] if r else []
    guest_list = {
        g.guest_id: {
            "guestID": g.guest_id, "guestFirstName": g.first_name, "guestLastName": g.last_name,
            "guestStatus": GUEST_STATUS.get(res.status, res.status.value),
            "isMainGuest": g.main, "isAnonymized": False, "assignedRoom": r is not None,
            "roomID": r.room_id if r else None, "roomName": r.name if r else None,
            "roomTypeName": r.type_name if r else None, "rooms": rooms, "unassignedRooms": [],
        } for g in res.guests
    }
    nights = (res.end - res.start).days
    stay = {"reservationRoomID": f"{res.reservation_id}01", "roomTypeID": res.room_type_id,
            "subReservationID": _sub_id(res), "isRoomLocked": False,
            "startDate": res.start.isoformat(), "endDate": res.end.isoformat(),
            "adults": str(len(res.guests)), "children": "0", "dailyRates": [],
            "roomTotal": f"{100 * nights:.2f}"}
    assigned, unassigned = [], []
    if r is not None:
        assigned.append({**stay, "roomTypeName": r.type_name,
                         "roomTypeNameShort": r.type_name[:3].upper(),
                         "roomTypeIsVirtual": False, "roomName": r.name, "roomID": r.room_id})
    else:
        unassigned.append({**stay, "roomTypeName": "Standard", "roomTypeIsVirtual": False})
    return {
        "propertyID": state.property_id,
        "guestName": f"{main.first_name} {main.last_name}".strip(), "guestEmail": "",
        "isAnonymized": False, "guestList": guest_list, "reservationID": res.reservation_id,
        "dateCreated": stamp(res.created), "dateModified": stamp(res.modified),
        "source": "Walk-In", "sourceID": "s-1", "status": res.status.value,
        "total": float(100 * nights), "balance": float(100 * nights),
        "assigned": assigned, "unassigned": unassigned,
        "startDate": res.start.isoformat(), "endDate": res.end.isoformat(),
    }


def reservation_row(state: CloudbedsState, res: Reservation,
                    with_guests: bool) -> dict[str, object]:
    """One row of getReservations."""
    r = _assigned(state, res)
    main = res.main_guest
    name = f"{main.first_name} {main.last_name}".strip()
    row: dict[str, object] = {
        "propertyID": state.property_id, "reservationID": res.reservation_id,
        "dateCreated": stamp(res.created), "dateModified": stamp(res.modified),
        "status": res.status.value, "guestID": main.guest_id, "guestName": name,
        "startDate": res.start.isoformat(), "endDate": res.end.isoformat(),
        "adults": str(len(res.guests)), "children": "0", "balance": 0.0,
        "sourceName": "Walk-In", "sourceID": "s-1",
        "rooms": [{
            "roomTypeID": res.room_type_id, "roomTypeName": r.type_name if r else "Standard",
            "subReservationID": _sub_id(res), "guestID": main.guest_id, "guestName": name,
            "adults": str(len(res.guests)), "children": "0",
            "reservationRoomID": f"{res.reservation_id}01",
            "roomID": r.room_id if r else "", "roomName": r.name if r else None,
            "roomCheckIn": res.start.isoformat(), "roomCheckOut": res.end.isoformat(),
            "roomStatus": ROOM_STATUS[res.status],
        }],
    }
    if with_guests:
        row["guestList"] = {
            g.guest_id: {"guestID": g.guest_id, "guestName": f"{g.first_name} {g.last_name}",
                         "guestFirstName": g.first_name, "guestLastName": g.last_name,
                         "isMainGuest": g.main, "assignedRoom": r is not None,
                         "roomID": r.room_id if r else None, "roomName": r.name if r else None,
                         "subReservationID": _sub_id(res), "isAnonymized": False}
            for g in res.guests
        }
    return row


def guest_rows(state: CloudbedsState, res: Reservation) -> list[dict[str, object]]:
    """getGuestsByStatus' rows for one reservation: one per guest."""
    r = _assigned(state, res)
    return [{
        "guestID": g.guest_id, "reservationID": res.reservation_id,
        "subReservationID": _sub_id(res), "reservationCreatedDateTime": stamp(res.created),
        "roomTypeID": res.room_type_id, "roomID": r.room_id if r else "",
        "roomName": r.name if r else "", "guestFirstName": g.first_name,
        "guestLastName": g.last_name, "startDate": _day(res.start), "endDate": _day(res.end),
        "dateModified": stamp(res.modified), "currentStatus": GUEST_STATUS[res.status],
        "statusDate": stamp(res.status_at), "isAnonymized": False, "isDeleted": False,
        "isMerged": False,
    } for g in res.guests]


def _day(day: date) -> str:
    return f"{day.isoformat()} 00:00:00"


def housekeeping(state: CloudbedsState, r: Room) -> dict[str, object]:
    return {"date": state.clock.now().date().isoformat(), "roomID": r.room_id,
            "roomCondition": r.condition.value, "roomComments": r.comments,
            "doNotDisturb": r.dnd, "refusedService": r.refused_service,
            "vacantPickup": r.vacant_pickup}


def webhook(state: CloudbedsState, sub: Subscription) -> dict[str, object]:
    return {"id": sub.subscription_id, "key": {"type": "property", "id": state.property_id},
            "event": {"entity": sub.object, "action": sub.action},
            "owner": {"type": "client", "id": "sandbox"}, "subscriptionType": "webhook",
            "subscriptionData": {"endpoint": sub.endpoint_url}}
