"""`/console/events`: server-sent events telling a signed-in console what changed.

Events: `room` (data: the changed rooms' numbers, separated by spaces; the page fetches
their cells in one request), `alert` (data: the alerts' rooms, or empty when an alert was
acknowledged), `wakeup` (a wake-up try started or ended: the wake-up board refreshes) and
`reload` (the browser fell behind, or too many rooms changed at once: rebuild the page).
The notices of each short window are coalesced (`live_batch`): at most one event of a kind.
No guest data travels here: the page asks for it through signed-in requests.
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

from connector.notices import Notice, Subscription
from connector.web.console.live_batch import WINDOW_SECONDS, coalesce
from connector.web.console.refusals import ConsoleRefusal
from connector.web.console.shell import Console

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
                    window = [notice, *await _rest_of_window(subscription)]
                    if any(n.kind == "closing" for n in window):
                        return
                    for event in coalesce(window):
                        yield ServerSentEvent(data=event.data, event=event.event)

        return EventSourceResponse(stream(), ping=PING_SECONDS,
                                   headers={"Cache-Control": "no-store"})

    return router


async def _rest_of_window(subscription: Subscription) -> list[Notice]:
    """The notices that come within WINDOW_SECONDS of the first (sooner on `closing`)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WINDOW_SECONDS
    more: list[Notice] = []
    while (left := deadline - loop.time()) > 0:
        try:
            notice = await asyncio.wait_for(subscription.next(), left)
        except TimeoutError:
            break
        more.append(notice)
        if notice.kind == "closing":
            break
    return more


def _still_signed_in(console: Console, request: Request) -> bool:
    try:
        return console.session(request) is not None
    except ConsoleRefusal:  # the connector is stopping, or the last account was removed
        return False
