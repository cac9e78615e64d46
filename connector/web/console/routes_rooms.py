"""`/console/rooms`: the Rooms grid by floor, with its filters and search, one room's cell
(`/console/rooms/{room}/cell`), and the cells of the rooms one live event names
(`/console/rooms/cells?room=101&room=102`) for the live update that replaces them."""

from __future__ import annotations

from datetime import datetime, time

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from connector.web.console import grid
from connector.web.console.grid import SHOW_LABELS, RoomRow, Show
from connector.web.console.live_batch import MAX_ROOMS
from connector.web.console.refusals import ConsoleRefusal
from connector.web.console.shell import Console


def rooms_router(console: Console) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/console/rooms")
    async def rooms(request: Request) -> Response:
        signed_in = console.staff(request)
        show, search = _filters(request)
        selected = [row for row in _rows(console) if grid.matches(row, show, search)]
        return console.page(request, "rooms.html", signed_in, floors=grid.by_floor(selected),
                            shown=len(selected), show=show, search=search,
                            show_labels=SHOW_LABELS)

    @router.get("/console/rooms/{room}/cell")
    async def room_cell(request: Request, room: str) -> Response:
        signed_in = console.staff(request)
        show, search = _filters(request)
        row = _row(console, room)
        return console.page(request, "_room_cell.html", signed_in, row=row,
                            hidden=not grid.matches(row, show, search))

    # Before the room page's `/console/rooms/{room}`: this router is included first.
    @router.get("/console/rooms/cells")
    async def room_cells(request: Request) -> Response:
        signed_in = console.staff(request)
        show, search = _filters(request)
        asked = list(dict.fromkeys(request.query_params.getlist("room")))
        if len(asked) > MAX_ROOMS:
            raise ConsoleRefusal(400, "Too many rooms",
                                 f"Ask for at most {MAX_ROOMS} rooms at a time.")
        rows = _some_rows(console, asked)
        return console.page(request, "_room_cells.html", signed_in,
                            cells=[(row, not grid.matches(row, show, search)) for row in rows])

    return router


def _filters(request: Request) -> tuple[Show, str]:
    try:
        show = Show(request.query_params.get("show", Show.ALL))
    except ValueError:
        show = Show.ALL
    return show, request.query_params.get("q", "")[:64]


def _rows(console: Console) -> list[RoomRow]:
    store = console.store()
    connector = console.connector()
    assert connector is not None  # console.store() has checked
    states = store.all_rooms()
    return grid.rows(set(connector.room_map) | set(states), states,
                     lagging=set(store.dirty_rooms()),
                     failures={f.room: f for f in store.failures()},
                     now=console.clock.now(), tz=console.tz,
                     failed_wakeups=_failed_wakeups(console))


def _some_rows(console: Console, rooms: list[str]) -> list[RoomRow]:
    """The rows of `rooms`, in that order, leaving out any the hotel does not have (a stale
    page's room); the store's lists are read once for them all."""
    store = console.store()
    connector = console.connector()
    assert connector is not None
    lagging = set(store.dirty_rooms())
    failures = {f.room: f for f in store.failures()}
    now = console.clock.now()
    found = []
    for room in rooms:
        state = store.room(room)
        if state is None and room not in connector.room_map:
            continue
        found.append(grid.room_row(room, state, lagging=room in lagging,
                                   failure=failures.get(room), now=now, tz=console.tz))
    return found


def _row(console: Console, room: str) -> RoomRow:
    store = console.store()
    connector = console.connector()
    assert connector is not None
    state = store.room(room)
    if state is None and room not in connector.room_map:
        raise ConsoleRefusal(404, "No such room", f"There is no room {room[:16]} here.")
    failure = next((f for f in store.failures() if f.room == room), None)
    return grid.room_row(room, state, lagging=room in set(store.dirty_rooms()),
                         failure=failure, now=console.clock.now(), tz=console.tz,
                         wakeup_failed=room in _failed_wakeups(console, room))


def _failed_wakeups(console: Console, room: str | None = None) -> set[str]:
    """The rooms whose wake-up of today ended without the guest (only ended jobs are read)."""
    now = console.clock.now()
    local = now.astimezone(console.tz)
    start_of_day = datetime.combine(local.date(), time(0), tzinfo=console.tz)
    jobs = console.store().wakeup_jobs_done_since(start_of_day, room)
    return grid.failed_wakeup_rooms(jobs, now=now, tz=console.tz)

