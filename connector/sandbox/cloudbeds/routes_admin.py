"""The sandbox's own admin API (JSON, no key, never rate-limited): the front desk's actions on
the emulated property, each announcing what Cloudbeds would, and what tests and the bench read.

    POST /_admin/reservations                      {first_name, last_name, start, end, room?}
    POST /_admin/reservations/{id}/check_in        {room?}
    POST /_admin/reservations/{id}/check_out
    POST /_admin/reservations/{id}/move            {room}
    POST /_admin/reservations/{id}/dates           {start, end}
    POST /_admin/reservations/{id}/names           {first_name, last_name}
    POST /_admin/reservations/{id}/cancel
    POST /_admin/reservations/{id}/no_show
    POST /_admin/reservations/{id}/delete
    POST /_admin/rooms/{room}/condition            {condition}
    POST /_admin/reactivate
    POST /_admin/outage                            {down}: Cloudbeds down (503) or back
    GET  /_admin/status                            suspensions, requests, webhooks
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, Router

from connector.sandbox.cloudbeds.state import CloudbedsError, Condition, Reservation

if TYPE_CHECKING:
    from connector.sandbox.cloudbeds.emulator import CloudbedsEmulator


def _summary(res: Reservation) -> dict[str, object]:
    return {"reservationID": res.reservation_id, "status": res.status.value,
            "roomID": res.room_id, "startDate": res.start.isoformat(),
            "endDate": res.end.isoformat()}


async def _json(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    body = await request.json()
    if not isinstance(body, dict):
        raise CloudbedsError(400, "the admin API takes a JSON object")
    return body


def _day(body: dict[str, Any], name: str) -> date:
    try:
        return date.fromisoformat(str(body[name]))
    except (KeyError, ValueError):
        raise CloudbedsError(400, f"{name}: a date YYYY-MM-DD is required") from None


def admin_app(emu: CloudbedsEmulator) -> Router:
    """The admin routes of one emulator."""
    state = emu.state

    def action(act: Callable[[Request, dict[str, Any]], object]
               ) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            try:
                result = act(request, await _json(request))
            except CloudbedsError as error:
                return JSONResponse({"success": False, "message": error.message},
                                    status_code=error.status)
            except ValueError as error:
                return JSONResponse({"success": False, "message": str(error)},
                                    status_code=400)
            if isinstance(result, Reservation):
                result = _summary(result)
            return JSONResponse({"success": True, "data": result})
        return endpoint

    def rid(request: Request) -> str:
        return str(request.path_params["reservation_id"])

    def create(_: Request, body: dict[str, Any]) -> object:
        return state.create_reservation(str(body.get("first_name", "")),
                                        str(body.get("last_name", "")), _day(body, "start"),
                                        _day(body, "end"), body.get("room"))

    def condition(request: Request, body: dict[str, Any]) -> object:
        room = state.set_condition(request.path_params["room"],
                                   Condition(str(body.get("condition"))))
        return {"roomID": room.room_id, "roomCondition": room.condition.value}

    def reactivate(_: Request, __: dict[str, Any]) -> object:
        emu.gate.reactivate()
        return {"suspended": False}

    def outage(_: Request, body: dict[str, Any]) -> object:
        emu.down = bool(body.get("down", True))
        return {"down": emu.down}

    def status(_: Request, __: dict[str, Any]) -> object:
        return emu.status()

    routes = [
        Route("/_admin/reservations", action(create), methods=["POST"]),
        Route("/_admin/reservations/{reservation_id}/check_in", action(
            lambda r, b: state.check_in(rid(r), b.get("room"))), methods=["POST"]),
        Route("/_admin/reservations/{reservation_id}/check_out", action(
            lambda r, b: state.check_out(rid(r))), methods=["POST"]),
        Route("/_admin/reservations/{reservation_id}/move", action(
            lambda r, b: state.move(rid(r), str(b.get("room")))), methods=["POST"]),
        Route("/_admin/reservations/{reservation_id}/dates", action(
            lambda r, b: state.change_dates(rid(r), _day(b, "start"), _day(b, "end"))),
            methods=["POST"]),
        Route("/_admin/reservations/{reservation_id}/names", action(
            lambda r, b: state.rename(rid(r), str(b.get("first_name", "")),
                                      str(b.get("last_name", "")))), methods=["POST"]),
        Route("/_admin/reservations/{reservation_id}/cancel", action(
            lambda r, b: state.cancel(rid(r))), methods=["POST"]),
        Route("/_admin/reservations/{reservation_id}/no_show", action(
            lambda r, b: state.no_show(rid(r))), methods=["POST"]),
        Route("/_admin/reservations/{reservation_id}/delete", action(
            lambda r, b: state.delete(rid(r))), methods=["POST"]),
        Route("/_admin/rooms/{room}/condition", action(condition), methods=["POST"]),
        Route("/_admin/reactivate", action(reactivate), methods=["POST"]),
        Route("/_admin/outage", action(outage), methods=["POST"]),
        Route("/_admin/status", action(status), methods=["GET"]),
    ]
    return Router(routes=routes)
