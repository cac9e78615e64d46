"""Front desk (fof): `GET /rooms` (getHotelRooms), the hotel's rooms page by page; the
connector's doctor reads one to see the hotel is readable."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from connector.sandbox.ohip.gateway import Parts, ohip_json, operation
from connector.sandbox.ohip.routes_reservations import whole


async def get_rooms(parts: Parts, request: Request) -> Response:
    paging = parts.paging
    limit = min(whole(request, "limit", paging.default_limit), paging.max_limit) or \
        paging.default_limit
    offset = whole(request, "offset", 0)
    rooms = sorted(parts.state.rooms.values(), key=lambda room: room.number)
    page = rooms[offset:offset + limit]
    return ohip_json(200, {
        "hotelRoomsDetails": {"hotelId": parts.state.hotel_id, "room": [
            {"roomId": room.number, "housekeeping": {"roomStatus": {
                "roomStatus": room.condition.value,
                "frontOfficeStatus": room.front_office.value}}}
            for room in page]},
        "totalResults": len(rooms), "count": len(page), "offset": offset, "limit": limit,
        "hasMore": offset + len(page) < len(rooms)})


def routes(parts: Parts) -> list[Route]:
    return [operation(parts, "GET", "/fof/v1/hotels/{hotelId}/rooms", "getHotelRooms",
                      get_rooms)]
