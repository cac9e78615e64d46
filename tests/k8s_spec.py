"""Kubernetes' published OpenAPI schemas as a test oracle for the objects `deploy/` renders.

The schemas are carried in the repo, gzip-compressed (`tests/k8s_specs/`, whose README names
where each came from). Each file is self-contained: its `$ref`s point inside it, so an object
is checked against `{"$ref": <its kind's schema>}` with the file's components beside it.

Kubernetes' schemas leave `additionalProperties` open, so a misspelt field (`readinesProbe`)
would pass them, while the API server drops it or refuses it. Each object schema that lists its
properties is closed at load time, so an unknown field fails here as it would on a cluster
with strict field validation. `format` and the `x-kubernetes-*` extensions are not checked.
"""

from __future__ import annotations

import functools
import gzip
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]

SPEC_DIR: Path = Path(__file__).resolve().parent / "k8s_specs"
# Core first: a kind found in both (the apps file embeds core types) is taken from its group.
SPEC_FILES: tuple[str, ...] = ("api__v1_openapi.json.gz", "apis__apps__v1_openapi.json.gz")


class ManifestViolation(AssertionError):
    """An object Kubernetes would not accept as written."""


def _closed(node: Any) -> Any:
    """The schema with every object that lists its properties closed to others."""
    if isinstance(node, dict):
        adapted = {key: _closed(value) for key, value in node.items()}
        if "properties" in adapted and "additionalProperties" not in adapted:
            adapted["additionalProperties"] = False
        return adapted
    if isinstance(node, list):
        return [_closed(item) for item in node]
    return node


@functools.cache
def _validators() -> Mapping[tuple[str, str], Any]:
    """One validator per (apiVersion, kind) the carried schemas define."""
    found: dict[tuple[str, str], Any] = {}
    for name in SPEC_FILES:
        document = json.loads(gzip.decompress((SPEC_DIR / name).read_bytes()))
        components = _closed(document["components"])
        for schema_name, schema in components["schemas"].items():
            for gvk in schema.get("x-kubernetes-group-version-kind", []):
                group, version = gvk["group"], gvk["version"]
                api_version = f"{group}/{version}" if group else version
                key = (api_version, gvk["kind"])
                if key in found:
                    continue
                root = {"$ref": f"#/components/schemas/{schema_name}", "components": components}
                found[key] = jsonschema.Draft4Validator(root)
    return found


def kinds() -> frozenset[tuple[str, str]]:
    """The (apiVersion, kind) pairs the carried schemas can check."""
    return frozenset(_validators())


def validate(obj: Mapping[str, Any]) -> None:
    """Raise `ManifestViolation` naming every field of `obj` its kind's schema refuses (or
    saying that no carried schema knows its kind)."""
    key = (str(obj.get("apiVersion")), str(obj.get("kind")))
    validator = _validators().get(key)
    if validator is None:
        raise ManifestViolation(f"no carried Kubernetes schema for {key[0]} {key[1]}")
    problems = [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(top)'}: {error.message}"
        for error in validator.iter_errors(obj)
    ]
    if problems:
        name = obj.get("metadata", {}).get("name")
        raise ManifestViolation(f"{key[1]} {name}: " + "; ".join(problems))
