"""`POST /oauth/v1/tokens` (getToken): Basic client credentials, `x-app-key`, a form body."""

from __future__ import annotations

from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from connector.sandbox.ohip.gateway import Parts, ohip_json, operation


async def get_token(parts: Parts, request: Request) -> Response:
    form = {k: v[-1] for k, v in parse_qs((await request.body()).decode("utf-8", "replace"))
            .items()}
    token, lifetime = parts.auth.issue(request.headers.get("authorization"),
                                       request.headers.get("x-app-key"), form.get("grant_type"))
    return ohip_json(200, {"access_token": token, "expires_in": lifetime,
                           "token_type": "Bearer", "oracle_tk_context": "user_assertion"})


def routes(parts: Parts) -> list[Route]:
    return [operation(parts, "POST", "/oauth/v1/tokens", "getToken", get_token, authed=False)]
