"""`/console/rooms/{room}`: one room's page — its guests, wake-ups, events, changes in Zoom,
reports to the PMS, calls and charges, staff actions — live, and its actions (POST): DND
on/off, housekeeping status, re-sync with Zoom (`actions.py`). An action answers with a
redirect back to the page (post/redirect/get), which says what was done."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from connector.events.models import HousekeepingStatus
from connector.service import Connector
from connector.web.console import grid, room_view
from connector.web.console.actions import Done, NotPossible, RoomActions, new_submission
from connector.web.console.parts import ConsoleParts
from connector.web.console.refusals import ConsoleRefusal
from connector.web.console.room_view import HOUSEKEEPING_LABELS, RoomPage
from connector.web.console.shell import Console, SignedIn

# What the page says after an action (`?done=`), so the words are the server's, not the URL's.
DONE_WORDS = {
    "dnd-on": "Do not disturb is on. Zoom and the PMS are being told.",
    "dnd-off": "Do not disturb is off. Zoom and the PMS are being told.",
    "resync": "The room is being brought in step with Zoom again.",
    "repeat": "That form had been sent already: it was done once, not again.",
    **{f"hk-{status.value}": f"Housekeeping status set to {label.lower()} and reported to "
       "the PMS." for status, label in HOUSEKEEPING_LABELS.items()},
}


def room_router(console: Console, parts: ConsoleParts) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    actions = RoomActions(parts, console.clock)

    @router.get("/console/rooms/{room}")
    async def room_page(request: Request, room: str) -> Response:
        signed_in = console.staff(request)
        page = _page(console, room)
        done = DONE_WORDS.get(request.query_params.get("done", ""))
        return console.page(request, "room.html", signed_in, page=page, done=done,
                            submission=new_submission(), housekeeping=HOUSEKEEPING_LABELS)

    @router.get("/console/rooms/{room}/detail")
    async def room_detail(request: Request, room: str) -> Response:
        signed_in = console.staff(request)
        return console.page(request, "_room_detail.html", signed_in, page=_page(console, room))

    @router.post("/console/rooms/{room}/dnd")
    async def dnd(request: Request, room: str) -> Response:
        signed_in, form = await console.checked_form(request)
        connector = _known_room(console, room)
        on = form.get("on") == "1"
        done = _act(lambda: actions.dnd(connector, room, on=on,
                                        submission=form.get("submission", "")))
        return _after(console, signed_in, room, done, "dnd on" if on else "dnd off",
                      "dnd-on" if on else "dnd-off")

    @router.post("/console/rooms/{room}/housekeeping")
    async def housekeeping(request: Request, room: str) -> Response:
        signed_in, form = await console.checked_form(request)
        _known_room(console, room)
        try:
            status = HousekeepingStatus(form.get("status", ""))
        except ValueError:
            raise ConsoleRefusal(400, "Choose a status", "No housekeeping status was chosen; "
                                 "nothing was done.") from None
        done = _act(lambda: actions.housekeeping(room, status,
                                                 submission=form.get("submission", "")))
        return _after(console, signed_in, room, done,
                      f"housekeeping {HOUSEKEEPING_LABELS[status].lower()}",
                      f"hk-{status.value}")

    @router.post("/console/rooms/{room}/resync")
    async def resync(request: Request, room: str) -> Response:
        signed_in, form = await console.checked_form(request)
        connector = _known_room(console, room)
        done = _act(lambda: actions.resync(connector, room,
                                           submission=form.get("submission", "")))
        return _after(console, signed_in, room, done, "re-sync with Zoom", "resync")

    return router


def _act(action: Callable[[], Done]) -> Done:
    try:
        return action()
    except NotPossible as error:
        raise ConsoleRefusal(503, "Not possible now", str(error)) from None


def _after(console: Console, signed_in: SignedIn, room: str, done: Done, action: str,
           code: str) -> Response:
    # A repeat did nothing: the first one was audited.
    if not done.repeat:
        console.audit(signed_in, action, room=room, detail=done.ref)
    return RedirectResponse(f"/console/rooms/{room}?done={'repeat' if done.repeat else code}",
                            status_code=303)


def _known_room(console: Console, room: str) -> Connector:
    """The connector, once `room` is a room of this hotel (in the room map, or known from
    the PMS); else 404."""
    store = console.store()
    connector = console.connector()
    assert connector is not None  # console.store() has checked
    if room not in connector.room_map and store.room(room) is None:
        raise ConsoleRefusal(404, "No such room", f"There is no room {room[:16]} here.")
    return connector


def _page(console: Console, room: str) -> RoomPage:
    connector = _known_room(console, room)
    store = connector.store
    now = console.clock.now()
    state = store.room(room)
    failure = next((f for f in store.failures() if f.room == room), None)
    row = grid.room_row(room, state, lagging=room in set(store.dirty_rooms()),
                        failure=failure, now=now, tz=console.tz)
    trail = store.audit(room, since=now - timedelta(days=room_view.HISTORY_DAYS),
                        tz=console.tz)
    jobs = store.wakeup_jobs([room])
    return room_view.room_page(row, state, jobs, trail,
                               attempts=store.wakeup_attempts(job.id for job in jobs))
