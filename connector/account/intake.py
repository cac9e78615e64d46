"""The account's Zoom webhook intake (`connector account-intake`): Zoom sends every event of
the account to this one URL. Each is verified as the hotel's own door verifies it (Zoom's `v0`
signature over the raw bytes, a five-minute replay window), routed to its hotel
(`routing.py`) and forwarded raw, re-signed with the hotel's own Zoom secret token. Zoom gets
its 200 only after the hotel answered 2xx, so the event is on the hotel's disk first; a hotel
that is down gets Zoom a 503 (Zoom retries after 5, 20 and 60 minutes); an event no hotel owns
is answered 200 and counted (Zoom would retry it forever otherwise). Nothing is kept here, so
any number of replicas may run behind one URL.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

import httpx
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, generate_latest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from connector.account.forward import Delivery, forward_zoom_event
from connector.account.group import Group
from connector.account.routing import event_hotel
from connector.clock import Clock
from connector.web.errors import ApiError
from connector.web.intake import read_body
from connector.web.signing import SignatureError
from connector.web.zoom_signing import (
    ZOOM_SIGNATURE_HEADER,
    ZOOM_TIMESTAMP_HEADER,
    url_validation_answer,
    verify_zoom,
)
from connector.zoom.webhooks import URL_VALIDATION, ZoomEventInvalid, parse_envelope, plain_token

log = logging.getLogger("connector.account.intake")

# As the hotel's door: Zoom's events are small.
MAX_BODY_BYTES = 256 * 1024
RETRY_AFTER_SECONDS = 60


@dataclass(frozen=True)
class IntakeConfig:
    """The account's Zoom secret token and each hotel's own (absent: the account's)."""

    group: Group
    account_secret: str = field(repr=False)
    hotel_secrets: Mapping[str, str] = field(default_factory=dict, repr=False)

    def secret_for(self, hotel_id: str) -> str:
        return self.hotel_secrets.get(hotel_id, self.account_secret)


class IntakeMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.events = Counter(
            "connector_account_intake_events",
            "Zoom events the account's intake received, by hotel (none: no hotel owns it) and "
            "outcome (stored, hotel_down, hotel_refused, unowned, validated, refused).",
            ["hotel", "outcome"], registry=registry)


def _error(status: int, code: str, message: str,
           headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status,
                        headers=dict(headers or {}))


def create_intake_app(config: IntakeConfig, *, client: httpx.AsyncClient, clock: Clock,
                      registry: CollectorRegistry) -> Starlette:
    """The intake's app: `POST /zoom/events` and `GET /healthz`. `client` reaches the hotels."""
    metrics = IntakeMetrics(registry)

    async def post_event(request: Request) -> Response:
        try:
            body = await read_body(request, MAX_BODY_BYTES)
        except ApiError as refused:
            return _error(413 if refused.code == "body_too_large" else 400, refused.code,
                          refused.message)
        try:
            verify_zoom(body, timestamp_header=request.headers.get(ZOOM_TIMESTAMP_HEADER),
                        signature_header=request.headers.get(ZOOM_SIGNATURE_HEADER),
                        secret=config.account_secret, now=clock.now().timestamp())
            event = parse_envelope(body)
            if event.event == URL_VALIDATION:
                metrics.events.labels("none", "validated").inc()
                return JSONResponse(url_validation_answer(plain_token(event),
                                                          config.account_secret))
        except SignatureError as error:
            metrics.events.labels("none", "refused").inc()
            return _error(401, error.code, error.message)
        except ZoomEventInvalid as invalid:
            return _error(400, "invalid_zoom_event", str(invalid))
        hotel = event_hotel(config.group, event)
        if hotel is None:
            # Counted by event name only: the payload may carry a guest's name or number.
            metrics.events.labels("none", "unowned").inc()
            log.info("a Zoom event no hotel of the group owns", extra={"event": event.event[:64]})
            return JSONResponse({"status": "unowned"})
        delivery = await forward_zoom_event(
            client, hotel, body, secret=config.secret_for(hotel.hotel_id),
            now=int(clock.now().timestamp()))
        if delivery is Delivery.STORED:
            metrics.events.labels(hotel.hotel_id, "stored").inc()
            return JSONResponse({"status": "stored", "hotel": hotel.hotel_id})
        if delivery is Delivery.REFUSED:
            metrics.events.labels(hotel.hotel_id, "hotel_refused").inc()
            log.error("a hotel refused a Zoom event: check that its Zoom secret token is the "
                      "one in the group's secret_env", extra={"hotel": hotel.hotel_id,
                                                               "event": event.event[:64]})
            return _error(502, "hotel_refused", f"Hotel {hotel.hotel_id} refused the event.")
        metrics.events.labels(hotel.hotel_id, "hotel_down").inc()
        log.warning("a hotel's connector did not take a Zoom event; Zoom retries later",
                    extra={"hotel": hotel.hotel_id, "event": event.event[:64]})
        return _error(503, "hotel_unavailable",
                      f"Hotel {hotel.hotel_id}'s connector did not answer; Zoom retries later.",
                      {"Retry-After": str(RETRY_AFTER_SECONDS)})

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok", "hotels": len(config.group.hotels)})

    async def metrics_page(request: Request) -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return Starlette(routes=[Route("/zoom/events", post_event, methods=["POST"]),
                             Route("/healthz", healthz, methods=["GET"]),
                             Route("/metrics", metrics_page, methods=["GET"])])
