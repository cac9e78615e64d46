"""A spec-checked Cloudbeds client and a real webhook receiver on loopback, for the emulator's
tests: every request sent and every answer received is checked against Cloudbeds' spec."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, Router

from connector.sandbox.server import LOOPBACK, Serving, _listen
from tests.cloudbeds_spec import CloudbedsSpec, check_webhook


@dataclass
class Cloudbeds:
    """Calls the emulator as an adapter would, checking both ways against the spec."""

    http: httpx.AsyncClient
    api_url: str
    spec: CloudbedsSpec
    pace: Callable[[], None] = lambda: None  # before each call: keeps a test under the limit

    async def call(self, method: str, operation: str, query: Mapping[str, str] | None = None,
                   form: str | Mapping[str, str] | None = None) -> httpx.Response:
        body = urlencode(form) if isinstance(form, Mapping) else form
        self.pace()
        self.spec.validate_request(method, operation, dict(query or {}), body)
        headers = {"content-type": "application/x-www-form-urlencoded"} if body else {}
        answer = await self.http.request(method, self.api_url + operation, params=query,
                                         content=body, headers=headers)
        self.spec.validate_response(method, operation, answer.status_code, answer.json())
        return answer

    async def data(self, method: str, operation: str, query: Mapping[str, str] | None = None,
                   form: str | Mapping[str, str] | None = None) -> Any:
        answer = await self.call(method, operation, query, form)
        assert answer.status_code == 200 and answer.json()["success"] is True, answer.text
        return answer.json()["data"]


@dataclass
class Receiver:
    """The connector's webhook door, played by a small HTTP server: keeps every body it is
    posted (checked against the webhook schema), or fails the first `fail_first` posts."""

    url: str = ""
    bodies: list[dict[str, Any]] = field(default_factory=list)
    fail_first: int = 0
    posts: int = 0

    async def _take(self, request: Request) -> JSONResponse:
        self.posts += 1
        if self.posts <= self.fail_first:
            return JSONResponse({"error": "busy"}, status_code=503)
        body = json.loads(await request.body())
        check_webhook(body)
        self.bodies.append(body)
        return JSONResponse({"ok": True})

    def events(self) -> list[str]:
        return [b["event"] for b in self.bodies]


@contextlib.asynccontextmanager
async def receiver(fail_first: int = 0) -> AsyncIterator[Receiver]:
    """A Receiver listening on loopback at `/cloudbeds/<secret>/events`."""
    recv = Receiver(fail_first=fail_first)
    app = Router(routes=[Route("/cloudbeds/s3cret/events", recv._take, methods=["POST"])])
    serving = Serving(app, [_listen(LOOPBACK, 0)])
    await serving.start()
    port = serving.sockets[0].getsockname()[1]
    recv.url = f"http://{LOOPBACK}:{port}/cloudbeds/s3cret/events"
    try:
        yield recv
    finally:
        await serving.stop()
