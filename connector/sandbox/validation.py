"""Checks on request bodies, answered with Zoom's code 300 and the offending field."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connector.sandbox import errors


def json_object(body: Any) -> Mapping[str, Any]:
    """The body as a JSON object, or Zoom's "Request Body should be a valid JSON object."."""
    if not isinstance(body, Mapping):
        raise errors.bad_request("Request Body should be a valid JSON object.")
    return body


def optional_str(body: Mapping[str, Any], name: str, max_length: int | None = None) -> str | None:
    """A string field if present; 300 if it has the wrong type or is too long."""
    if name not in body:
        return None
    value = body[name]
    if not isinstance(value, str):
        raise errors.validation_failed(name, f"Invalid field: {name} must be a string.")
    if max_length is not None and len(value) > max_length:
        raise errors.validation_failed(
            name, f"Length of {name} can't be more than {max_length}."
        )
    return value


def optional_bool(body: Mapping[str, Any], name: str, where: str) -> bool | None:
    if name not in body:
        return None
    value = body[name]
    if not isinstance(value, bool):
        raise errors.validation_failed(where, f"Invalid field: {where} must be a boolean.")
    return value


def optional_int(body: Mapping[str, Any], name: str) -> int | None:
    if name not in body:
        return None
    value = body[name]
    if not isinstance(value, int) or isinstance(value, bool):
        raise errors.validation_failed(name, f"Invalid field: {name} must be an integer.")
    return value


def optional_object(body: Mapping[str, Any], name: str) -> Mapping[str, Any] | None:
    if name not in body:
        return None
    value = body[name]
    if not isinstance(value, Mapping):
        raise errors.validation_failed(name, f"Invalid field: {name} must be an object.")
    return value
