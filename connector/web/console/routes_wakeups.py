"""`/console/wakeups`: today's wake-up board, and setting, changing or cancelling a room's
wake-up from the desk.

An action goes through the same durable ingest as a PMS event (source "console"), with its
report to the PMS (WR for a wake-up set, WC for one cleared, exactly as for a wake-up the
guest sets on the room phone) kept in the same commit: a crash keeps both or neither. Each
form carries its own id, which names its events: a form sent twice is stored once.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from connector.events.models import AnyEvent, WakeupClear, WakeupSet
from connector.hotel_time import hotel_time
from connector.rooms.state import RoomState, Wakeup
from connector.store import NewReport, StoreError
from connector.web.console.refusals import ConsoleRefusal
from connector.web.console.shell import Console, SignedIn
from connector.web.console.wakeup_board import (
    CONSOLE_EVENT_PREFIX,
    STATE_LABELS,
    Board,
    BoardState,
    board,
)
from connector.web.console.wakeup_request import (
    RequestRefused,
    WakeupRequest,
    checked_request,
    checked_room,
    form_nonce,
    nonce,
    wakeup_at,
)

_DONE = {
    "set": "Wake-up set; the PMS is told.",
    "changed": "Wake-up changed; the PMS is told.",
    "cancelled": "Wake-up cancelled; the PMS is told.",
    "again": "That form had been sent already; nothing more was done.",
}


def wakeups_router(console: Console) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/console/wakeups")
    async def wakeups(request: Request) -> Response:
        signed_in = console.staff(request)
        return _page(console, request, signed_in)

    @router.get("/console/wakeups/board")
    async def board_part(request: Request) -> Response:
        signed_in = console.staff(request)
        show = _show(request)
        return console.page(request, "_wakeup_board.html", signed_in, board=_board(console),
                            show=show, state_labels=STATE_LABELS, nonce=form_nonce)

    @router.post("/console/wakeups")
    async def set_wakeup(request: Request) -> Response:
        signed_in, form = await console.checked_form(request)
        try:
            wanted = _checked(console, _facts(console), form)
        except RequestRefused as refused:
            return _page(console, request, signed_in, problem=str(refused), form=form)
        request_id = nonce(form)
        event = WakeupSet(id=_event_id("set", "set", request_id), occurred_at=console.clock.now(),
                          room=wanted.room, at=wanted.at)
        if not _act(console, [event], [_report(console, "set", wanted.room, wanted.at)]):
            return _done("again", wanted.room)
        console.audit(signed_in, "wake-up set", room=wanted.room,
                      detail=f"for {_words(console, wanted.at)}")
        return _done("set", wanted.room)

    @router.post("/console/wakeups/change")
    async def change_wakeup(request: Request) -> Response:
        signed_in, form = await console.checked_form(request)
        facts = _facts(console)
        try:
            state = checked_room(form, rooms=facts.rooms, states=facts.states)
            old = wakeup_at(state, form)
            wanted = _checked(console, facts, form, replacing=old)
        except RequestRefused as refused:
            return _page(console, request, signed_in, problem=str(refused))
        request_id = nonce(form)
        now = console.clock.now()
        # As when the guest changes it on the phone: the old one cleared (WC), the new one
        # set (WR); a daily wake-up becomes a single one at the new time.
        events: list[AnyEvent] = [
            WakeupClear(id=_event_id("change", "clear", request_id), occurred_at=now,
                        room=state.room, at=old.at),
            WakeupSet(id=_event_id("change", "set", request_id), occurred_at=now,
                      room=state.room, at=wanted.at)]
        if not _act(console, events, [_report(console, "clear", state.room, old.at),
                                      _report(console, "set", state.room, wanted.at)]):
            return _done("again", state.room)
        console.audit(signed_in, "wake-up changed", room=state.room,
                      detail=f"from {_words(console, old.at)} to {_words(console, wanted.at)}")
        return _done("changed", state.room)

    @router.post("/console/wakeups/cancel")
    async def cancel_wakeup(request: Request) -> Response:
        signed_in, form = await console.checked_form(request)
        facts = _facts(console)
        try:
            state = checked_room(form, rooms=facts.rooms, states=facts.states)
            old = wakeup_at(state, form)
        except RequestRefused as refused:
            return _page(console, request, signed_in, problem=str(refused))
        event = WakeupClear(id=_event_id("cancel", "clear", nonce(form)),
                            occurred_at=console.clock.now(), room=state.room, at=old.at)
        if not _act(console, [event], [_report(console, "clear", state.room, old.at)]):
            return _done("again", state.room)
        console.audit(signed_in, "wake-up cancelled", room=state.room,
                      detail=f"the one for {_words(console, old.at)}")
        return _done("cancelled", state.room)

    return router


def _page(console: Console, request: Request, signed_in: SignedIn, *, problem: str = "",
          form: Mapping[str, str] | None = None) -> Response:
    done = _DONE.get(request.query_params.get("done", ""), "")
    room = request.query_params.get("room", "")[:16]
    return console.page(
        request, "wakeups.html", signed_in, status=400 if problem else 200,
        board=_board(console), show=_show(request), state_labels=STATE_LABELS,
        problem=problem, done=f"Room {room}: {done}" if done and room else done,
        form=form or {}, request_id=form_nonce(), nonce=form_nonce,
        today=console.clock.now().astimezone(console.tz).date().isoformat())


def _show(request: Request) -> BoardState | None:
    try:
        return BoardState(request.query_params.get("show", ""))
    except ValueError:
        return None


def _board(console: Console) -> Board:
    store = console.store()
    jobs = store.wakeup_jobs()
    return board(jobs, store.alerts_of_wakeups(job.id for job in jobs), store.all_rooms(),
                 now=console.clock.now(), tz=console.tz)


@dataclass(frozen=True)
class _Facts:
    """What a request is checked against: the rooms, their state, the time."""

    rooms: Collection[str]
    states: Mapping[str, RoomState]
    now: datetime


def _facts(console: Console) -> _Facts:
    store = console.store()
    connector = console.connector()
    assert connector is not None  # console.store() has checked
    return _Facts(rooms=connector.room_map, states=store.all_rooms(), now=console.clock.now())


def _checked(console: Console, facts: _Facts, form: Mapping[str, str],
             replacing: Wakeup | None = None) -> WakeupRequest:
    return checked_request(form, rooms=facts.rooms, states=facts.states, now=facts.now,
                           tz=console.tz, replacing=replacing)


def _event_id(action: str, kind: str, request_id: str) -> str:
    """The id of an event of a form: its action and kind in it, so forms can never share
    one by mistake."""
    return f"{CONSOLE_EVENT_PREFIX}wakeup-{action}-{kind}-{request_id}"


def _report(console: Console, kind: str, room: str, at: datetime) -> NewReport:
    reporter = console.reporter
    if reporter is None:
        raise ConsoleRefusal(503, "Cannot tell the PMS", "This connector runs without its "
                             "reports to the PMS, so wake-ups cannot be set here; nothing "
                             "was done. Set it in the PMS.")
    return (reporter.wakeup_set_report(room, at) if kind == "set"
            else reporter.wakeup_clear_report(room, at))


def _act(console: Console, events: Sequence[AnyEvent], reports: Sequence[NewReport]) -> bool:
    """Store the events with their reports, in one commit, then wake the reporter. False
    when they were stored before (the same form sent again): nothing is done twice."""
    connector = console.connector()
    assert connector is not None and console.reporter is not None
    by_event: dict[str, list[NewReport]] = {}
    for event, report in zip(events, reports, strict=True):
        by_event.setdefault(event.id, []).append(report)
    try:
        received = connector.ingest(events, source="console", reports=by_event)
    except StoreError:
        raise ConsoleRefusal(503, "Not saved", "The connector could not save it (its "
                             "database failed); nothing was done. Try again in a moment, "
                             "and tell the IT person if it keeps happening.") from None
    console.reporter.nudge()
    return not all(outcome.duplicate for outcome in received)


def _words(console: Console, at: datetime) -> str:
    return hotel_time(at, console.tz)


def _done(what: str, room: str) -> Response:
    return RedirectResponse(f"/console/wakeups?done={what}&room={quote(room)}",
                            status_code=303)
