"""`POST /v1/pms/events` (the webhook) and `GET /v1/events/{id}` (where an event stands).

The order of the checks is the point of this file: nothing is parsed before the signature
over the raw bytes is verified, and nothing is acknowledged before `Connector.ingest` has
committed the whole request to disk.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from pydantic import BaseModel
from starlette.convertors import Convertor, register_url_convertor
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from connector.events.models import AnyEvent, Event, rooms_of
from connector.service import Connector
from connector.store import Received, StoreError
from connector.web.context import RETRY_AFTER_SECONDS, WebContext
from connector.web.errors import ApiError
from connector.web.event_ids import id_in_path
from connector.web.group_commit import GroupCommit
from connector.web.intake import JSON, check_content_type, read_body
from connector.web.openapi import (
    STATUS_RESPONSES,
    WEBHOOK_RESPONSES,
    status_parameters,
    webhook_request_body,
)
from connector.web.operation import Operation
from connector.web.parsing import parse_body
from connector.web.schemas import BatchAccepted, EventAccepted, EventStatusOut
from connector.web.signing import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    SignatureError,
    check_digests,
    check_timestamp,
    parse_signatures,
)

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/v1/pms/events"


class _AnyId(Convertor[str]):
    """Any id, '/' and line breaks included (sent URL-encoded): `:path` stops at a newline."""

    regex = r"[\s\S]+"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("event_id", _AnyId())
STATUS_PATH = "/v1/events/{event_id:event_id}"


TAG = "PMS events"
# A request's events in, what the store made of each out.
EventsGroup = GroupCommit[Sequence[AnyEvent], list[Received]]


def events_operations(ctx: WebContext) -> list[Operation]:
    # The connector is looked up when a group commits, as each request does.
    group: EventsGroup = GroupCommit(
        lambda requests: ctx.require_connector().ingest_together(requests, source="webhook"))

    async def post_events(request: Request) -> Response:
        """Stores the events durably and answers 202 once they are on disk; Zoom is updated
        afterwards (follow an event with `GET /v1/events/{id}`). A batch is all-or-nothing:
        one bad event and nothing is stored. An id seen before is a duplicate: acknowledged,
        not applied again. Sign every request (see the headers and docs/webhook.md)."""
        started = ctx.clock.monotonic()
        secrets = ctx.require_secrets()
        check_content_type(request.headers.get("content-type"))
        body = await _authenticated_body(request, ctx, secrets)
        connector = ctx.require_connector()
        parsed = parse_body(body, rooms=connector.room_map,
                            max_events=ctx.settings.max_batch_events)
        received = await _ingest(group, parsed.events)
        # Stored: from here on nothing may turn the answer into a 5xx, or the PMS would
        # resend forever what is already on disk.
        try:
            _count_and_log(ctx, connector, parsed.events, received)
        except Exception:
            log.exception("PMS events stored, but counting or logging them failed")
        answers = [EventAccepted.of(r) for r in received]
        payload: BaseModel = (BatchAccepted(events=answers) if parsed.batch else answers[0])
        headers = ({} if parsed.batch
                   else {"Location": f"/v1/events/{id_in_path(answers[0].id)}"})
        ctx.metrics.ack_seconds.observe(ctx.clock.monotonic() - started)
        # Serialised by pydantic straight to bytes: the same compact JSON a JSONResponse
        # writes, without building the dict first.
        return Response(payload.model_dump_json().encode(), status_code=202, headers=headers,
                        media_type=JSON)

    async def get_event(request: Request) -> Response:
        """Signed like the webhook; the body of a GET is empty, so the signature covers
        `v1:<timestamp>:` only."""
        event_id: str = request.path_params["event_id"]
        secrets = ctx.require_secrets()
        await _authenticated_body(request, ctx, secrets)
        connector = ctx.require_connector()
        try:
            status = connector.store.event_status(event_id)
        except StoreError as error:
            raise _store_unavailable(error, "read the event's status") from None
        if status is None:
            raise ApiError("event_not_found",
                           f"No event with id '{event_id[:128]}' was ever received.",
                           extra={"id": event_id[:128]})
        return JSONResponse(EventStatusOut.of(status).model_dump(mode="json"))

    return [
        Operation("POST", WEBHOOK_PATH, post_events, "Send one PMS event, or a batch of them",
                  TAG, status_code=202, responses=WEBHOOK_RESPONSES,
                  openapi_extra=webhook_request_body(ctx.settings.max_batch_events)),
        Operation("GET", STATUS_PATH, get_event,
                  "Where one event stands: received, applied, or failed and why", TAG,
                  responses=STATUS_RESPONSES, openapi_extra=status_parameters()),
    ]


async def _authenticated_body(request: Request, ctx: WebContext, secrets: list[str]) -> bytes:
    """The raw body, proven to come from the PMS; headers are checked before it is read."""
    timestamp_header = request.headers.get(TIMESTAMP_HEADER)
    signature_header = request.headers.get(SIGNATURE_HEADER)
    try:
        timestamp = check_timestamp(timestamp_header, now=ctx.clock.now().timestamp(),
                                    tolerance=ctx.settings.tolerance_seconds)
        offered = parse_signatures(signature_header)
        body = await read_body(request, ctx.settings.max_body_bytes)
        check_digests(body, timestamp, offered, secrets)
    except SignatureError as error:
        raise ApiError(error.code, error.message, headers={
            "WWW-Authenticate": f'HMAC-SHA256 headers="{TIMESTAMP_HEADER} {SIGNATURE_HEADER}"',
        }) from None
    return body


async def _ingest(group: EventsGroup, events: list[Event]) -> list[Received]:
    try:
        return await group.submit(events)
    except StoreError as error:
        raise _store_unavailable(error, f"store {len(events)} event(s)") from None


def _store_unavailable(error: StoreError, doing: str) -> ApiError:
    # The operator's message (paths, what to fix) goes to the log, not to the PMS.
    log.error("could not %s: %s", doing, error, extra={"store": error.path})
    return ApiError(
        "store_unavailable",
        f"The connector could not {doing} in its database; nothing was stored. Retry in "
        f"{RETRY_AFTER_SECONDS} s; the hotel's IT is alerted by the connector's log.",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def _count_and_log(ctx: WebContext, connector: Connector, events: list[Event],
                   received: list[Received]) -> None:
    for event, answer in zip(events, received, strict=True):
        ctx.metrics.events_of(event.type, "duplicate" if answer.duplicate else "stored").inc()
    if len(events) == 1:
        # The event's own line (connector.events) already says its id, type, door, rooms
        # and outcome: a second line for a one-event request cost about 25 us of its CPU.
        return
    rooms = {room for event in events for room in rooms_of(event)}
    # Ids, types, rooms and extensions only: bodies carry guest names.
    log.info(
        "PMS events stored from the webhook",
        extra={
            "event_ids": [e.id for e in events],
            "types": sorted({e.type for e in events}),
            "rooms": sorted(rooms),
            "extensions": sorted({connector.room_map[r] for r in rooms if r in connector.room_map}),
            "duplicates": [r.event_id for r in received if r.duplicate],
        },
    )
