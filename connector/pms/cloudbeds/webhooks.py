"""Cloudbeds' webhooks come in here: `POST /cloudbeds/{secret}/events`.

Cloudbeds signs nothing and sends no event id, so the door is authenticated by the secret in
its path (compared in constant time) and, optionally, the sender's address; a request that
fails either is answered 404, as if the door did not exist, and nothing is stored. The
notice's key is derived from (event, reservation or room, timestamp). A notice is stored
(`sink.accept_new`) before the 200; a store failure is a 503, so Cloudbeds sends it again.
Notices arriving together share one commit (`GroupCommit`): Cloudbeds sends a burst of
webhooks when the front desk is busy, and one fsync each would fall behind its retries.

A notice for another property is answered 200 and not stored: it is never ours, and a 2xx
stops Cloudbeds from sending it again (an association-level subscription, or a forged body
from someone who has the secret: either way, said at WARNING and counted).
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from connector.clock import Clock
from connector.pms.cloud.contract import Notice, NoticeSink
from connector.pms.cloudbeds.metrics import CloudbedsMetrics
from connector.settings.cloud_pms import CloudbedsSettings
from connector.store import StoreError
from connector.web.group_commit import GroupCommit

log = logging.getLogger(__name__)

PATH = "/cloudbeds/{secret}/events"
MAX_BODY_BYTES = 64 * 1024  # a thin notice is a few hundred bytes
# The events the phones read (cloud-pms-facts.md), as (object, action).
EVENTS: tuple[tuple[str, str], ...] = (
    ("reservation", "created"), ("reservation", "status_changed"),
    ("reservation", "dates_changed"), ("reservation", "accommodation_changed"),
    ("reservation", "accommodation_status_changed"), ("reservation", "deleted"),
    ("housekeeping", "room_condition_changed"),
)
EVENT_NAMES = frozenset(f"{obj}/{action}" for obj, action in EVENTS)
_ANY_METHOD = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
_ID_CHARS = 40  # a notice key stays well inside an event id's 128 characters


class BadNotice(ValueError):
    """The body is not a Cloudbeds notice; the message says why (answered `status`)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True)
class Ignored:
    """A well-formed notice the connector does not keep; `why` in words."""

    outcome: str
    why: str


def read_notice(body: bytes, *, property_id: str, received_at: datetime) -> Notice | Ignored:
    """The notice a webhook body holds, pure. Raises `BadNotice`."""
    try:
        value = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BadNotice("the body is not JSON") from None
    if not isinstance(value, Mapping):
        raise BadNotice("the body is not a JSON object")
    event = value.get("event")
    if not isinstance(event, str) or not event:
        raise BadNotice("the notice has no 'event'")
    if event not in EVENT_NAMES:
        return Ignored("ignored", f"{event[:60]!r} is not an event the phones read")
    if str(value.get("propertyID", "")) != property_id:
        return Ignored("ignored", "the notice is for another property")
    id_field = "roomID" if event.startswith("housekeeping/") else "reservationID"
    subject = _scalar(value.get(id_field))
    timestamp = _scalar(value.get("timestamp"))
    if not subject or len(subject) > _ID_CHARS:
        raise BadNotice(f"the notice has no usable '{id_field}'")
    if not timestamp or len(timestamp) > _ID_CHARS:
        raise BadNotice("the notice has no usable 'timestamp'")
    return Notice(key=f"cloudbeds:{event}:{subject}:{timestamp}", name=event, body=value,
                  received_at=received_at)


def routes(sink: NoticeSink, settings: CloudbedsSettings, *, clock: Clock,
           metrics: CloudbedsMetrics) -> list[BaseRoute]:
    """The webhook door, handing each notice to `sink` before it answers."""
    secret = settings.webhook_secret.get_secret_value().encode() if settings.webhook_secret \
        else None
    allowed = settings.allowed_sources()
    group: GroupCommit[Notice, bool] = GroupCommit(lambda notices: _stored(sink, notices))

    async def events(request: Request) -> Response:
        source = request.client.host if request.client else ""
        if allowed is not None and not _allowed(source, allowed):
            return _not_found(metrics, "source", f"from {source or 'an unknown address'}, "
                              "outside CONNECTOR_CLOUDBEDS__WEBHOOK_ALLOWED_SOURCES")
        given = str(request.path_params.get("secret", "")).encode()
        if secret is None or not hmac.compare_digest(given, secret):
            return _not_found(metrics, "secret", f"with a wrong secret in the path, from "
                              f"{source or 'an unknown address'}")
        if request.method != "POST":
            return JSONResponse({"error": "POST a notice"}, status_code=405,
                                headers={"allow": "POST"})
        try:
            body = await _body(request)
            found = read_notice(body, property_id=settings.property_id,
                                received_at=clock.now())
        except BadNotice as error:
            metrics.webhooks.labels("invalid").inc()
            return JSONResponse({"error": str(error)}, status_code=error.status)
        if isinstance(found, Ignored):
            metrics.webhooks.labels(found.outcome).inc()
            if found.why.startswith("the notice is for another"):
                log.warning("Cloudbeds webhook ignored: %s (not %s)", found.why,
                            settings.property_id)
            return JSONResponse({"ignored": found.why})
        try:
            stored = await group.submit(found)
        except StoreError as error:
            metrics.webhooks.labels("store_failed").inc()
            log.error("Cloudbeds webhook %s not stored (%s): answered 503 so Cloudbeds sends "
                      "it again", found.name, type(error).__name__)
            return JSONResponse({"error": "not stored; send it again"}, status_code=503)
        metrics.webhooks.labels("stored" if stored else "duplicate").inc()
        return JSONResponse({"stored": bool(stored)})

    # Every method comes in, so that without the secret any of them finds no door (404):
    # Starlette would otherwise answer a GET 405, saying the path exists.
    return [Route(PATH, events, methods=_ANY_METHOD)]


def _stored(sink: NoticeSink, notices: Sequence[Notice]) -> list[bool | Exception]:
    """Each notice new (True) or a duplicate; a key twice in one group is new once."""
    new = sink.accept_new(notices)
    stored: list[bool | Exception] = []
    for notice in notices:
        stored.append(notice.key in new)
        new.discard(notice.key)
    return stored


def _not_found(metrics: CloudbedsMetrics, reason: str, said: str) -> Response:
    metrics.refused.labels(reason).inc()
    log.warning("Cloudbeds webhook refused (404): %s", said)
    return JSONResponse({"error": "not found"}, status_code=404)


def _allowed(source: str,
             networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> bool:
    try:
        address = ipaddress.ip_address(source)
    except ValueError:
        return False
    return any(address in network for network in networks)


async def _body(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise BadNotice(f"the body is larger than {MAX_BODY_BYTES} bytes", 413)
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise BadNotice(f"the body is larger than {MAX_BODY_BYTES} bytes", 413)
            chunks.append(chunk)
    except ClientDisconnect:
        raise BadNotice("the connection closed before the whole body arrived") from None
    return b"".join(chunks)


def _scalar(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return ""
    return str(value).strip()
