"""OHIP's JSON as Oracle's specs shape it (rsv.json, fof.json, int.json, the streaming
schema), built small for the hotel's tests."""

from __future__ import annotations

from typing import Any

Json = dict[str, Any]

GATEWAY = "https://ohip.test"
HOTEL = "HOTEL1"
APP_KEY = "41ecd082-8997-4c69-af34-2f72b83645ff"


def reservation(reservation_id: str = "880001", *, room: str | None = "1204",
                status: str = "InHouse", given: str = "Ada", surname: str = "Lovelace",
                title: str = "Ms", vip: str = "", language: str = "E",
                share: str = "Primary", arrival: str = "2026-03-09",
                departure: str = "2026-03-12") -> Json:
    """A `getReservation` answer (definitions/reservation)."""
    room_stay: Json = {"arrivalDate": arrival, "departureDate": departure,
                       "primaryShareType": share}
    if room is not None:
        room_stay["currentRoomInfo"] = {"roomId": room, "roomType": "KING"}
    customer: Json = {"personName": [{"givenName": given, "surname": surname,
                                      "nameTitle": title, "nameType": "Primary"}],
                      "language": language}
    if vip:
        customer["vipStatus"] = vip
    return {"reservations": {"reservation": [{
        "reservationIdList": [{"id": reservation_id, "type": "Reservation"},
                              {"id": "C" + reservation_id, "type": "Confirmation"}],
        "roomStay": room_stay,
        "reservationGuests": [{"profileInfo": {"profile": {"customer": customer}},
                               "primary": True}],
        "hotelId": HOTEL, "reservationStatus": status}]}}


def in_house_row(reservation_id: str, room: str, *, given: str = "Guest",
                 surname: str = "Surname", vip: str = "", status: str = "InHouse") -> Json:
    """One `reservationInfo` row of the InHouse search (definitions/reservationInfoType)."""
    guest: Json = {"givenName": given, "surname": surname, "language": "E"}
    if vip:
        guest["vip"] = {"vipCode": vip}
    return {"reservationIdList": [{"id": reservation_id, "type": "Reservation"}],
            "roomStay": {"roomId": room, "arrivalDate": "2026-03-09",
                         "departureDate": "2026-03-12"},
            "reservationGuest": guest, "hotelId": HOTEL, "reservationStatus": status}


def in_house_page(rows: list[Json], *, offset: int, total: int, has_more: bool) -> Json:
    """An InHouse search answer (definitions/reservationsDetails)."""
    return {"reservations": {"reservationInfo": rows, "offset": offset, "limit": len(rows),
                             "hasMore": has_more, "totalResults": total, "count": len(rows)}}


def wakeup_call(call_time: str, *, room: str = "1204", reservation_id: str = "880001",
                status: str = "Pending", span: tuple[str, str] | None = None) -> Json:
    """One call of a `wakeUpCalls` answer (definitions/wakeUpCallType)."""
    call: Json = {"reservationInfo": {
        "reservationIdList": [{"id": reservation_id, "type": "Reservation"}],
        "hotelId": HOTEL, "room": room}, "callTime": call_time, "status": status}
    if span is not None:
        call["timeSpan"] = {"startDate": span[0], "endDate": span[1]}
    return call


def streamed(event_name: str, primary_key: str, *, unique: str = "evt-1", offset: str = "41",
             details: list[tuple[str, str, str]] | None = None,
             timestamp: str = "2026-03-10T10:15:00.000Z") -> Json:
    """A streamed `newEvent` (StreamingGraphQLSchema EventHeader)."""
    return {"metadata": {"offset": offset, "uniqueEventId": unique},
            "moduleName": "RESERVATION", "eventName": event_name, "primaryKey": primary_key,
            "timestamp": timestamp, "hotelId": HOTEL,
            "detail": [{"elementName": e, "oldValue": o, "newValue": n}
                       for e, o, n in details or []]}


def polled(action: str, primary_key: str, *, event_id: str = "9001",
           details: list[tuple[str, str, str]] | None = None,
           created: str = "2026-03-10T10:15:00") -> Json:
    """One `businessEventData[]` item of the dequeue (int.json)."""
    return {"businessEvent": {
        "header": {"moduleName": "Reservation", "actionType": action,
                   "primaryKey": primary_key, "createdDateTime": created, "hotelId": HOTEL},
        "details": [{"dataElement": e, "oldValue": o, "newValue": n}
                    for e, o, n in details or []]},
        "businessEventId": {"id": event_id, "type": "BusinessEvent"}}
