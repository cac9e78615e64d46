"""`/console/health` (admins only): the links' and parts' health in words for the IT person,
refreshed every few seconds (`/console/health/now`, the sections alone; static/health.js)."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from connector.web.console import health
from connector.web.console.health import (
    BillingFacts,
    BudgetFacts,
    CloudFacts,
    FiasFacts,
    LimiterFacts,
)
from connector.web.console.parts import ConsoleParts
from connector.web.console.shell import Console
from connector.web.readiness import assess
from connector.zoom.catalogue import Family

REFRESH_SECONDS = 5


def health_router(console: Console, parts: ConsoleParts) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/console/health")
    async def health_page(request: Request) -> Response:
        signed_in = console.admin(request)
        return console.page(request, "health.html", signed_in,
                            sections=await _sections(console, parts),
                            refresh=REFRESH_SECONDS)

    @router.get("/console/health/now")
    async def health_now(request: Request) -> Response:
        signed_in = console.admin(request)
        return console.page(request, "_health.html", signed_in,
                            sections=await _sections(console, parts))

    return router


async def _sections(console: Console, parts: ConsoleParts) -> list[health.Section]:
    store = console.store()
    connector = console.connector()
    assert connector is not None  # console.store() has checked
    now = console.clock.now()

    def when(moment: datetime) -> str:
        return console.hotel_time(moment)

    # The very checks /readyz runs, in the same order.
    readiness = await assess(connector, now, parts.readiness)
    fias = None
    if parts.fias is not None:
        door = parts.fias
        state = "up" if door.endpoint.is_up else \
            door.endpoint.state.name.lower().replace("_", " ")
        fias = FiasFacts(up=door.endpoint.is_up, state=state, changed_at=door.link_changed_at,
                         recent=[(r.at, r.type) for r in door.recent])
    pool = parts.phone.pool if parts.phone is not None else None
    lines = (None, None) if parts.phone is None else (
        (0, 0) if pool is None else (pool.lines_ready, pool.lines_total))
    token = connector.client.tokens.cached
    limiters = connector.client.limiters
    lag = store.lag()
    sections = [
        health.readiness_section(readiness),
        _pms_section(parts, fias, when),
        health.sip_section(*lines),
        health.zoom_section(
            None if token is None else token.expires_at - console.clock.monotonic(),
            [LimiterFacts(lim.family.value, lim.category.value, lim.limit.per_second,
                          lim.factor) for lim in limiters.in_use()],
            [BudgetFacts(family.value, limiters.daily(family).limit,
                         limiters.daily(family).remaining) for family in Family],
            connector.client.answers, when),
    ]
    reporter = parts.reporter
    status = reporter.status() if reporter is not None else None
    problems = [] if status is None else \
        dataclasses.replace(status, unknown_postings=[]).problems(console.tz)
    if reporter is None:
        problems = ["The reporter (what the connector tells the PMS) is not running in this "
                    "process."]
    sections.append(health.waiting_section(
        {room: at for room, at in lag.waiting.items()}, store.failures(),
        status.waiting if status is not None else 0, problems, when))
    sections.append(health.billing_section(BillingFacts(
        on=parts.billing_on, missing=parts.billing_missing,
        unknown_postings=[] if status is None else
        [(r.p_number, r.room) for r in status.unknown_postings])))
    return sections


def _pms_section(parts: ConsoleParts, fias: FiasFacts | None,
                 when: health.TimeWords) -> health.Section:
    """The PMS door: a cloud PMS's when the hotel has one, else the FIAS link's."""
    if parts.cloud is None:
        return health.fias_section(fias, when)
    door = parts.cloud.status()
    return health.cloud_section(CloudFacts(
        vendor=door.vendor, connected=door.connected, detail=door.detail,
        pending=door.pending, failed=door.failed, last_notice_at=door.last_notice_at,
        last_resync_at=door.last_resync_at, last_resync=door.last_resync), when)
