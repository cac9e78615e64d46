"""`/healthz`, `/readyz` and `/metrics`: for the platform, not for the PMS (no signature)."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from connector.web.context import WebContext
from connector.web.readiness import ReadinessCheck, assess
from connector.web.schemas import Health, Readiness


def ops_router(ctx: WebContext, registry: CollectorRegistry,
               checks: Sequence[ReadinessCheck]) -> APIRouter:
    router = APIRouter(tags=["Operations"])

    @router.get("/healthz", summary="Alive: the process answers HTTP", response_model=Health)
    async def healthz() -> Health:
        return Health()

    @router.get(
        "/readyz",
        summary="Ready to take PMS events (503 with the failing checks otherwise)",
        response_model=Readiness,
        responses={503: {"model": Readiness, "description": "Not ready; see `checks`."}},
    )
    async def readyz() -> JSONResponse:
        readiness = await assess(ctx.connector(), ctx.clock.now(), checks)
        return JSONResponse(readiness.model_dump(mode="json"),
                            status_code=200 if readiness.ready else 503)

    @router.get(
        "/metrics",
        summary="Prometheus metrics (text exposition format)",
        response_class=Response,
        responses={200: {"content": {CONTENT_TYPE_LATEST: {}}}},
    )
    async def metrics() -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return router
