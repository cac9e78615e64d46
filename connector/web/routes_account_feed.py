"""`POST /v1/account/feed`: where the group's account worker delivers this hotel's rows of the
account-wide listings (connector/account). Signed as the PMS webhook is (`signing.py`, `v1`
over the raw bytes, a five-minute window either way) with CONNECTOR_ACCOUNT__FEED_SECRET;
nothing is parsed before the signature is verified, and the 200 goes back only after what is
kept is committed (`FeedTaker`)."""

from __future__ import annotations

import logging

from pydantic import SecretStr
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from connector.account.feed import FeedInvalid, decode
from connector.account.hotel_feed import FeedTaker
from connector.clock import Clock
from connector.store import StoreError
from connector.web.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, SignatureError, verify

log = logging.getLogger(__name__)

FEED_PATH = "/v1/account/feed"
# A day of a large hotel's voicemails or a window of its calls.
MAX_BODY_BYTES = 32 * 1024 * 1024
TOLERANCE_SECONDS = 300
RETRY_AFTER_SECONDS = 30


def _error(status: int, code: str, message: str) -> JSONResponse:
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)} if status == 503 else {}
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status,
                        headers=headers)


def account_feed_route(secret: SecretStr | None, taker: FeedTaker, clock: Clock) -> Route:
    """The feed door; without a secret it answers 503 and keeps nothing."""

    async def post_feed(request: Request) -> Response:
        if secret is None:
            return _error(503, "account_feed_not_configured",
                          "This connector takes no account feed: set "
                          "CONNECTOR_ACCOUNT__FEED_SECRET (the group's) to open this door.")
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return _error(413, "body_too_large", "The feed document is too large.")
        try:
            verify(body, timestamp_header=request.headers.get(TIMESTAMP_HEADER),
                   signature_header=request.headers.get(SIGNATURE_HEADER),
                   secrets=[secret.get_secret_value()], now=clock.now().timestamp(),
                   tolerance=TOLERANCE_SECONDS)
            outcomes = taker.take(decode(body))
        except SignatureError as error:
            return _error(401, error.code, error.message.replace(
                "CONNECTOR_WEBHOOK__SECRET", "CONNECTOR_ACCOUNT__FEED_SECRET"))
        except FeedInvalid as invalid:
            return _error(400, "invalid_feed", str(invalid))
        except StoreError as error:
            log.error("could not keep the account worker's feed: %s", error)
            return _error(503, "store_unavailable",
                          "The connector could not write its database; nothing was kept.")
        return JSONResponse({"status": "stored", "outcomes": outcomes})

    return Route(FEED_PATH, post_feed, methods=["POST"])
