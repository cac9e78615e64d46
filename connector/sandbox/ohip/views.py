"""The emulated state as OHIP's JSON shapes (the specs' definitions, named at each function).

Only fields the specs declare; fields whose spec says `format: date` with `maxLength: 8` (no
ISO date fits) are left out."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from connector.sandbox.ohip.model import Posting, Reservation, WakeUpCall
from connector.sandbox.ohip.state import OhipState


def stamp(when: datetime | None) -> str | None:
    """An aware instant as OHIP writes date-times."""
    return None if when is None else when.isoformat(timespec="seconds")


def _drop_empty(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v not in (None, "", [], {})}


def reservation_ids(reservation: Reservation) -> list[dict[str, str]]:
    """`reservationIdList`: the internal id and the confirmation number."""
    return [{"id": reservation.id, "type": "Reservation"},
            {"id": reservation.confirmation, "type": "Confirmation"}]


def _shared_guests(state: OhipState, reservation: Reservation) -> list[dict[str, Any]]:
    """`resSharedGuestListType`."""
    return [{
        "profileId": {"id": other.guest.profile_id, "type": "Profile"},
        "reservationId": {"id": other.id, "type": "Reservation"},
        "firstName": other.guest.given_name, "lastName": other.guest.surname,
        "fullName": other.guest.full_name,
    } for other in state.sharers(reservation)]


def hotel_reservation(state: OhipState, reservation: Reservation) -> dict[str, Any]:
    """`hotelReservationType`, as getReservation answers it."""
    guest = reservation.guest
    customer = _drop_empty({
        "personName": [_drop_empty({"givenName": guest.given_name, "surname": guest.surname,
                                    "nameTitle": guest.title, "nameType": "Primary"})],
        "language": guest.language, "vipStatus": guest.vip,
    })
    room_stay = _drop_empty({
        "arrivalDate": reservation.arrival.isoformat(),
        "departureDate": reservation.departure.isoformat(),
        "currentRoomInfo": _drop_empty({"roomId": reservation.room}),
    })
    return _drop_empty({
        "reservationIdList": reservation_ids(reservation),
        "roomStay": room_stay,
        "reservationGuests": [{
            "profileInfo": {
                "profileIdList": [{"id": guest.profile_id, "type": "Profile"}],
                "profile": {"customer": customer, "profileType": "Guest"},
            },
            "primary": True,
        }],
        "sharedGuests": _shared_guests(state, reservation),
        "hotelId": state.hotel_id,
        "reservationStatus": reservation.status.value,
        "computedReservationStatus": reservation.status.value,
        "createDateTime": stamp(reservation.created_at),
        "lastModifyDateTime": stamp(reservation.modified_at),
    })


def reservation_info(state: OhipState, reservation: Reservation) -> dict[str, Any]:
    """`reservationInfoType`, one line of getHotelReservations."""
    guest = reservation.guest
    return _drop_empty({
        "reservationIdList": reservation_ids(reservation),
        "roomStay": _drop_empty({
            "arrivalDate": reservation.arrival.isoformat(),
            "departureDate": reservation.departure.isoformat(),
            "roomId": reservation.room,
        }),
        "reservationGuest": _drop_empty({
            "id": guest.profile_id, "type": "Profile",
            "givenName": guest.given_name, "surname": guest.surname, "nameTitle": guest.title,
            "language": guest.language,
            "vip": _drop_empty({"vipCode": guest.vip}),
        }),
        "sharedGuests": _shared_guests(state, reservation),
        "hotelId": state.hotel_id,
        "reservationStatus": reservation.status.value,
        "computedReservationStatus": reservation.status.value,
        "createDateTime": stamp(reservation.created_at),
        "lastModifyDateTime": stamp(reservation.modified_at),
    })


def wakeup_call(state: OhipState, reservation: Reservation, call: WakeUpCall) -> dict[str, Any]:
    """`wakeUpCallType`; times in property time, the zone named in `reservationInfo`."""
    return _drop_empty({
        "reservationInfo": _drop_empty({
            "reservationIdList": reservation_ids(reservation),
            "hotelId": state.hotel_id,
            "timezone": str(state.tz),
            "guestName": reservation.guest.full_name,
            "vip": reservation.guest.vip,
            "room": reservation.room,
            "reservationStatus": reservation.status.value,
        }),
        "callTime": call.call_time.isoformat(timespec="seconds"),
        "status": call.status.value,
        "instructions": call.instructions,
        "processedTime": (call.processed_at.isoformat(timespec="seconds")
                          if call.processed_at else None),
        "createDateTime": stamp(call.created_at),
        "lastModifyDateTime": stamp(call.modified_at),
    })


def posting(item: Posting) -> dict[str, Any]:
    """`summaryPostingType`, one line of postBillingCharges' answer."""
    amount = {"amount": float(item.amount * item.quantity), "currencyCode": item.currency}
    return _drop_empty({
        "transactionNo": item.transaction_no,
        "transactionCode": item.transaction_code,
        "transactionType": "Revenue",
        "price": {"amount": float(item.amount), "currencyCode": item.currency},
        "quantity": item.quantity,
        "postedAmount": amount,
        "debitAmount": amount,
        "reference": item.reference,
        "remark": item.remark,
        "folioWindowNo": item.folio_window,
    })
