"""OHIP's error answers: the `exceptionDetailType` shape its specs define for every API."""

from __future__ import annotations

from typing import Any

_TITLES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
           405: "Method Not Allowed", 500: "Internal Server Error", 502: "Bad Gateway",
           503: "Service Unavailable", 504: "Gateway Timeout"}


class OhipError(Exception):
    """An answer other than success; `body()` is what OHIP sends."""

    def __init__(self, status: int, detail: str, code: str = "",
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.code = code
        self.headers = headers or {}

    def body(self, instance: str = "") -> dict[str, Any]:
        title = _TITLES.get(self.status, "Error")
        body: dict[str, Any] = {
            "type": f"https://www.rfc-editor.org/rfc/rfc9110.html#status.{self.status}",
            "title": title, "status": self.status, "detail": self.detail,
        }
        if instance:
            body["instance"] = instance
        if self.code:
            body["o:errorCode"] = self.code
        return body


def not_found(what: str) -> OhipError:
    return OhipError(404, f"{what} was not found", "NOT_FOUND")


def invalid(detail: str, code: str = "INVALID_REQUEST") -> OhipError:
    return OhipError(400, detail, code)


class DroppedConnection(Exception):
    """Raised after a partial answer so the server closes the connection mid-response."""
