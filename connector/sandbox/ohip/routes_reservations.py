"""Reservations (rsv): getReservation, and getHotelReservations for the in-house list."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from connector.sandbox.ohip import views
from connector.sandbox.ohip.errors import invalid
from connector.sandbox.ohip.gateway import Parts, ohip_json, operation
from connector.sandbox.ohip.model import ReservationStatus

BASE = "/rsv/v1/hotels/{hotelId}"
# searchType values the emulator answers; every other is refused in words.
_SEARCHES: dict[str, frozenset[ReservationStatus] | None] = {
    "Any": None,
    "InHouse": frozenset({ReservationStatus.IN_HOUSE}),
    "CheckedOut": frozenset({ReservationStatus.CHECKED_OUT}),
}


async def get_reservation(parts: Parts, request: Request) -> Response:
    state = parts.state
    reservation = state.reservation(request.path_params["reservationId"])
    return ohip_json(200, {"reservations": {
        "reservation": [views.hotel_reservation(state, reservation)]}})


def whole(request: Request, name: str, default: int) -> int:
    """A non-negative whole-number query parameter; 400 when it is not one."""
    text = request.query_params.get(name)
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        raise invalid(f"{name} must be a whole number") from None
    if value < 0:
        raise invalid(f"{name} must not be negative")
    return value


async def get_hotel_reservations(parts: Parts, request: Request) -> Response:
    state, paging = parts.state, parts.paging
    search = request.query_params.get("searchType", "Any")
    if search not in _SEARCHES:
        raise invalid(f"searchType {search} is not emulated (only {', '.join(_SEARCHES)})")
    limit = min(whole(request, "limit", paging.default_limit), paging.max_limit) or \
        paging.default_limit
    offset = whole(request, "offset", 0)
    statuses = _SEARCHES[search]
    found = state.in_house() if search == "InHouse" else sorted(
        (r for r in state.reservations.values() if statuses is None or r.status in statuses),
        key=lambda r: int(r.id))
    room = request.query_params.get("roomId")
    if room:
        found = [r for r in found if r.room == room]
    page = found[offset:offset + limit]
    return ohip_json(200, {"reservations": {
        "reservationInfo": [views.reservation_info(state, r) for r in page],
        "totalResults": len(found), "count": len(page), "offset": offset, "limit": limit,
        "hasMore": offset + len(page) < len(found),
        "totalPages": -(-len(found) // limit),
    }})


def routes(parts: Parts) -> list[Route]:
    return [
        operation(parts, "GET", BASE + "/reservations/{reservationId}", "getReservation",
                  get_reservation),
        operation(parts, "GET", BASE + "/reservations", "getHotelReservations",
                  get_hotel_reservations),
    ]
