"""The ASGI app: the webhook door, Zoom's event door, event status, health, readiness, metrics
and the front-desk console.

`create_app` only assembles; the routes live in `routes_events.py`, `routes_zoom.py` and
`routes_ops.py`. The app is plain Starlette: FastAPI is loaded only to write the OpenAPI
document (`/openapi.json`, `/docs`) and with the console, when someone opens them.
The app does not open or close the connector: whoever runs it (`connector serve`, a test)
does, and hands over a provider that returns it once it is open (None before and after).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import tzinfo
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from prometheus_client import REGISTRY, CollectorRegistry
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

import connector
from connector.clock import Clock, SystemClock
from connector.settings.model import ConsoleSettings, WebhookSettings
from connector.web.console.door import ConsoleDoor, install_console
from connector.web.console.parts import ConsoleParts
from connector.web.context import ConnectorProvider, WebContext
from connector.web.docs_ui import install_docs
from connector.web.errors import ApiError
from connector.web.metrics import WebMetrics
from connector.web.openapi import DESCRIPTION, OPENAPI_PATH, OpenApiDocument
from connector.web.readiness import ReadinessCheck
from connector.web.routes_events import events_operations
from connector.web.routes_ops import ops_operations
from connector.web.routes_zoom import ZoomDoor, zoom_operations

if TYPE_CHECKING:
    # Only a type here: connector.pms.reporter imports connector.web (signing).
    from connector.pms.reporter import Reporter

log = logging.getLogger(__name__)

TITLE = "Zoom Phone hotel connector"


def create_app(
    connector_provider: ConnectorProvider,
    settings: WebhookSettings,
    *,
    clock: Clock | None = None,
    registry: CollectorRegistry | None = None,
    readiness_checks: Sequence[ReadinessCheck] = (),
    zoom: ZoomDoor | None = None,
    console: ConsoleSettings | None = None,
    hotel_tz: tzinfo | None = None,
    reporter: Reporter | None = None,
    console_parts: ConsoleParts | None = None,
    extra_routes: Sequence[BaseRoute] = (),
) -> Starlette:
    """The web app.

    `connector_provider()` returns the open Connector, or None while starting or stopping
    (the webhook then answers 503 with Retry-After, and /readyz is not ready).
    `clock` judges signature timestamps (default: the system clock). `registry` is what
    /metrics exposes, and where the webhook's own metrics are registered (default: the
    global one, as `Connector.open` uses). `readiness_checks` are added to /readyz after the
    built-in ones (store writable, Zoom token, directory loaded), e.g. the FIAS link's.
    `zoom` opens `POST /zoom/events` (Zoom's webhooks); without it that door answers 503.
    The front-desk console is under /console (`console` settings; times shown in
    `hotel_tz`, default UTC), built on its first request; it answers 404 until a staff
    account exists. `reporter`
    tells the PMS of console actions it must hear of (wake-ups set at the desk);
    `console_parts`: the parts the room actions and Health use (reporter, FIAS door, phone).
    The OpenAPI document is `app.state.openapi` (`OpenApiDocument`), served at
    /openapi.json and read by /docs.
    `extra_routes`: a cloud PMS adapter's own routes (Cloudbeds' webhook door).
    """
    registry = registry if registry is not None else REGISTRY
    ctx = WebContext(connector=connector_provider, settings=settings,
                     clock=clock or SystemClock(), metrics=WebMetrics(registry))
    operations = [*events_operations(ctx), *zoom_operations(ctx, zoom or ZoomDoor()),
                  *ops_operations(ctx, registry, readiness_checks)]
    document = OpenApiDocument(operations, title=TITLE, version=connector.__version__,
                               description=DESCRIPTION,
                               max_batch_events=settings.max_batch_events)
    app = Starlette(routes=[*(op.route() for op in operations),
                            Route(OPENAPI_PATH, document.endpoint, methods=["GET"]),
                            *extra_routes])
    app.state.openapi = document
    install_docs(app, title=TITLE, openapi_path=OPENAPI_PATH)
    desk = install_console(app, connector_provider, console or ConsoleSettings(),
                           clock=ctx.clock, tz=hotel_tz or ZoneInfo("UTC"), reporter=reporter,
                           parts=console_parts)
    _install_error_handlers(app, ctx, desk)
    return app


def _install_error_handlers(app: Starlette, ctx: WebContext, desk: ConsoleDoor) -> None:
    async def api_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, ApiError)
        ctx.metrics.refused.labels(error.code).inc()
        log.log(
            logging.WARNING if error.status in (401, 503) else logging.INFO,
            "web request refused: %s", error.code,
            extra={"path": request.url.path, "status": error.status, "code": error.code,
                   "field": error.field},
        )
        return error.response()

    async def http_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, HTTPException)
        if request.url.path.startswith("/console"):  # people, not a PMS: a page
            return desk.http_error(request, error.status_code)
        if error.status_code == 404:
            return ApiError("not_found", f"There is nothing at {request.url.path[:200]}; "
                            "see /docs for the API.").response()
        if error.status_code == 405:
            return ApiError("method_not_allowed",
                            f"{request.method} is not allowed on {request.url.path[:200]}.",
                            headers=dict(error.headers or {})).response()
        return JSONResponse({"error": {"code": f"http_{error.status_code}",
                                       "message": str(error.detail)}},
                            status_code=error.status_code, headers=error.headers)

    async def fault(request: Request, error: Exception) -> Response:
        # Reached only by a bug: every refusal of input is an ApiError above.
        log.exception("unexpected error serving %s %s", request.method, request.url.path)
        return ApiError("internal_error", "The connector hit an internal error; nothing was "
                        "acknowledged. It is logged; retry later.").response()

    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(Exception, fault)
