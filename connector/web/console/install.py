"""Builds the console: its routes and its static files, as one ASGI app the door hands its
requests to (`door.ConsoleDoor`, which builds it on the first console request)."""

from __future__ import annotations

from datetime import tzinfo
from typing import TYPE_CHECKING

from fastapi import APIRouter
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.asyncexitstack import AsyncExitStackMiddleware
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from connector.clock import Clock
from connector.settings.model import ConsoleSettings
from connector.web.console.parts import ConsoleParts
from connector.web.console.refusals import ConsoleRefusal
from connector.web.console.routes_alerts import alerts_router
from connector.web.console.routes_erase import erase_router
from connector.web.console.routes_health import health_router
from connector.web.console.routes_live import live_router
from connector.web.console.routes_room import room_router
from connector.web.console.routes_rooms import rooms_router
from connector.web.console.routes_sign_in import sign_in_router
from connector.web.console.routes_wakeups import wakeups_router
from connector.web.console.shell import Console, templates
from connector.web.context import ConnectorProvider

if TYPE_CHECKING:
    # Only a type here: connector.pms.reporter imports connector.web (signing).
    from connector.pms.reporter import Reporter


def build_console(connector: ConnectorProvider, settings: ConsoleSettings, *, clock: Clock,
                  tz: tzinfo, reporter: Reporter | None,
                  parts: ConsoleParts) -> tuple[Console, ASGIApp]:
    """The Console a page's router takes, and the app serving every console page.
    `reporter`: where actions that the PMS must hear of (a wake-up set) are reported.
    `parts`: what the room actions and the Health page use beyond the connector (the
    reporter, the FIAS door, the phone side), filled in as `connector serve` opens them."""
    console = Console(connector=connector, settings=settings, clock=clock, tz=tz,
                      templates=templates(), reporter=reporter)
    router = APIRouter(include_in_schema=False)
    router.include_router(sign_in_router(console))
    router.include_router(rooms_router(console))
    router.include_router(live_router(console))
    router.include_router(wakeups_router(console))
    router.include_router(alerts_router(console))
    router.include_router(room_router(console, parts))
    router.include_router(erase_router(console))
    router.include_router(health_router(console, parts))
    router.mount("/console/static",
                 StaticFiles(packages=[("connector.web.console", "static")]),
                 name="console-static")
    return console, _ConsolePages(router)


class _ConsolePages:
    """The console's FastAPI routes inside the plain Starlette app: with the exit stack a
    FastAPI app would give each request, and a path that does not parse (an alert id that
    is not a number) answered as a missing page, not a 500."""

    def __init__(self, router: APIRouter) -> None:
        self._app = AsyncExitStackMiddleware(router)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self._app(scope, receive, send)
        except RequestValidationError:
            raise ConsoleRefusal(404, "Not found",
                                 "There is no such page in the console.") from None
