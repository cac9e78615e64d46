"""`POST /zoom/events`: the one place Zoom's webhooks arrive, dispatched by `event`.

As on the PMS's door, nothing is parsed before Zoom's `v0` signature over the raw bytes is
verified (with a five-minute replay window either way), and a handler has committed what it
keeps before the 200 goes back. Zoom wants an answer within 3 s and otherwise retries after
5, 20 and 60 minutes, so handlers are quick (a store commit) and a retry is harmless (each
handler keys what it keeps on the Zoom event). `endpoint.url_validation` is answered here;
an event no handler reads is answered 200 and counted, not stored.

A handler is registered per event name (`ZoomDoor.handlers`); call accounting adds its own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from pydantic import SecretStr
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from connector.store import StoreError
from connector.web.context import RETRY_AFTER_SECONDS, WebContext
from connector.web.errors import ApiError
from connector.web.intake import check_content_type, read_body
from connector.web.operation import Operation
from connector.web.signing import SignatureError
from connector.web.zoom_signing import (
    ZOOM_SIGNATURE_HEADER,
    ZOOM_TIMESTAMP_HEADER,
    check_zoom_signature,
    check_zoom_signature_header,
    check_zoom_timestamp,
    url_validation_answer,
)
from connector.zoom.webhooks import (
    URL_VALIDATION,
    ZoomEvent,
    ZoomEventInvalid,
    parse_envelope,
    plain_token,
)

log = logging.getLogger(__name__)

ZOOM_EVENTS_PATH = "/zoom/events"
# Zoom's events are small (a presence change is ~300 bytes; a call-history row a few KiB).
ZOOM_MAX_BODY_BYTES = 256 * 1024

# Takes a verified event, keeps what it must (committed before it returns) and says what it
# made of it, for the metrics (`connector_zoom_webhook_events_total{event,outcome}`).
ZoomHandler = Callable[[ZoomEvent], str]


@dataclass(frozen=True)
class ZoomDoor:
    """Zoom's webhook door: the app's secret token and a handler per event name."""

    secret_token: SecretStr | None = field(default=None, repr=False)
    handlers: Mapping[str, ZoomHandler] = field(default_factory=dict)


def zoom_operations(ctx: WebContext, door: ZoomDoor) -> list[Operation]:
    async def post_zoom_event(request: Request) -> Response:
        """For Zoom only: set this URL as the app's event notification endpoint. Answers
        URL validation; reads the events the connector subscribes to (see docs); answers
        200 to any other event without keeping it."""
        secret = _require_secret(door)
        check_content_type(request.headers.get("content-type"))
        body = await _authenticated_body(request, ctx, secret)
        try:
            event = parse_envelope(body)
            if event.event == URL_VALIDATION:
                ctx.metrics.zoom_events.labels(URL_VALIDATION, "validated").inc()
                return JSONResponse(url_validation_answer(plain_token(event), secret))
            handler = door.handlers.get(event.event)
            if handler is None:
                ctx.metrics.zoom_events.labels(event.event[:64], "ignored").inc()
                return JSONResponse({"status": "ignored"})
            ctx.require_connector()
            outcome = handler(event)
        except ZoomEventInvalid as invalid:
            raise ApiError("invalid_zoom_event", str(invalid)) from None
        except StoreError as error:
            log.error("could not keep a Zoom event: %s", error, extra={"store": error.path})
            raise ApiError(
                "store_unavailable",
                "The connector could not write its database; nothing was kept. Zoom retries "
                "later; the hotel's IT is alerted by the connector's log.",
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            ) from None
        ctx.metrics.zoom_events.labels(event.event, outcome).inc()
        return JSONResponse({"status": outcome})

    return [Operation("POST", ZOOM_EVENTS_PATH, post_zoom_event,
                      "Zoom's webhook events (signed by Zoom)", "Zoom events")]


def _require_secret(door: ZoomDoor) -> str:
    if door.secret_token is None:
        raise ApiError(
            "zoom_webhook_not_configured",
            "This connector does not take Zoom's events: the hotel must set "
            "CONNECTOR_ZOOM__WEBHOOK_SECRET_TOKEN (the Zoom app's Secret Token) to open "
            "this door.",
        )
    return door.secret_token.get_secret_value()


async def _authenticated_body(request: Request, ctx: WebContext, secret: str) -> bytes:
    """The raw body, proven to come from Zoom; headers are checked before it is read."""
    signature_header = request.headers.get(ZOOM_SIGNATURE_HEADER)
    try:
        timestamp = check_zoom_timestamp(request.headers.get(ZOOM_TIMESTAMP_HEADER),
                                         now=ctx.clock.now().timestamp())
        check_zoom_signature_header(signature_header)
        body = await read_body(request, ZOOM_MAX_BODY_BYTES)
        check_zoom_signature(body, timestamp, signature_header, secret)
    except SignatureError as error:
        raise ApiError(error.code, error.message) from None
    return body
