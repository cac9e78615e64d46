"""Housekeeping (hsk): `PUT /rooms/status` (putRoomRelatedStatus), the room phone's maid
status."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from connector.sandbox.ohip.errors import invalid
from connector.sandbox.ohip.gateway import Parts, json_body, ohip_json, operation
from connector.sandbox.ohip.model import FrontOfficeStatus, RoomCondition


async def put_room_status(parts: Parts, request: Request) -> Response:
    state = parts.state
    body = await json_body(request)
    rooms = body.get("roomList")
    if not isinstance(rooms, list) or not rooms or not all(
            isinstance(r, dict) and isinstance(r.get("roomId"), str) for r in rooms):
        raise invalid("roomList must name at least one room by roomId")
    try:
        condition = (RoomCondition(body["housekeepingRoomStatus"])
                     if "housekeepingRoomStatus" in body else None)
        front_office = (FrontOfficeStatus(body["housekeepingStatus"])
                        if "housekeepingStatus" in body else None)
    except ValueError as exc:
        raise invalid(str(exc)) from None
    if condition is None and front_office is None:
        raise invalid("Nothing to change: give housekeepingRoomStatus or housekeepingStatus")
    numbers = [str(r["roomId"]) for r in rooms]
    for number in numbers:
        state.room(number)  # all known before any changes
    for number in numbers:
        state.set_room_status(number, condition=condition, front_office=front_office,
                              from_api=True)
    return ohip_json(200, {}, {"Location": str(request.url)})


def routes(parts: Parts) -> list[Route]:
    return [operation(parts, "PUT", "/hsk/v1/hotels/{hotelId}/rooms/status",
                      "putRoomRelatedStatus", put_room_status)]
