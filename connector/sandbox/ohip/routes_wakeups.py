"""Wake-up calls (fof): read, set, change (the phone system's result is a PUT holding the
requested time) and delete, per reservation; and the hotel's list.

OPERA names a call by its reservation and `callTime` (property time): the PUT finds the call by
`callTime` and moves it with `newCallTime`; DELETE names calls by `callTime` (none named: every
pending call of the reservation)."""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from connector.sandbox.ohip import views
from connector.sandbox.ohip.errors import invalid
from connector.sandbox.ohip.gateway import Parts, json_body, ohip_json, operation, property_time
from connector.sandbox.ohip.model import Reservation, WakeUpCall, WakeUpStatus

BASE = "/fof/v1/hotels/{hotelId}"
_FETCH = {"fetchPending": WakeUpStatus.PENDING, "fetchCompleted": WakeUpStatus.COMPLETED,
          "fetchNoAnswer": WakeUpStatus.NO_ANSWER, "fetchCancelled": WakeUpStatus.CANCELLED}


def _wanted(request: Request) -> frozenset[WakeUpStatus]:
    """The statuses asked for with fetch*=true; none asked: all of them."""
    asked = {status for name, status in _FETCH.items()
             if request.query_params.get(name) == "true"}
    return frozenset(asked or WakeUpStatus)


def _listing(parts: Parts, rows: list[tuple[Reservation, WakeUpCall]]) -> Response:
    rows.sort(key=lambda row: (row[1].call_time, row[0].room or "", row[0].id))
    calls = [views.wakeup_call(parts.state, r, c) for r, c in rows]
    return ohip_json(200, {"calls": calls})


async def get_wakeups(parts: Parts, request: Request) -> Response:
    reservation = parts.state.reservation(request.path_params["reservationId"])
    wanted = _wanted(request)
    return _listing(parts, [(reservation, c) for c in reservation.wakeups
                            if c.status in wanted])


def _day(request: Request, name: str) -> date | None:
    text = request.query_params.get(name)
    try:
        return None if not text else date.fromisoformat(text[:10])
    except ValueError:
        raise invalid(f"{name} must be a date (YYYY-MM-DD)") from None


async def get_hotel_wakeups(parts: Parts, request: Request) -> Response:
    """The hotel's calls, by status, reservation, room and (property) date."""
    wanted = _wanted(request)
    only = request.query_params.get("reservationId")
    rooms = set(request.query_params.getlist("room"))
    first, last = _day(request, "beginDate"), _day(request, "endDate")
    rows = [(r, c) for r in parts.state.reservations.values() for c in r.wakeups
            if c.status in wanted and (not only or r.id == only)
            and (not rooms or r.room in rooms)
            and (first is None or c.call_time.date() >= first)
            and (last is None or c.call_time.date() <= last)]
    return _listing(parts, rows)


def _calls(body: dict[str, Any]) -> list[dict[str, Any]]:
    calls = body.get("calls")
    if not isinstance(calls, list) or not calls or not all(isinstance(c, dict) for c in calls):
        raise invalid("calls must list at least one wake up call")
    for call in calls:
        if not isinstance(call.get("callTime"), str):
            raise invalid("Each wake up call needs its callTime")
    return calls


def _status(text: object) -> WakeUpStatus | None:
    if text is None:
        return None
    try:
        return WakeUpStatus(str(text))
    except ValueError:
        raise invalid(f"status {text} is not one of {', '.join(WakeUpStatus)}") from None


async def post_wakeups(parts: Parts, request: Request) -> Response:
    state = parts.state
    reservation_id = request.path_params["reservationId"]
    state.reservation(reservation_id)
    for call in _calls(await json_body(request)):
        state.add_wakeup(reservation_id, property_time(call["callTime"], state.tz),
                         str(call.get("instructions") or ""), from_api=True)
    return ohip_json(201, {}, {"Location": str(request.url)})


async def put_wakeups(parts: Parts, request: Request) -> Response:
    state = parts.state
    reservation_id = request.path_params["reservationId"]
    reservation = state.reservation(reservation_id)
    changes = [(state.wakeup(reservation, property_time(c["callTime"], state.tz)), c)
               for c in _calls(await json_body(request))]
    for call, change in changes:
        new_time = change.get("newCallTime")
        state.change_wakeup(
            reservation_id, call, status=_status(change.get("status")),
            call_time=property_time(new_time, state.tz) if isinstance(new_time, str) else None,
            from_api=True)
    return ohip_json(200, {}, {"Location": str(request.url)})


async def delete_wakeups(parts: Parts, request: Request) -> Response:
    state = parts.state
    reservation_id = request.path_params["reservationId"]
    reservation = state.reservation(reservation_id)
    named = request.query_params.getlist("callTime")
    calls = ([state.wakeup(reservation, property_time(t, state.tz)) for t in named] if named
             else [c for c in reservation.wakeups if c.status is WakeUpStatus.PENDING])
    for call in calls:
        state.delete_wakeup(reservation_id, call, from_api=True)
    return ohip_json(200, {})


def routes(parts: Parts) -> list[Route]:
    path = BASE + "/reservations/{reservationId}/wakeUpCalls"
    return [
        operation(parts, "GET", path, "getWakeUpCall", get_wakeups),
        operation(parts, "POST", path, "postWakeUpCall", post_wakeups),
        operation(parts, "PUT", path, "putWakeUpCall", put_wakeups),
        operation(parts, "DELETE", path, "deleteWakeUpCall", delete_wakeups),
        operation(parts, "GET", BASE + "/wakeUpCalls", "getWakeUpCalls", get_hotel_wakeups),
    ]
