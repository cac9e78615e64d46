"""Puts the console on the web app: its routes, its static files, and the pages that say
why a request was refused."""

from __future__ import annotations

from datetime import tzinfo
from typing import TYPE_CHECKING

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.staticfiles import StaticFiles

from connector.clock import Clock
from connector.settings.model import ConsoleSettings
from connector.web.console.parts import ConsoleParts
from connector.web.console.routes_alerts import alerts_router
from connector.web.console.routes_erase import erase_router
from connector.web.console.routes_health import health_router
from connector.web.console.routes_live import live_router
from connector.web.console.routes_room import room_router
from connector.web.console.routes_rooms import rooms_router
from connector.web.console.routes_sign_in import sign_in_router
from connector.web.console.routes_wakeups import wakeups_router
from connector.web.console.shell import (
    Console,
    ConsoleRefusal,
    SignInRequired,
    sign_in_path,
    templates,
)
from connector.web.context import ConnectorProvider

if TYPE_CHECKING:
    # Only a type here: connector.pms.reporter imports connector.web (signing).
    from connector.pms.reporter import Reporter


def install_console(app: FastAPI, connector: ConnectorProvider, settings: ConsoleSettings,
                    *, clock: Clock, tz: tzinfo, reporter: Reporter | None = None,
                    parts: ConsoleParts | None = None) -> Console:
    """Add the console's routes to `app`; returns the Console a new page's router takes.
    `reporter`: where actions that the PMS must hear of (a wake-up set) are reported.
    `parts`: what the room actions and the Health page use beyond the connector (the
    reporter, the FIAS door, the phone side), filled in as `connector serve` opens them."""
    console = Console(connector=connector, settings=settings, clock=clock, tz=tz,
                      templates=templates(), reporter=reporter)
    app.state.console = console  # for tests, and for a page added outside this package
    app.include_router(sign_in_router(console))
    app.include_router(rooms_router(console))
    app.include_router(live_router(console))
    app.include_router(wakeups_router(console))
    app.include_router(alerts_router(console))
    parts = parts if parts is not None else ConsoleParts(reporter=reporter)
    app.include_router(room_router(console, parts))
    app.include_router(erase_router(console))
    app.include_router(health_router(console, parts))
    app.mount("/console/static",
              StaticFiles(packages=[("connector.web.console", "static")]),
              name="console-static")

    async def refused(request: Request, error: Exception) -> Response:
        assert isinstance(error, ConsoleRefusal)
        signed_in = None if error.status in (401, 404, 503) else console.session(request)
        return console.page(request, "error.html", signed_in, status=error.status,
                            title=error.title, message=error.message)

    async def sign_in_first(request: Request, error: Exception) -> Response:
        assert isinstance(error, SignInRequired)
        return RedirectResponse(sign_in_path(error.next_path), status_code=303)

    app.add_exception_handler(ConsoleRefusal, refused)
    app.add_exception_handler(SignInRequired, sign_in_first)
    return console


def console_http_error(console: Console, request: Request, status: int) -> Response:
    """A 404, 405, ... under /console as a page (the API's errors are JSON for a PMS)."""
    words = {404: ("Not found", "There is no such page in the console."),
             405: ("Not allowed", "This page cannot be used that way; nothing was done.")}
    title, message = words.get(status, ("Refused", f"The request was refused ({status})."))
    return console.page(request, "error.html", None, status=status, title=title,
                        message=message)
