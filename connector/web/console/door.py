"""The console's door on the web app: one route that owns every path under /console and
builds the console (templates, password hashing, the live stream, its pages, and FastAPI
that they are written with) on the first request that comes through it.

One connector runs per hotel, and many hotels never open the console: until someone does,
the process carries neither jinja2, sse-starlette and argon2 nor the console's own modules
(about 3 MB of RSS a hotel; FastAPI about 6 more). A console request pays the build once
(tens of milliseconds).
"""

from __future__ import annotations

import logging
from datetime import tzinfo
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Match, NoMatchFound
from starlette.types import ASGIApp, Receive, Scope, Send

from connector.clock import Clock
from connector.settings.model import ConsoleSettings
from connector.web.console.parts import ConsoleParts
from connector.web.console.refusals import ConsoleRefusal, SignInRequired, sign_in_path
from connector.web.context import ConnectorProvider

if TYPE_CHECKING:
    from connector.pms.reporter import Reporter
    from connector.web.console.shell import Console

log = logging.getLogger(__name__)

PREFIX = "/console"


class ConsoleDoor(BaseRoute):
    """Every /console path; the console itself is built on first use (`console`)."""

    def __init__(self, connector: ConnectorProvider, settings: ConsoleSettings, *,
                 clock: Clock, tz: tzinfo, reporter: Reporter | None,
                 parts: ConsoleParts) -> None:
        self._connector = connector
        self._settings = settings
        self._clock = clock
        self._tz = tz
        self._reporter = reporter
        self._parts = parts
        self._built: tuple[Console, ASGIApp] | None = None

    @property
    def console(self) -> Console:
        """The Console every page uses, built now if no console request came yet."""
        return self._open()[0]

    def _open(self) -> tuple[Console, ASGIApp]:
        if self._built is None:
            from connector.web.console.install import build_console

            self._built = build_console(self._connector, self._settings, clock=self._clock,
                                        tz=self._tz, reporter=self._reporter,
                                        parts=self._parts)
            log.info("front-desk console loaded")
        return self._built

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] in ("http", "websocket") and _is_console(_route_path(scope)):
            return Match.FULL, {}
        return Match.NONE, {}

    def url_path_for(self, name: str, /, **path_params: Any) -> Any:
        # Console pages link by path, never by route name.
        raise NoMatchFound(name, path_params)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        # The console raises 404 and 405 as HTTPException, answered as pages by the app's
        # handler (`http_error`), and its refusals as `install_console` sets.
        await self._open()[1](scope, receive, send)

    def http_error(self, request: Request, status: int) -> Response:
        """A 404, 405, ... under /console as a page (the API's errors are JSON for a PMS)."""
        words = {404: ("Not found", "There is no such page in the console."),
                 405: ("Not allowed", "This page cannot be used that way; nothing was done.")}
        title, message = words.get(status, ("Refused", f"The request was refused ({status})."))
        return self.console.page(request, "error.html", None, status=status, title=title,
                                 message=message)


def install_console(app: Starlette, connector: ConnectorProvider, settings: ConsoleSettings,
                    *, clock: Clock, tz: tzinfo, reporter: Reporter | None = None,
                    parts: ConsoleParts | None = None) -> ConsoleDoor:
    """Put the console's door on `app` (every /console path, built on the first request),
    with the pages that say why a console request was refused. Returns the door; it is
    also `app.state.console_door` (tests, and a page added outside this package).
    `reporter`: where actions that the PMS must hear of (a wake-up set) are reported.
    `parts`: what the room actions and the Health page use beyond the connector (the
    reporter, the FIAS door, the phone side), filled in as `connector serve` opens them."""
    door = ConsoleDoor(connector, settings, clock=clock, tz=tz, reporter=reporter,
                       parts=parts if parts is not None else ConsoleParts(reporter=reporter))
    app.router.routes.append(door)
    app.state.console_door = door

    async def refused(request: Request, error: Exception) -> Response:
        assert isinstance(error, ConsoleRefusal)
        console = door.console
        signed_in = None if error.status in (401, 404, 503) else console.session(request)
        return console.page(request, "error.html", signed_in, status=error.status,
                            title=error.title, message=error.message)

    async def sign_in_first(request: Request, error: Exception) -> Response:
        assert isinstance(error, SignInRequired)
        return RedirectResponse(sign_in_path(error.next_path), status_code=303)

    app.add_exception_handler(ConsoleRefusal, refused)
    app.add_exception_handler(SignInRequired, sign_in_first)
    return door


def _route_path(scope: Scope) -> str:
    # As Starlette's router reads it: the path below the app's root path, if any.
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root):] if root and path.startswith(root) else path


def _is_console(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")
