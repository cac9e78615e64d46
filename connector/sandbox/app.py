"""The ASGI application: Zoom's OAuth host and API host, and the sandbox's admin API.

Order of checks on an API call, as Zoom's gateway does it: injected faults (they stand for the
network and the load balancer), the bearer token, its scopes, the account's rate limit, then
the endpoint itself.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from connector.sandbox import errors, routes_phone, routes_users
from connector.sandbox.errors import ZoomError
from connector.sandbox.faults import Effect
from connector.sandbox.oauth import EXPIRES_IN, OAuthError
from connector.sandbox.routes_admin import admin_app
from connector.sandbox.routing import ApiRequest, ApiResponse, Handler, resolve
from connector.zoom.catalogue import Endpoint

if TYPE_CHECKING:
    from connector.sandbox.sandbox import Sandbox

HANDLERS: dict[str, Handler] = routes_users.HANDLERS | routes_phone.HANDLERS
OAUTH_ENDPOINT = "oauth_token"
API_PREFIX = "/v2"
ADMIN_PREFIX = "/_sandbox"
_ERROR_TEXT = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
               504: "Gateway Timeout"}


class DroppedConnection(Exception):
    """Raised after a partial answer so the server closes the connection mid-response."""


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    if body is None:
        return Response(status_code=status, headers=headers)
    return JSONResponse(body, status_code=status, headers=headers)


class SandboxApp:
    """ASGI callable; one per Sandbox."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.admin = admin_app(sandbox)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        path: str = scope["path"]
        if path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/"):
            await self.admin(scope, receive, send)
            return
        await self._zoom(Request(scope, receive), send)

    @staticmethod
    async def _lifespan(receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return

    def _on_host(self, request: Request, url: str) -> bool:
        host = request.headers.get("host", "")
        return host == urlsplit(url).netloc

    async def _zoom(self, request: Request, send: Send) -> None:
        sb = self.sandbox
        started = time.perf_counter()
        method, path = request.method, request.url.path
        endpoint: Endpoint | None = None
        params: dict[str, str] = {}
        name: str | None = None
        if path == "/oauth/token" and self._on_host(request, sb.oauth_url):
            name = OAUTH_ENDPOINT
        elif path.startswith(API_PREFIX + "/") and self._on_host(request, sb.api_url):
            found = resolve(method, path[len(API_PREFIX):])
            if found is not None:
                endpoint, params = found
                name = endpoint.name

        effect = sb.faults.take(name) if name is not None else Effect()
        if effect.delay:
            await asyncio.sleep(effect.delay)  # real time: it is the client's timeout at stake
        status = 0
        try:
            if effect.drop:
                await self._drop(send)
            if effect.error_status is not None:
                response = _json(effect.error_status, {
                    "code": effect.error_status,
                    "message": _ERROR_TEXT.get(effect.error_status, "Server Error"),
                })
            elif name == OAUTH_ENDPOINT:
                response = await self._oauth(request)
            elif endpoint is not None:
                response = await self._api(request, endpoint, params)
            else:
                response = self._not_found(request, method, path)
            status = response.status_code
            if effect.hold and status < 500:
                await asyncio.sleep(effect.hold)  # done already; only the answer waits
            await response(request.scope, request.receive, send)
        finally:
            sb.log.append(
                at=sb.clock.now(), monotonic=sb.clock.monotonic(), method=method, path=path,
                query=request.url.query, endpoint=name,
                family=endpoint.family.value if endpoint else None,
                category=endpoint.category.value if endpoint else None,
                status=status, fault=effect.label,
                duration_ms=round((time.perf_counter() - started) * 1000, 3),
                counted=getattr(request.state, "counted", None),
            )

    def _not_found(self, request: Request, method: str, path: str) -> Response:
        sb = self.sandbox
        if path.startswith(API_PREFIX + "/") and not self._on_host(request, sb.api_url):
            message = (f"Not found: call the API at the api_url the token names "
                       f"({sb.api_url}{API_PREFIX}), not at this host.")
            return _json(404, {"code": 404, "message": message})
        return _json(404, errors.not_emulated(method, path).body())

    @staticmethod
    async def _drop(send: Send) -> None:
        # Promise a body, send a little of it, then fail: the server closes the connection
        # and the client sees a response cut short.
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", b"4096")]})
        await send({"type": "http.response.body", "body": b'{"', "more_body": True})
        raise DroppedConnection("fault injection: connection dropped")

    async def _oauth(self, request: Request) -> Response:
        sb = self.sandbox
        if request.method != "POST":
            return _json(405, {"reason": "Method not allowed", "error": "invalid_request"})
        fields: dict[str, str] = {k: v for k, v in request.query_params.items()}
        body = await request.body()
        if body and request.headers.get("content-type", "").startswith(
            "application/x-www-form-urlencoded"
        ):
            for key, values in parse_qs(body.decode("utf-8", "replace")).items():
                fields[key] = values[-1]
        try:
            token = sb.issuer.issue(
                request.headers.get("authorization"), fields.get("grant_type"),
                fields.get("account_id"), sb.clock.now(),
            )
        except OAuthError as exc:
            return _json(exc.status, exc.body())
        return _json(200, {
            "access_token": token.value, "token_type": "bearer", "expires_in": EXPIRES_IN,
            "scope": " ".join(sorted(token.scopes)), "api_url": sb.api_url,
        })

    async def _api(self, request: Request, endpoint: Endpoint, params: dict[str, str]) -> Response:
        sb = self.sandbox
        now = sb.clock.now()
        limit_headers: dict[str, str] = {}
        try:
            token = sb.issuer.authenticate(request.headers.get("authorization"), now)
            sb.issuer.require(token, endpoint.scopes, list(endpoint.granular_scopes))
            request.state.counted = sb.clock.monotonic()
            decision = sb.limiter.check(endpoint.family, endpoint.category,
                                        request.state.counted, now)
            limit_headers = sb.limiter.response_headers(decision)
            if not decision.allowed:
                raise ZoomError(429, 429, sb.limiter.rejection_message(decision),
                                headers=limit_headers)
            raw = await request.body()
            body: Any = None
            if raw.strip():
                try:
                    body = json.loads(raw)
                except ValueError:
                    raise errors.bad_request(
                        "Request Body should be a valid JSON object.") from None
            query = parse_qs(request.url.query, keep_blank_values=True)
            api_request = ApiRequest(endpoint, params, query, body, now)
            result: ApiResponse = HANDLERS[endpoint.name](sb.context(), api_request)
        except ZoomError as exc:
            headers = exc.headers or (limit_headers if exc.status != 401 else {})
            return _json(exc.status, exc.body(), headers)
        return _json(result.status, result.body, {**limit_headers, **result.headers})
