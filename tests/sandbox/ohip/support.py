"""Helpers for the OHIP emulator's tests: a spec check on all traffic and a thin OHIP client.

Every request the emulator is sent and every answer it gives in these tests is checked against
Oracle's published specs (`tests/ohip_spec.py`); a test fails at teardown if any was off.
"""

from __future__ import annotations

import base64
import json
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import httpx

from connector.sandbox.ohip.emulator import ADMIN_PREFIX, OhipEmulator
from tests.ohip_spec import OhipSpec, SpecViolation
from tests.spec_oracle import recorded

Scope = MutableMapping[str, Any]


@dataclass
class SpecChecker:
    """ASGI middleware: validates every OHIP exchange against OHIP's specs."""

    app: Any
    spec: OhipSpec
    violations: list[str] = field(default_factory=list)
    checked: int = 0
    # Tests that send a deliberately off-spec request (to see OHIP's answer) say so.
    lenient_requests: bool = False

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"].startswith(ADMIN_PREFIX):
            await self.app(scope, receive, send)
            return
        self._check(scope, *await recorded(self.app, scope, receive, send))

    def _check(self, scope: Scope, req: bytes, status: int, resp: bytes) -> None:
        method, path = scope["method"], scope["path"]
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        query = parse_qs(scope["query_string"].decode(), keep_blank_values=True)
        is_form = headers.get("content-type", "").startswith("application/x-www-form-urlencoded")
        form = {k: v[-1] for k, v in parse_qs(req.decode()).items()} if is_form else None
        body = json.loads(req) if req.strip() and not is_form else None
        self.checked += 1
        try:
            if not self.lenient_requests:
                self.spec.validate_request(method, path, query=query, headers=headers,
                                           body=body, form=form)
            answer = json.loads(resp) if resp.strip() else None
            self.spec.validate_response(method, path, status, answer)
        except SpecViolation as exc:
            self.violations.append(str(exc))


@dataclass
class Ohip:
    """Speaks to the emulator as an OHIP client does: a token, then calls with the headers."""

    http: httpx.AsyncClient
    emulator: OhipEmulator
    token: str = ""

    def basic(self) -> str:
        creds = self.emulator.auth.credentials
        pair = f"{creds.client_id}:{creds.client_secret}".encode()
        return "Basic " + base64.b64encode(pair).decode()

    async def get_token(self) -> httpx.Response:
        return await self.http.post(
            "/oauth/v1/tokens", data={"grant_type": "client_credentials"},
            headers={"authorization": self.basic(),
                     "x-app-key": self.emulator.auth.credentials.app_key})

    async def login(self) -> str:
        response = await self.get_token()
        assert response.status_code == 200, response.text
        self.token = response.json()["access_token"]
        return self.token

    def headers(self, **override: str) -> dict[str, str]:
        headers = {"authorization": f"Bearer {self.token}",
                   "x-app-key": self.emulator.auth.credentials.app_key,
                   "x-hotelid": self.emulator.hotel_id}
        headers.update(override)
        return {k: v for k, v in headers.items() if v}

    async def call(self, method: str, path: str, *, params: Any = None, json: Any = None,
                   headers: dict[str, str] | None = None) -> httpx.Response:
        """`path` after the gateway, `{hotel}` standing for the emulator's hotel id."""
        if not self.token:
            await self.login()
        return await self.http.request(
            method, path.replace("{hotel}", self.emulator.hotel_id), params=params, json=json,
            headers=headers if headers is not None else self.headers())
