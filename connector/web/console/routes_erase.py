"""`/console/rooms/{room}/erase` (admins only): a departed guest asks to be forgotten, and
the IT person erases that stay's personal data from the console — chosen from the room's
latest stays, confirmed on a second step, done by the same code as `connector erase` and
written to the audit trail with the admin's name.

A stay still in house is refused, as `connector erase` refuses it without --force: the
console offers no force (the room phone keeps the name until check-out anyway, and a forced
erasure is a decision for the shell, where it is typed on purpose)."""

from __future__ import annotations

from datetime import datetime, tzinfo

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from connector.hotel_time import hotel_time
from connector.store.erasure import ERASED_ACTION, StayFound
from connector.web.console.refusals import ConsoleRefusal
from connector.web.console.routes_room import _known_room
from connector.web.console.shell import Console, SignedIn

# The room's stays offered, newest first: a guest asking is usually a recent one; older stays
# are erased by the daily retention anyway (`connector erase` reaches every one).
STAYS_SHOWN = 10
WHY = "on request, from the console"


def erase_router(console: Console) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/console/rooms/{room}/erase")
    async def erase_page(request: Request, room: str) -> Response:
        signed_in = console.admin(request)
        _known_room(console, room)
        stays = console.store().latest_stays(room, STAYS_SHOWN)
        chosen = request.query_params.get("reservation")
        stay = None if chosen is None else _stay_of(stays, room, chosen)
        return console.page(
            request, "erase.html", signed_in, room=room, stays=[
                (stay, erased, _spans(stay, console.tz)) for stay, erased in stays],
            chosen=stay, chosen_spans=None if stay is None else _spans(stay, console.tz),
            done=_done(console, room, request.query_params.get("done", "")))

    @router.post("/console/rooms/{room}/erase")
    async def erase(request: Request, room: str) -> Response:
        signed_in, form = await console.checked_form(request)
        _admin_only(signed_in)
        _known_room(console, room)
        store = console.store()
        stay = _stay_of(store.latest_stays(room, STAYS_SHOWN), room,
                        form.get("reservation", ""))
        if stay.in_house:
            raise ConsoleRefusal(409, "Still in house", f"Reservation {stay.reservation} is "
                                 "still in house: the room phone shows the guest's name and "
                                 "the PMS sends it again with every change. Check the guest "
                                 "out first; nothing was erased.")
        store.erase_stay(stay, by=signed_in.name, why=WHY)
        entry = next(e for e in store.staff.audit_entries(room=room)
                     if e.staff == signed_in.name and e.action.startswith(ERASED_ACTION))
        return RedirectResponse(f"/console/rooms/{room}/erase?done={entry.id}",
                                status_code=303)

    return router


def _admin_only(signed_in: SignedIn) -> None:
    if signed_in.role != "admin":
        raise ConsoleRefusal(403, "For admins only", "Only the connector's admins (the IT "
                             "person) can erase a guest's personal data; nothing was erased.")


def _stay_of(stays: list[tuple[StayFound, bool]], room: str, reservation: str) -> StayFound:
    """The room's stay of `reservation`, among those the page offers; else 404."""
    for stay, _ in stays:
        if stay.reservation is not None and stay.reservation == reservation:
            return stay
    raise ConsoleRefusal(404, "No such stay", f"Room {room} has no recent stay of "
                         f"reservation {reservation[:32]}; nothing was erased.")


def _spans(stay: StayFound, tz: tzinfo) -> str:
    """When the stay was in which room, as the front desk reads it."""
    return "; ".join(f"room {span.room}, {_when(span.since, tz)} to "
                     f"{'now (in house)' if span.until is None else _when(span.until, tz)}"
                     for span in stay.spans)


def _when(moment: datetime, tz: tzinfo) -> str:
    if moment.year == 1:  # in house when stays began to be kept (schema v6)
        return "before stays were kept"
    return hotel_time(moment, tz)


def _done(console: Console, room: str, done: str) -> str | None:
    """What an erasure erased, in the audit's words (counts, never a name)."""
    if not done.isdigit():
        return None
    entry = next((e for e in console.store().staff.audit_entries(room=room)
                  if e.id == int(done) and e.action.startswith(ERASED_ACTION)), None)
    return None if entry is None else entry.action[0].upper() + entry.action[1:] + "."
