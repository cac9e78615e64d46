"""Zoom's published OpenAPI specs as a test oracle for requests and responses.

The specs are carried in the repo, gzip-compressed (`tests/zoom_specs/`, whose README names
where each came from); they are read once per test session. Paths are accepted as Zoom's
servers see them (`/v2/phone/users`, full URLs, or the spec's own templates).

OpenAPI 3.0 is not quite JSON Schema, so each document is adapted once at load time:
`nullable: true` becomes a `null` type, and `oneOf` becomes `anyOf` because Zoom's branches
share properties and rarely declare `required`, so any real object matches several of them
and plain `oneOf` would reject it. `format` is not checked.
"""

from __future__ import annotations

import functools
import gzip
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from tests.spec_oracle import SchemaChecks, segments, to_json_schema
from tests.spec_oracle import coerce as _coerce
from tests.spec_oracle import is_empty as _is_empty
from tests.spec_oracle import pointer as _pointer

SPEC_DIR: Path = Path(__file__).resolve().parent / "zoom_specs"
SPEC_FILES: tuple[str, ...] = ("zoom-phone-api.json", "zoom-user-api.json")

_HTTP_METHODS = frozenset({"get", "put", "post", "patch", "delete", "head", "options", "trace"})
_LABEL_RE = re.compile(r"Rate Limit Label[^`\n]*`([^`]+)`")
_JSON = "application/json"


class SpecViolation(AssertionError):
    """A request or response that does not have the shape Zoom documents."""


@dataclass(frozen=True)
class SpecOperation:
    """One operation of Zoom's specs, with the facts the connector cares about."""

    method: str
    path_template: str
    operation_id: str
    # Lower-case: light | medium | heavy | resource_intensive; "" when the spec gives none.
    rate_limit_label: str
    granular_scopes: tuple[str, ...]
    macro_scopes: tuple[str, ...]
    max_page_size: int | None
    raw: dict[str, Any] = field(compare=False, repr=False)

    def __str__(self) -> str:
        return f"{self.method} {self.path_template}"


@dataclass(frozen=True, slots=True)
class _Located:
    """Where an operation sits, so its schemas can be found by JSON pointer."""

    op: SpecOperation
    doc: str
    pointer: str  # JSON pointer to the operation object
    path_params: tuple[tuple[str, dict[str, Any]], ...]  # inherited path-item parameters


@dataclass(slots=True)
class _Route:
    """All templates of one shape (literal segments, None for `{param}`)."""

    shape: tuple[str | None, ...]
    rank: tuple[bool, ...]  # False for a literal, so min() prefers literals left to right
    ops: dict[str, _Located] = field(default_factory=dict)


def _to_json_schema(node: Any) -> Any:
    """Adapt an OpenAPI 3.0 document so JSON Schema draft 4 means what OpenAPI meant."""
    return to_json_schema(node, nullable="nullable", name_maps=("properties",),
                          one_of_as_any_of=True)


def _rate_limit_label(description: str) -> str:
    found = _LABEL_RE.search(description)
    if not found:
        return ""
    return re.sub(r"[\s-]+", "_", found.group(1).strip().lower())


def _str_tuple(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def _split_path(path: str) -> list[str]:
    """Concrete or template path -> segments relative to the spec's server (`/v2`)."""
    parts = segments(path)
    return parts[1:] if parts[:1] == ["v2"] else parts


class ZoomSpec(SchemaChecks):
    """Zoom's Phone and Users API specs: look up operations, validate traffic against them."""

    def __init__(self, documents: Mapping[str, dict[str, Any]]) -> None:
        # Adapted copies; SpecOperation.raw keeps the original text.
        self._docs: dict[str, dict[str, Any]] = {}
        self._routes: dict[int, list[_Route]] = {}
        self._ops: list[_Located] = []
        self._validators: dict[tuple[str, str], Any] = {}
        registry: Registry[Any] = Registry()
        for name, doc in documents.items():
            adapted = _to_json_schema(doc)
            self._docs[name] = adapted
            registry = registry.with_resource(
                self._uri(name), Resource.from_contents(adapted, default_specification=DRAFT4)
            )
            self._index(name, doc)
        self._registry = registry

    @classmethod
    def load(cls) -> ZoomSpec:
        """The specs from SPEC_DIR, parsed once per process."""
        return _load_default()

    # -- lookup -------------------------------------------------------------------------

    def operations(self) -> Iterable[SpecOperation]:
        return [loc.op for loc in self._ops]

    def operation(self, method: str, path: str) -> SpecOperation:
        return self._locate(method, path).op

    def _locate(self, method: str, path: str) -> _Located:
        segments = _split_path(path)
        matches = [
            route
            for route in self._routes.get(len(segments), ())
            if all(s is None or s == seg for s, seg in zip(route.shape, segments, strict=True))
        ]
        if not all(segments):  # an empty segment (`//`, trailing `/`) matches nothing
            matches = []
        if not matches:
            raise SpecViolation(f"{method.upper()} {path}: no such path in Zoom's specs")
        # `/phone/users/batch` beats `/phone/users/{userId}`, as Zoom's router does.
        route = min(matches, key=lambda r: r.rank)
        loc = route.ops.get(method.upper())
        if loc is None:
            allowed = ", ".join(sorted(route.ops))
            templates = " / ".join(sorted({lo.op.path_template for lo in route.ops.values()}))
            raise SpecViolation(
                f"{method.upper()} {path}: Zoom's {templates} allows only {allowed}"
            )
        return loc

    # -- requests -----------------------------------------------------------------------

    def validate_request(
        self,
        method: str,
        path: str,
        query: Mapping[str, str | list[str]] | None = None,
        body: object | None = None,
        *,
        strict_fields: bool = True,
    ) -> SpecOperation:
        """Check a request against the spec; raise SpecViolation listing every problem.

        strict_fields: report body fields the schema does not declare (a misspelled field
        would otherwise pass, since Zoom's schemas allow additional properties).
        """
        loc = self._locate(method, path)
        op = loc.op
        problems: list[str] = []
        params = self._parameters(loc)
        self._check_path_params(loc, params, _split_path(path), problems)
        self._check_query(loc, params, query or {}, problems)

        request_body = op.raw.get("requestBody")
        if request_body is None:
            if not _is_empty(body):
                problems.append("body: the operation takes no request body")
        elif _is_empty(body):
            if request_body.get("required"):
                problems.append("body: a request body is required")
        elif _JSON not in request_body.get("content", {}):
            kinds = ", ".join(request_body.get("content", {}))
            problems.append(f"body: the operation takes {kinds}, not JSON")
        else:
            pointer = loc.pointer + _pointer("requestBody", "content", _JSON, "schema")
            problems += self._schema_problems(loc.doc, pointer, body, "body", strict_fields)

        if problems:
            raise SpecViolation(f"{op} request:\n  " + "\n  ".join(problems))
        return op

    def _parameters(self, loc: _Located) -> dict[tuple[str, str], tuple[str, dict[str, Any]]]:
        """(in, name) -> (JSON pointer to its schema, parameter object); op-level wins."""
        found: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
        for pointer, param in loc.path_params:
            found[(param.get("in", ""), param.get("name", ""))] = (pointer, param)
        for i, param in enumerate(loc.op.raw.get("parameters", [])):
            pointer = loc.pointer + _pointer("parameters", str(i), "schema")
            found[(param.get("in", ""), param.get("name", ""))] = (pointer, param)
        return found

    def _check_path_params(
        self,
        loc: _Located,
        params: Mapping[tuple[str, str], tuple[str, dict[str, Any]]],
        segments: Sequence[str],
        problems: list[str],
    ) -> None:
        template = loc.op.path_template.split("/")[1:]
        for tpl, seg in zip(template, segments, strict=True):
            if not (tpl.startswith("{") and tpl.endswith("}")) or seg.startswith("{"):
                continue  # a literal, or the caller passed a template
            name = tpl[1:-1]
            pointer, param = params.get(("path", name), ("", {}))
            if "schema" in param:
                value = _coerce(seg, param["schema"])
                problems += self._schema_problems(loc.doc, pointer, value, f"path {name}")

    def _check_query(
        self,
        loc: _Located,
        params: Mapping[tuple[str, str], tuple[str, dict[str, Any]]],
        query: Mapping[str, str | list[str]],
        problems: list[str],
    ) -> None:
        declared = {name for (where, name) in params if where == "query"}
        for name, raw_value in query.items():
            if name not in declared:
                problems.append(
                    f"query {name}: not a parameter of this operation "
                    f"(declared: {', '.join(sorted(declared)) or 'none'})"
                )
                continue
            pointer, param = params[("query", name)]
            schema = param.get("schema", {})
            values = raw_value if isinstance(raw_value, list) else [raw_value]
            value: Any
            if schema.get("type") == "array":
                value = [_coerce(v, schema.get("items", {})) for v in values]
            elif len(values) != 1:
                problems.append(f"query {name}: given {len(values)} times, expected once")
                continue
            else:
                value = _coerce(values[0], schema)
            problems += self._schema_problems(loc.doc, pointer, value, f"query {name}")
        for (where, name), (_, param) in params.items():
            if where == "query" and param.get("required") and name not in query:
                problems.append(f"query {name}: required but missing")

    # -- responses ----------------------------------------------------------------------

    def validate_response(
        self,
        method: str,
        path: str,
        status: int,
        body: object | None,
        *,
        strict_fields: bool = False,
    ) -> SpecOperation:
        """Check a response's status and body against the spec; raise SpecViolation if off."""
        loc = self._locate(method, path)
        op = loc.op
        responses: dict[str, Any] = op.raw.get("responses", {})
        key = self._response_key(responses, status)
        if key is None:
            raise SpecViolation(
                f"{op} response: status {status} is not declared (declared: {', '.join(responses)})"
            )
        declared = responses[key]
        has_json = _JSON in (declared.get("content") or {})
        pointer = loc.pointer + _pointer("responses", key, "content", _JSON, "schema")
        problems: list[str] = []
        if status >= 400:
            # Zoom's error shape, checked directly: the user spec's 4xx bodies are generic.
            if not isinstance(body, dict):
                problems.append(f"body: an error body must be a JSON object, got {body!r}")
            else:
                code, message = body.get("code"), body.get("message")
                if not isinstance(code, int) or isinstance(code, bool):
                    problems.append(f"body.code: must be an integer, got {code!r}")
                if not isinstance(message, str):
                    problems.append(f"body.message: must be a string, got {message!r}")
                if has_json:
                    problems += self._schema_problems(loc.doc, pointer, body, "body")
        elif 200 <= status < 300:
            if status == 204 or not has_json:
                if not _is_empty(body):
                    problems.append(f"body: status {status} documents no body, got {body!r}")
            elif _is_empty(body):
                problems.append(f"body: status {status} documents a JSON body, got none")
            else:
                problems += self._schema_problems(loc.doc, pointer, body, "body", strict_fields)
        if problems:
            raise SpecViolation(f"{op} response {status}:\n  " + "\n  ".join(problems))
        return op

    @staticmethod
    def _response_key(responses: Mapping[str, Any], status: int) -> str | None:
        if str(status) in responses:
            return str(status)
        ranged = f"{status // 100}XX"
        for key in responses:
            if key.upper() == ranged:
                return key
        # The user spec's `default` is a generated catch-all for errors; letting it cover a
        # success status would hide a wrong 2xx.
        if status >= 400 and "default" in responses:
            return "default"
        return None

    # -- indexing -----------------------------------------------------------------------

    @staticmethod
    def _uri(doc: str) -> str:
        return f"urn:zoom-spec:{doc}"

    def _index(self, doc: str, document: Mapping[str, Any]) -> None:
        for template, item in document.get("paths", {}).items():
            shape = tuple(
                None if s.startswith("{") and s.endswith("}") else s
                for s in template.split("/")[1:]
            )
            routes = self._routes.setdefault(len(shape), [])
            route = next((r for r in routes if r.shape == shape), None)
            if route is None:
                route = _Route(shape, tuple(s is None for s in shape))
                routes.append(route)
            item_params = tuple(
                (_pointer("paths", template, "parameters", str(i), "schema"), p)
                for i, p in enumerate(item.get("parameters", []))
            )
            for method, raw in item.items():
                if method not in _HTTP_METHODS:
                    continue
                op = _operation(method.upper(), template, raw)
                loc = _Located(op, doc, _pointer("paths", template, method), item_params)
                # Two templates of one shape ({slgId} vs {sharedLineGroupId}) share a route.
                route.ops[op.method] = loc
                self._ops.append(loc)


def _operation(method: str, template: str, raw: dict[str, Any]) -> SpecOperation:
    extensions = raw.get("x-extensions") or {}
    max_page_size = None
    for param in raw.get("parameters", []):
        if param.get("name") == "page_size" and param.get("in") == "query":
            maximum = (param.get("schema") or {}).get("maximum")
            max_page_size = int(maximum) if maximum is not None else None
    return SpecOperation(
        method=method,
        path_template=template,
        operation_id=str(raw.get("operationId", "")),
        rate_limit_label=_rate_limit_label(str(raw.get("description", ""))),
        granular_scopes=_str_tuple(extensions.get("x-granular-scopes")),
        macro_scopes=_str_tuple(extensions.get("x-macro-scopes")),
        max_page_size=max_page_size,
        raw=raw,
    )


@functools.cache
def _load_default() -> ZoomSpec:
    return ZoomSpec({name: read_spec(name) for name in SPEC_FILES})


def read_spec(name: str) -> dict[str, Any]:
    """One of Zoom's specs as parsed JSON, by its uncompressed name (`zoom-phone-api.json`)."""
    path = SPEC_DIR / f"{name}.gz"
    if not path.is_file():
        raise FileNotFoundError(f"Zoom's OpenAPI spec {name} not found: expected {path}")
    with gzip.open(path, "rt", encoding="utf-8") as text:
        document: dict[str, Any] = json.load(text)
    return document
