"""The web part: the signed PMS webhook, event status, health, readiness and metrics.

`create_app` builds the ASGI app; `sign`/`signature_headers` are the signing scheme for
integrators and for our own outbound reports (docs/webhook.md).
"""

from connector.web.app import create_app
from connector.web.readiness import ReadinessCheck
from connector.web.schemas import Check
from connector.web.signing import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    SignatureError,
    sign,
    signature_headers,
    verify,
)

__all__ = [
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "Check",
    "ReadinessCheck",
    "SignatureError",
    "create_app",
    "sign",
    "signature_headers",
    "verify",
]
