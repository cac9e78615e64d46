"""The emulated OHIP businessEvents dequeue (int.json `getBusinessEvents`):
`GET /int/v1/externalSystem/{code}/hotels/{hotelId}/businessEvents?limit=…`.

At most 20 events a call, each handed out once (`OhipEventLog.dequeue`); 204 with no body
when the queue is empty, as the spec lists it. Faults lose an event for good, hand one out
twice, put one back for a later call (late), or swap neighbours.

The spec's `moduleName` is an enum (`Reservation`, `Housekeeping`, …) where the stream says
"RESERVATION"; a stream module with no enum value ("FRONT DESK", the wake-up calls) is
answered as `Reservation`, its primary key being the reservation (UNCONFIRMED: OHIP does not
say how it files them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from connector.sandbox.ohip.event_log import POLL_LIMIT, BusinessEvent, OhipEventLog
from connector.sandbox.ohip.gateway import Parts, operation
from connector.sandbox.ohip.stream_faults import StreamFaults

PATH = "/int/v1/externalSystem/{code}/hotels/{hotelId}/businessEvents"
_MODULES = {"RESERVATION": "Reservation", "HOUSEKEEPING": "Housekeeping",
            "PROFILE": "Profile", "CASHIERING": "Cashiering", "NIGHT AUDIT": "NightAudit",
            "FRONT DESK": "Reservation"}


def poll_routes(log: OhipEventLog, *, auth: Callable[[str], bool],
                faults: StreamFaults) -> list[BaseRoute]:
    """The dequeue route on its own; `auth(bearer_token)` says whether a token is valid.
    (The emulator serves it behind its gateway instead: `gateway_poll_route`.)"""

    async def dequeue(request: Request) -> Response:
        bearer = request.headers.get("authorization", "")
        if not bearer.startswith("Bearer ") or not auth(bearer.removeprefix("Bearer ")):
            return Response(status_code=401)
        hotel = request.path_params["hotelId"]
        if not request.headers.get("x-app-key") or request.headers.get("x-hotelid") != hotel:
            return _problem(400, "x-app-key and x-hotelid (naming the hotel) are required")
        return dequeue_answer(log, faults, request)

    return [Route(PATH, dequeue, methods=["GET"])]


def gateway_poll_route(parts: Parts, log: OhipEventLog, faults: StreamFaults) -> BaseRoute:
    """The dequeue behind the emulated gateway: its limit, faults, auth and request log
    count it as they count every REST call."""

    async def handler(parts: Parts, request: Request) -> Response:
        return dequeue_answer(log, faults, request)

    return operation(parts, "GET", PATH, "getBusinessEvents", handler)


def dequeue_answer(log: OhipEventLog, faults: StreamFaults, request: Request) -> Response:
    """Up to `limit` events for the external system in the path, each handed out once."""
    hotel = request.path_params["hotelId"]
    if hotel != log.hotel_id:
        return _problem(404, f"no hotel {hotel}")
    try:
        limit = int(request.query_params.get("limit", POLL_LIMIT))
    except ValueError:
        return _problem(400, "limit must be a whole number")
    if not 1 <= limit <= POLL_LIMIT:
        return _problem(400, f"limit must be between 1 and {POLL_LIMIT}")
    code = request.path_params["code"]
    events = log.dequeue(code, limit)
    late = [e for e in events if faults.happens(faults.late)]
    log.requeue(code, late)
    delivered = faults.shuffle([e for e in events if e not in late])
    if not delivered:
        return Response(status_code=204)
    return JSONResponse({"businessEventData": [_entry(e) for e in delivered]})


def _problem(status: int, detail: str) -> Response:
    return JSONResponse({"type": "https://tools.ietf.org/html/rfc7231#section-6.5",
                         "title": "Bad Request" if status == 400 else "Not Found",
                         "status": status, "detail": detail}, status_code=status)


def _entry(event: BusinessEvent) -> dict[str, Any]:
    """One `businessEventDataType`."""
    header = {"moduleName": _MODULES.get(event.module_name, "Reservation"),
              "actionType": event.event_name, "actionId": event.offset,
              "primaryKey": event.primary_key,
              "createdDateTime": event.timestamp.isoformat(), "hotelId": event.hotel_id}
    details = []
    for detail in event.details:
        item: dict[str, Any] = {"dataElement": detail.element_name}
        if detail.old_value is not None:
            item["oldValue"] = detail.old_value
        if detail.new_value is not None:
            item["newValue"] = detail.new_value
        if detail.element_type:
            item["elementType"] = detail.element_type
        if detail.element_role:
            item["elementRole"] = detail.element_role
        details.append(item)
    return {"businessEvent": {"header": header, "details": details},
            "businessEventId": {"id": str(event.offset), "type": "BusinessEvent"}}
