"""Zoom's error answers: `{"code": int, "message": str}` with Zoom's own codes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class ZoomError(Exception):
    """An error the emulated API answers with, as Zoom shapes it."""

    def __init__(
        self,
        status: int,
        code: int,
        message: str,
        *,
        headers: Mapping[str, str] | None = None,
        errors: list[dict[str, str]] | None = None,
    ) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})
        self.errors = errors

    def body(self) -> dict[str, Any]:
        """The JSON body Zoom sends."""
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.errors:
            body["errors"] = self.errors
        return body


def invalid_token() -> ZoomError:
    return ZoomError(401, 124, "Invalid access token.")


def expired_token() -> ZoomError:
    return ZoomError(401, 124, "Access token is expired.")


def missing_scopes(scopes: list[str]) -> ZoomError:
    # Zoom answers 400 (not 403) with code 4711 and lists the scopes any of which would do.
    return ZoomError(
        400, 4711, f"Invalid access token, does not contain scopes:[{', '.join(scopes)}]."
    )


def user_not_found(user_id: str) -> ZoomError:
    return ZoomError(404, 1001, f"User does not exist: {user_id}.")


def validation_failed(field: str, message: str) -> ZoomError:
    """Zoom's code 300: a request field failed validation."""
    return ZoomError(
        400, 300, "Validation Failed.", errors=[{"field": field, "message": message}]
    )


def bad_request(message: str, code: int = 300) -> ZoomError:
    return ZoomError(400, code, message)


def not_emulated(method: str, path: str) -> ZoomError:
    return ZoomError(404, 404, f"Not found: the Zoom sandbox does not emulate {method} {path}.")
