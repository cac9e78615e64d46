"""The emulator's admin API under `/_admin/` (a prefix OHIP does not use): the front desk's
actions, each calling the same `OhipState` method the Python API offers (and so writing the
same business event), plus faults, the request log and the postings. JSON in and out, in the
emulator's own shape (not OHIP's)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from connector.sandbox.ohip.errors import OhipError
from connector.sandbox.ohip.model import (
    FrontOfficeStatus,
    Reservation,
    RoomCondition,
    WakeUpCall,
    WakeUpStatus,
)
from connector.sandbox.ohip.views import stamp
from connector.sandbox.routes_admin import AdminError, json_body

if TYPE_CHECKING:
    from connector.sandbox.ohip.emulator import OhipEmulator


def _text(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise AdminError(f"{name} must be a string")
    return value


def _date(body: dict[str, Any], name: str) -> date | None:
    text = _text(body, name)
    return None if text is None else date.fromisoformat(text)


def _time(body: dict[str, Any], name: str) -> datetime | None:
    text = _text(body, name)
    return None if text is None else datetime.fromisoformat(text).replace(tzinfo=None)


def wakeup_json(call: WakeUpCall) -> dict[str, Any]:
    return {"id": call.id, "time": call.call_time.isoformat(timespec="seconds"),
            "status": call.status.value, "instructions": call.instructions}


def reservation_json(reservation: Reservation) -> dict[str, Any]:
    guest = reservation.guest
    return {
        "id": reservation.id, "confirmation": reservation.confirmation,
        "status": reservation.status.value, "room": reservation.room,
        "arrival": reservation.arrival.isoformat(),
        "departure": reservation.departure.isoformat(), "share_id": reservation.share_id,
        "guest": {"given_name": guest.given_name, "surname": guest.surname,
                  "title": guest.title, "vip": guest.vip, "language": guest.language},
        "wakeups": [wakeup_json(c) for c in reservation.wakeups],
    }


Action = Callable[[Request, dict[str, Any]], Any]


def routes(emu: OhipEmulator) -> list[Route]:
    """The admin routes, bound to one emulator."""
    state = emu.state

    def action(fn: Action) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            try:
                result = fn(request, await json_body(request))
            except OhipError as exc:
                return JSONResponse({"error": exc.detail}, status_code=exc.status)
            except (AdminError, ValueError, TypeError) as exc:
                return JSONResponse({"error": str(exc)}, status_code=400)
            return JSONResponse(result)
        return endpoint

    def rid(request: Request) -> str:
        return str(request.path_params["reservation_id"])

    def info(request: Request, body: dict[str, Any]) -> Any:
        return {"hotel_id": emu.hotel_id, "chain_code": emu.chain_code,
                "client_id": emu.auth.credentials.client_id,
                "client_secret": emu.auth.credentials.client_secret,
                "app_key": emu.auth.credentials.app_key,
                "external_systems": list(emu.external_systems),
                "rooms": len(state.rooms), "reservations": len(state.reservations),
                "in_house": len(state.in_house()), "last_offset": emu.log.last_offset,
                "delayed": emu.delayed, "tokens_issued": emu.auth.issued}

    def events(request: Request, body: dict[str, Any]) -> Any:
        after = int(request.query_params.get("after", "0"))
        return {"events": [{
            "offset": e.offset, "uniqueEventId": e.unique_event_id, "module": e.module_name,
            "event": e.event_name, "primaryKey": e.primary_key, "timestamp": stamp(e.timestamp),
            "details": [{"element": d.element_name, "old": d.old_value, "new": d.new_value}
                        for d in e.details],
        } for e in emu.log.after(after)]}

    def create(request: Request, body: dict[str, Any]) -> Any:
        given, surname = _text(body, "given_name"), _text(body, "surname")
        if not given or not surname:
            raise AdminError("given_name and surname are required")
        return reservation_json(state.create_reservation(
            given, surname, arrival=_date(body, "arrival"), departure=_date(body, "departure"),
            title=_text(body, "title") or "", vip=_text(body, "vip") or "",
            language=_text(body, "language") or "", room=_text(body, "room"),
            share_with=_text(body, "share_with")))

    def show(request: Request, body: dict[str, Any]) -> Any:
        return reservation_json(state.reservation(rid(request)))

    def check_in(request: Request, body: dict[str, Any]) -> Any:
        return reservation_json(state.check_in(rid(request), _text(body, "room")))

    def check_out(request: Request, body: dict[str, Any]) -> Any:
        return reservation_json(state.check_out(rid(request)))

    def reverse_in(request: Request, body: dict[str, Any]) -> Any:
        return reservation_json(state.reverse_check_in(rid(request)))

    def reverse_out(request: Request, body: dict[str, Any]) -> Any:
        return reservation_json(state.reverse_check_out(rid(request)))

    def move(request: Request, body: dict[str, Any]) -> Any:
        room = _text(body, "room")
        if not room:
            raise AdminError("room is required")
        return {"moved": [reservation_json(r) for r in state.move(rid(request), room)]}

    def guest(request: Request, body: dict[str, Any]) -> Any:
        return reservation_json(state.change_guest(
            rid(request), given_name=_text(body, "given_name"), surname=_text(body, "surname"),
            title=_text(body, "title"), vip=_text(body, "vip"),
            language=_text(body, "language")))

    def add_wakeup(request: Request, body: dict[str, Any]) -> Any:
        when = _time(body, "time")
        if when is None:
            raise AdminError("time is required (property time, e.g. 2026-03-11T06:30)")
        return wakeup_json(state.add_wakeup(rid(request), when,
                                            _text(body, "instructions") or ""))

    def wakeup(request: Request, body: dict[str, Any]) -> Any:
        reservation = state.reservation(rid(request))
        call = state.wakeup_by_id(reservation, str(request.path_params["call_id"]))
        if request.method == "DELETE":
            state.delete_wakeup(reservation.id, call)
            return {"deleted": call.id}
        status = _text(body, "status")
        return wakeup_json(state.change_wakeup(
            reservation.id, call, call_time=_time(body, "time"),
            status=None if status is None else WakeUpStatus(status)))

    def room_status(request: Request, body: dict[str, Any]) -> Any:
        condition, front_office = _text(body, "condition"), _text(body, "front_office")
        room = state.set_room_status(
            str(request.path_params["room"]),
            condition=None if condition is None else RoomCondition(condition),
            front_office=None if front_office is None else FrontOfficeStatus(front_office))
        return {"room": room.number, "condition": room.condition.value,
                "front_office": room.front_office.value}

    def requests(request: Request, body: dict[str, Any]) -> Any:
        return {"delayed": emu.delayed,
                "requests": [e.to_json() for e in emu.requests.entries()]}

    def postings(request: Request, body: dict[str, Any]) -> Any:
        return {"postings": [{
            "transaction_no": p.transaction_no, "reservation_id": p.reservation_id,
            "room": p.room, "transaction_code": p.transaction_code, "amount": str(p.amount),
            "currency": p.currency, "quantity": p.quantity, "reference": p.reference,
            "remark": p.remark, "posted_at": stamp(p.posted_at),
        } for p in state.postings]}

    def faults(request: Request, body: dict[str, Any]) -> Any:
        if request.method == "DELETE":
            emu.faults.clear()
        elif request.method == "POST":
            kind, count = body.get("kind", "error"), int(body.get("count", 1))
            operation = _text(body, "operation")
            if kind == "error":
                emu.faults.error_burst(count, int(body.get("status", 503)), operation)
            elif kind == "drop":
                emu.faults.drop_after_body(count, operation)
            else:
                raise AdminError("kind is error or drop")
        return {"faults": [{"kind": f.kind.value, "remaining": f.remaining,
                            "status": f.status, "operation": f.operation}
                           for f in emu.faults.armed]}

    def expire(request: Request, body: dict[str, Any]) -> Any:
        return {"expired": emu.expire_tokens()}

    resv = "/reservations/{reservation_id}"
    table: list[tuple[str, list[str], Action]] = [
        ("/info", ["GET"], info),
        ("/events", ["GET"], events),
        ("/reservations", ["POST"], create),
        (resv, ["GET"], show),
        (resv + "/check-in", ["POST"], check_in),
        (resv + "/check-out", ["POST"], check_out),
        (resv + "/reverse-check-in", ["POST"], reverse_in),
        (resv + "/reverse-check-out", ["POST"], reverse_out),
        (resv + "/move", ["POST"], move),
        (resv + "/guest", ["PATCH"], guest),
        (resv + "/wakeups", ["POST"], add_wakeup),
        (resv + "/wakeups/{call_id}", ["PATCH", "DELETE"], wakeup),
        ("/rooms/{room}/status", ["PUT"], room_status),
        ("/requests", ["GET"], requests),
        ("/postings", ["GET"], postings),
        ("/faults", ["GET", "POST", "DELETE"], faults),
        ("/tokens/expire", ["POST"], expire),
    ]
    return [Route(path, action(fn), methods=methods) for path, methods, fn in table]
