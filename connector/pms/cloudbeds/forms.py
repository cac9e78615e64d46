"""Cloudbeds' request bodies, pure: `application/x-www-form-urlencoded` with arrays and
objects in PHP's bracket form (`items[0][itemName]=Telephone`), as its v1.3 spec encodes
them (`PostCustomItemRequest.items` is an array of objects in a form body)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TypeAlias
from urllib.parse import urlencode

FormValue: TypeAlias = (
    "str | int | bool | Decimal | Sequence[FormValue] | Mapping[str, FormValue] | None"
)


def form_pairs(fields: Mapping[str, FormValue]) -> list[tuple[str, str]]:
    """The (name, value) pairs of a form body, in order; a None field is left out (the
    spec's optional fields are absent rather than empty)."""
    pairs: list[tuple[str, str]] = []
    for name, value in fields.items():
        _flatten(name, value, pairs)
    return pairs


def encode_form(fields: Mapping[str, FormValue]) -> bytes:
    """The body bytes for `fields`."""
    return urlencode(form_pairs(fields)).encode("ascii")


def _flatten(name: str, value: FormValue, pairs: list[tuple[str, str]]) -> None:
    match value:
        case None:
            return
        case bool():
            # PHP reads "false" as a true non-empty string in some places, but Cloudbeds'
            # own examples send booleans as the words true/false.
            pairs.append((name, "true" if value else "false"))
        case str() | int():
            pairs.append((name, str(value)))
        case Decimal():
            pairs.append((name, f"{value:f}"))
        case Mapping():
            for key, item in value.items():
                _flatten(f"{name}[{key}]", item, pairs)
        case _:
            for index, item in enumerate(value):
                _flatten(f"{name}[{index}]", item, pairs)
