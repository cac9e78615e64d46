"""What OHIP's gateway does to every REST call before and after the API answers it, in order:
the limit (above 50 a second the excess waits 1 s), injected faults (they stand for the
gateway and the network), the token, app key and hotel header, then the operation; and a line
in the request log."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from connector.clock import Clock
from connector.sandbox.ohip.auth import OhipAuth
from connector.sandbox.ohip.errors import DroppedConnection, OhipError, invalid
from connector.sandbox.ohip.faults import OhipFaults
from connector.sandbox.ohip.limits import ExcessDelay
from connector.sandbox.ohip.requestlog import OhipRequest, OhipRequestLog
from connector.sandbox.ohip.state import OhipState

JSON_TYPE = "application/json;charset=UTF-8"


@dataclass
class Paging:
    """getHotelReservations' page sizes: OHIP's defaults are UNCONFIRMED, so parameters."""

    default_limit: int = 20
    max_limit: int = 200


@dataclass
class Parts:
    """What the routes work on."""

    state: OhipState
    auth: OhipAuth
    limit: ExcessDelay
    faults: OhipFaults
    requests: OhipRequestLog
    clock: Clock
    paging: Paging = field(default_factory=Paging)


Handler = Callable[[Parts, Request], Awaitable[Response]]


def ohip_json(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse(body, status_code=status, headers=headers, media_type=JSON_TYPE)


def error_response(exc: OhipError, instance: str = "") -> Response:
    return ohip_json(exc.status, exc.body(instance), exc.headers)


async def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object; 400 when it is not one."""
    raw = await request.body()
    try:
        body = json.loads(raw) if raw.strip() else None
    except ValueError:
        raise invalid("The request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise invalid("The request body must be a JSON object")
    return body


def property_time(text: str, tz: tzinfo) -> datetime:
    """A time OHIP is sent, as property time (naive); one with an offset is converted."""
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise invalid(f"{text!r} is not a date-time") from None
    if when.tzinfo is not None:
        when = when.astimezone(tz).replace(tzinfo=None)
    return when


class _Dropped(Response):
    """Promise a body, send a little of it, then fail: the client sees the answer cut short
    after the request took effect."""

    def __init__(self) -> None:
        super().__init__(status_code=200)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 201,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", b"4096")]})
        await send({"type": "http.response.body", "body": b'{"', "more_body": True})
        raise DroppedConnection("fault injection: connection dropped")


def operation(parts: Parts, method: str, path: str, operation_id: str, handler: Handler,
              *, authed: bool = True) -> Route:
    """A route for one OHIP operation, behind the gateway."""

    async def endpoint(request: Request) -> Response:
        clock = parts.clock
        arrived, at = clock.monotonic(), clock.now()
        wait = parts.limit.admit(arrived)
        if wait:
            await clock.sleep(wait)
        await request.body()  # the gateway takes the whole request, whatever it answers
        effect = parts.faults.take(operation_id)
        status = 0
        try:
            if effect.error_status is not None:
                response = error_response(OhipError(
                    effect.error_status, "The service is unavailable; try again later"))
            else:
                try:
                    if authed:
                        parts.auth.check(request.headers, request.path_params.get("hotelId"),
                                         parts.state.hotel_id)
                    response = await handler(parts, request)
                except OhipError as exc:
                    response = error_response(exc, request.url.path)
            if effect.drop:
                response = _Dropped()
            else:
                status = response.status_code
            return response
        finally:
            parts.requests.append(OhipRequest(
                at=at, monotonic=arrived, method=method, path=request.url.path,
                operation=operation_id, status=status, delayed=bool(wait), fault=effect.label))

    return Route(path, endpoint, methods=[method])
