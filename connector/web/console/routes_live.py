"""`/console/events`: server-sent events telling a signed-in console what changed.

Events: `room` (data: the room number; the page fetches that room's cell), `alert` (data: the
room, or empty when an alert was acknowledged), `wakeup` (a wake-up try started or ended:
the wake-up board refreshes) and `reload` (the browser fell behind: rebuild
the page). No guest data travels here: the page asks for it through signed-in requests.
The stream ends when the session does (checked every RECHECK_SECONDS), so a sign-out
elsewhere or a removed account stops it (the browser reconnects and is refused), and when
the connector shuts down (`Notices.close`).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from fastapi import APIRouter
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.requests import Request
from starlette.responses import Response

from connector.web.console.shell import Console, ConsoleRefusal

RECHECK_SECONDS = 30.0
PING_SECONDS = 15


def live_router(console: Console) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/console/events")
    async def events(request: Request) -> Response:
        if console.session(request) is None:
            raise ConsoleRefusal(401, "Signed out", "Sign in to receive live updates.")
        store = console.store()

        async def stream() -> AsyncIterator[ServerSentEvent]:
            with store.notices.subscribe() as subscription:
                while True:
                    try:
                        notice = await asyncio.wait_for(subscription.next(), RECHECK_SECONDS)
                    except TimeoutError:
                        if not _still_signed_in(console, request):
                            return
                        continue
                    if notice.kind == "closing":
                        return
                    yield ServerSentEvent(data=notice.room or "", event=notice.kind)

        return EventSourceResponse(stream(), ping=PING_SECONDS,
                                   headers={"Cache-Control": "no-store"})

    return router


def _still_signed_in(console: Console, request: Request) -> bool:
    try:
        return console.session(request) is not None
    except ConsoleRefusal:  # the connector is stopping, or the last account was removed
        return False
