"""One TLS context for every connection the connector makes to Zoom.

Each `httpx.AsyncClient` would otherwise build its own and load the CA bundle into it again:
about 0.8 MB and 20 ms for the API client, and again at every token renewal."""

from __future__ import annotations

import functools
import ssl

import httpx


@functools.cache
def zoom_tls() -> ssl.SSLContext:
    """The context httpx would build (certifi's CAs, or SSL_CERT_FILE / SSL_CERT_DIR), once."""
    return httpx.create_ssl_context()
