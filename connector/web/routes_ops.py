"""`/healthz`, `/readyz` and `/metrics`: for the platform, not for the PMS (no signature)."""

from __future__ import annotations

from collections.abc import Sequence

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from connector.web.context import WebContext
from connector.web.operation import Operation
from connector.web.readiness import ReadinessCheck, assess
from connector.web.schemas import Health, Readiness

TAG = "Operations"


def ops_operations(ctx: WebContext, registry: CollectorRegistry,
                   checks: Sequence[ReadinessCheck]) -> list[Operation]:
    async def healthz(request: Request) -> Response:
        return JSONResponse(Health().model_dump(mode="json"))

    async def readyz(request: Request) -> Response:
        readiness = await assess(ctx.connector(), ctx.clock.now(), checks)
        return JSONResponse(readiness.model_dump(mode="json"),
                            status_code=200 if readiness.ready else 503)

    async def metrics(request: Request) -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return [
        Operation("GET", "/healthz", healthz, "Alive: the process answers HTTP", TAG,
                  response_model=Health),
        Operation("GET", "/readyz", readyz,
                  "Ready to take PMS events (503 with the failing checks otherwise)", TAG,
                  response_model=Readiness,
                  responses={503: {"model": Readiness,
                                   "description": "Not ready; see `checks`."}}),
        Operation("GET", "/metrics", metrics, "Prometheus metrics (text exposition format)",
                  TAG, responses={200: {"content": {CONTENT_TYPE_LATEST: {}}}},
                  answers_json=False),
    ]
