"""One operation of the web API: the Starlette route that serves it, and what its entry in
the OpenAPI document says.

The app serves plain Starlette routes; the document is written by FastAPI from these
entries only when someone asks for it (`/openapi.json`, `/docs`), so a hotel's process does
not carry FastAPI's OpenAPI models and request machinery (about 6 MB) to answer its PMS.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

Endpoint = Callable[[Request], Awaitable[Response]]


@dataclass(frozen=True)
class Operation:
    """`method path` answered by `endpoint`; the rest is its OpenAPI entry (the endpoint's
    docstring is the description, as FastAPI reads it)."""

    method: str
    path: str
    endpoint: Endpoint
    summary: str
    tag: str
    status_code: int = 200
    response_model: type[BaseModel] | None = None
    responses: Mapping[int | str, dict[str, Any]] = field(default_factory=dict)
    # Merged into the entry as is: parameters and request bodies the endpoint reads itself.
    openapi_extra: dict[str, Any] | None = None
    answers_json: bool = True  # False: the answer's media type is in `responses`

    def route(self) -> Route:
        return Route(self.path, self.endpoint, methods=[self.method])
