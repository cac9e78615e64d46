"""Getting the raw body in: content type and size are checked before a byte is parsed.

The signature covers the raw bytes, so the body is read whole (never re-serialised), and
read under a limit: Content-Length is checked first, and the bytes actually streamed are
counted too, because a chunked request has no Content-Length and a lying one is possible.
"""

from __future__ import annotations

from starlette.requests import ClientDisconnect, Request

from connector.web.errors import ApiError

JSON = "application/json"


def check_content_type(header: str | None) -> None:
    """Only `application/json`, in UTF-8 (a charset parameter, if any, must say so)."""
    media, *params = (header or "").split(";")
    if media.strip().lower() != JSON:
        shown = f"'{media.strip()[:100]}'" if media.strip() else "missing"
        raise ApiError(
            "unsupported_media_type",
            f"The Content-Type is {shown}; send the events as 'Content-Type: {JSON}'.",
        )
    for param in params:
        name, _, value = param.partition("=")
        charset = value.strip().strip('"').lower()
        if name.strip().lower() == "charset" and charset not in ("utf-8", "utf8"):
            raise ApiError(
                "unsupported_media_type",
                f"The body must be UTF-8 (charset={charset[:40]} was given); send "
                f"'Content-Type: {JSON}' or '{JSON}; charset=utf-8'.",
            )


def _too_large(limit: int) -> ApiError:
    return ApiError(
        "body_too_large",
        f"The body is larger than {limit} bytes; send fewer events per request.",
        extra={"limit_bytes": limit},
    )


async def read_body(request: Request, limit: int) -> bytes:
    """The whole raw body, or ApiError if it is (declared or in fact) over `limit` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not (declared.strip().isascii() and declared.strip().isdigit()):
            raise ApiError("invalid_content_length",
                           "The Content-Length header must be a whole number of bytes.")
        if int(declared) > limit:
            raise _too_large(limit)
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise _too_large(limit)
            chunks.append(chunk)
    except ClientDisconnect:
        raise ApiError("request_incomplete",
                       "The connection closed before the whole body arrived.") from None
    return b"".join(chunks)
