"""authlib's OAuth 2 client core, sending its token request over an `httpx.AsyncClient`.

authlib's own httpx integration would do the same, but importing it (its package imports
OAuth 1, JWT assertions and OpenID) loads joserfc and cryptography with OpenSSL: about 11 MB
of every hotel's process for a token that is one signed POST. The core (`authlib.oauth2.client`)
imports none of them; authlib still builds the request body, signs it (client_secret_basic),
runs the compliance hooks and reads the answer, as it does in its integrations."""

from __future__ import annotations

from typing import Any

import httpx
from authlib.common.errors import AuthlibBaseError
from authlib.oauth2.client import OAuth2Client


class TokenRefused(AuthlibBaseError):
    """An OAuth 2 error answer, as authlib's httpx client reports it (its `OAuthError`).
    The core's default, `OAuth2Error`, would itself fail on a description with characters
    RFC 6749 does not allow there, hiding Zoom's refusal behind a ValueError."""

    error = "oauth_error"


class AsyncTokenClient(OAuth2Client):
    """`fetch_token(...)` returns an awaitable of authlib's token (a dict); a refusal in
    OAuth 2 form raises `TokenRefused`, a 5xx or a body that is not JSON
    `httpx.HTTPStatusError`, as authlib's httpx client does."""

    oauth_error_class = TokenRefused  # type: ignore[assignment]

    def __init__(
        self, session: httpx.AsyncClient, client_id: str, client_secret: str, **kwargs: Any
    ) -> None:
        super().__init__(session, client_id=client_id, client_secret=client_secret, **kwargs)

    async def _fetch_token(  # authlib's hook for the transport, as its integrations override it
        self,
        url: str,
        body: str = "",
        headers: dict[str, str] | None = None,
        auth: Any = None,
        method: str = "POST",
        **kwargs: Any,
    ) -> Any:
        if method.upper() != "POST":
            raise ValueError("Zoom's token endpoint takes POST only")
        # authlib's default headers are one shared dict: signing must not write into it.
        _, signed_headers, signed_body = auth.prepare(method, url, dict(headers or {}), body)
        session: httpx.AsyncClient = self.session
        response = await session.post(url, content=signed_body, headers=signed_headers,
                                      **kwargs)
        for hook in self.compliance_hook["access_token_response"]:
            response = hook(response)
        return self.parse_response_token(response)  # type: ignore[no-untyped-call]
