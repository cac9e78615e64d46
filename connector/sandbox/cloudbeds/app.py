"""The ASGI application: Cloudbeds' API under `/api/v1.3` and the sandbox's admin API under
`/_admin`.

Order on an API call, as Cloudbeds' gateway does it: an outage (503, not counted), the API
key (401), the suspension and the per-second limit (403 for a suspended key, UNCONFIRMED),
then the operation: a POST whose body is not a form is refused (400), as Cloudbeds reads only
form fields. Every API request is
logged with its status. Every answer is JSON `{"success": …}`.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import Receive, Scope, Send

from connector.sandbox.cloudbeds import form
from connector.sandbox.cloudbeds.routes_admin import admin_app
from connector.sandbox.cloudbeds.routes_api import OPERATIONS
from connector.sandbox.cloudbeds.state import CloudbedsError

if TYPE_CHECKING:
    from connector.sandbox.cloudbeds.emulator import CloudbedsEmulator

API_PREFIX = "/api/v1.3"
ADMIN_PREFIX = "/_admin"
FORM = "application/x-www-form-urlencoded"


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"success": False, "message": message}, status_code=status)


class CloudbedsApp:
    """ASGI callable; one per emulator."""

    def __init__(self, emulator: CloudbedsEmulator) -> None:
        self.emulator = emulator
        self.admin = admin_app(emulator)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        path: str = scope["path"]
        if path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/"):
            await self.admin(scope, receive, send)
            return
        request = Request(scope, receive)
        operation = path.removeprefix(API_PREFIX).rstrip("/") if path.startswith(
            API_PREFIX + "/") else path
        response = await self._api(request, operation)
        response.headers["X-Request-ID"] = str(uuid.uuid4())  # Cloudbeds tags every answer
        self.emulator.gate.record(request.method, operation, response.status_code)
        await response(scope, receive, send)

    async def _api(self, request: Request, operation: str) -> JSONResponse:
        emu = self.emulator
        handler = OPERATIONS.get((request.method, operation))
        if handler is None and not any(op == operation for _, op in OPERATIONS):
            return _error(404, f"Not found: {request.url.path}")
        if emu.down:
            return _error(503, "Cloudbeds is temporarily unavailable")
        try:
            emu.gate.admit({k.lower(): v for k, v in request.headers.items()})
            if handler is None:
                raise CloudbedsError(405, f"{request.method} is not allowed on {operation}")
            params: dict[str, Any] = dict(request.query_params)
            if request.method == "POST":
                params.update(await self._form(request))
            answer = handler(emu.state, params)
        except CloudbedsError as error:
            return _error(error.status, error.message)
        return JSONResponse(answer.body())

    @staticmethod
    async def _form(request: Request) -> dict[str, Any]:
        raw = (await request.body()).decode("utf-8", "replace")
        kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if raw.strip() and kind != FORM:
            raise CloudbedsError(400, f"Send the parameters as {FORM}, not {kind or 'raw text'}")
        return form.decode(raw)
