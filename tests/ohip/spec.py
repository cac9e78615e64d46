"""A simple check of OHIP JSON against Oracle's Swagger definitions: every field named in a
body exists in its definition, and enum values are among the allowed ones. The full checker
comes with the emulator; `spec_subset.json` holds the definitions used here (its provenance
inside)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

_SUBSET = Path(__file__).with_name("spec_subset.json")


@cache
def _specs() -> dict[str, dict[str, Any]]:
    specs: dict[str, dict[str, Any]] = json.loads(_SUBSET.read_text())["specs"]
    return specs


def problems(spec: str, definition: str, body: object) -> list[str]:
    """Where `body` strays from `definition` in `spec` ("fof.json"); [] when it fits."""
    defs = _specs()[spec]
    found: list[str] = []
    _check(defs, {"$ref": f"#/definitions/{definition}"}, body, definition, found)
    return found


def _resolve(defs: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = defs[schema["$ref"].rsplit("/", 1)[-1]]
    if "allOf" in schema:
        merged: dict[str, Any] = {"properties": {}}
        for part in schema["allOf"]:
            merged["properties"].update(_resolve(defs, part).get("properties", {}))
        return merged
    return schema


def _check(defs: dict[str, Any], schema: dict[str, Any], value: object, where: str,
           found: list[str]) -> None:
    schema = _resolve(defs, schema)
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{where}: {value!r} is not one of {schema['enum']}")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for key, item in value.items():
            if key not in properties:
                found.append(f"{where}.{key}: no such field")
            else:
                _check(defs, properties[key], item, f"{where}.{key}", found)
    elif isinstance(value, list):
        items = schema.get("items")
        if items is None:
            found.append(f"{where}: not an array in the spec")
            return
        for index, item in enumerate(value):
            _check(defs, items, item, f"{where}[{index}]", found)
