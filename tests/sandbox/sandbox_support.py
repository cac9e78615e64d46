"""Helpers for the sandbox suite: a spec check on all traffic and a thin Zoom client.

Every request the emulator accepts and every response it sends during these tests is checked
against Zoom's published specs (`tests/zoom_spec.py`); a test fails at teardown if any was off.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import httpx

from connector.sandbox.sandbox import ASGI_API_URL, DEFAULT_CREDENTIALS
from tests.spec_oracle import recorded
from tests.zoom_spec import SpecViolation, ZoomSpec

CREDS = DEFAULT_CREDENTIALS
Scope = MutableMapping[str, Any]


@dataclass
class SpecChecker:
    """ASGI middleware: validates every Zoom API exchange against Zoom's specs."""

    app: Any
    spec: ZoomSpec
    violations: list[str] = field(default_factory=list)
    checked: int = 0
    # Tests that send a deliberately off-spec request (to see Zoom's answer) say so.
    lenient_requests: bool = False

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/v2/"):
            await self.app(scope, receive, send)
            return
        self._check(scope, *await recorded(self.app, scope, receive, send))

    def _check(self, scope: Scope, req: bytes, status: int, resp: bytes) -> None:
        method, path = scope["method"], scope["path"]
        query = {k: v if len(v) > 1 else v[0]
                 for k, v in parse_qs(scope["query_string"].decode(), keep_blank_values=True)
                 .items()}
        body = json.loads(req) if req.strip() else None
        answer = json.loads(resp) if resp.strip() else None
        self.checked += 1
        try:
            if status >= 500:
                return  # injected faults: a load balancer's answer, not the API's
            if status < 400 and not self.lenient_requests:
                self.spec.validate_request(method, path, query, body)
            try:
                responses = self.spec.operation(method, path).raw.get("responses", {})
            except SpecViolation:
                if status != 404:
                    raise
                responses = {}  # a path outside Zoom's specs: the emulator says it has none
            declared = str(status) in responses or (status >= 400 and "default" in responses)
            if declared:
                self.spec.validate_response(method, path, status, answer, strict_fields=True)
            elif not (isinstance(answer, dict) and isinstance(answer.get("code"), int)
                      and isinstance(answer.get("message"), str)):
                # Statuses Zoom sends on every endpoint (401, 429) but documents on few.
                raise SpecViolation(f"{method} {path} {status}: not Zoom's error shape: {answer}")
        except SpecViolation as exc:
            self.violations.append(str(exc))

    @contextlib.contextmanager
    def off_spec_requests(self) -> Iterator[None]:
        """For tests that send requests Zoom's spec forbids, to check how they are answered."""
        self.lenient_requests = True
        try:
            yield
        finally:
            self.lenient_requests = False


class Zoom:
    """A thin test client: gets a token from the OAuth host and calls `api_url + /v2`."""

    def __init__(self, http: httpx.AsyncClient, oauth_url: str) -> None:
        self.http = http
        self.oauth_url = oauth_url
        self.token: str | None = None
        self.api_url: str | None = None

    async def token_response(self, **overrides: Any) -> httpx.Response:
        params = {"grant_type": "account_credentials", "account_id": CREDS.account_id}
        auth = overrides.pop("auth", (CREDS.client_id, CREDS.client_secret))
        params |= overrides
        return await self.http.post(f"{self.oauth_url}/oauth/token", params=params, auth=auth)

    async def login(self) -> str:
        response = await self.token_response()
        assert response.status_code == 200, response.text
        self.token, self.api_url = response.json()["access_token"], response.json()["api_url"]
        return self.token

    async def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        if self.token is None:
            await self.login()
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        return await self.http.request(method, f"{self.api_url}/v2{path}", headers=headers,
                                       **kwargs)

    async def get(self, path: str, **params: Any) -> httpx.Response:
        return await self.call("GET", path, params=params)

    async def patch(self, path: str, body: Any) -> httpx.Response:
        return await self.call("PATCH", path, json=body)

    async def put(self, path: str, body: Any) -> httpx.Response:
        return await self.call("PUT", path, json=body)

    async def delete(self, path: str) -> httpx.Response:
        return await self.call("DELETE", path)

    async def admin(self, method: str, path: str, body: Any = None) -> httpx.Response:
        base = self.api_url or ASGI_API_URL
        return await self.http.request(method, f"{base}/_sandbox{path}", json=body)

    async def list_all(self, path: str, items: str, **params: Any) -> list[dict[str, Any]]:
        """Follow `next_page_token` to the end."""
        found: list[dict[str, Any]] = []
        token = ""
        while True:
            query = dict(params, next_page_token=token) if token else dict(params)
            response = await self.get(path, **query)
            assert response.status_code == 200, response.text
            found += response.json()[items]
            token = response.json()["next_page_token"]
            if not token:
                return found
