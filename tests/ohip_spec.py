"""Oracle's published OHIP specs (Swagger 2.0) as a test oracle for requests and responses.

The specs are carried in the repo, gzip-compressed (`tests/pms_specs/ohip/`, whose README names
where each came from); they are read once per test session. Each document has its own
`basePath` (`/rsv/v1`, `/fof/v1`, …): paths are given as the gateway sees them
(`/rsv/v1/hotels/H1/reservations`, full URLs, or the templates themselves) and the base path
picks the document.

Swagger 2.0 schemas are nearly JSON Schema draft 4: `x-nullable: true` becomes a `null` type;
non-body parameters (path, query, header, formData) carry their schema keywords on the
parameter itself and are checked from those. `format` is not checked. Error answers declare no
body in these specs, so a 4xx/5xx body is checked against the document's `exceptionDetailType`,
the shape OHIP answers errors with (the token endpoint's document has none: the common one).
"""

from __future__ import annotations

import functools
import gzip
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import jsonschema  # type: ignore[import-untyped]
from graphql import GraphQLSchema, build_client_schema, parse, validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from tests.spec_oracle import SchemaChecks, to_json_schema
from tests.spec_oracle import coerce as _coerce
from tests.spec_oracle import is_empty as _is_empty
from tests.spec_oracle import pointer as _pointer
from tests.spec_oracle import segments as _segments

SPEC_DIR: Path = Path(__file__).resolve().parent / "pms_specs" / "ohip"
SPEC_FILES: tuple[str, ...] = (
    "rsv.json", "fof.json", "hsk.json", "csh.json", "int.json", "oauth.json",
)

_HTTP_METHODS = frozenset({"get", "put", "post", "patch", "delete", "head", "options"})
_PARAM_KEYWORDS = frozenset({
    "type", "enum", "pattern", "minLength", "maxLength", "minimum", "maximum",
    "exclusiveMinimum", "exclusiveMaximum", "minItems", "maxItems", "uniqueItems", "items",
    "multipleOf",
})
_ERROR_DEFINITION = "exceptionDetailType"


class SpecViolation(AssertionError):
    """A request or response that does not have the shape Oracle documents."""


@dataclass(frozen=True)
class OhipOperation:
    """One operation of OHIP's specs."""

    method: str
    path_template: str  # with the document's basePath: /fof/v1/hotels/{hotelId}/wakeUpCalls
    operation_id: str
    doc: str  # the spec file it is in, e.g. "fof.json"
    raw: dict[str, Any] = field(compare=False, repr=False)

    def __str__(self) -> str:
        return f"{self.method} {self.path_template} ({self.operation_id})"


@dataclass(frozen=True, slots=True)
class _Param:
    """A parameter with its `$ref` followed; `pointer` locates it in its document."""

    where: str  # path | query | header | formData | body
    name: str
    required: bool
    pointer: str
    raw: dict[str, Any]


@dataclass(frozen=True, slots=True)
class _Located:
    op: OhipOperation
    pointer: str  # JSON pointer to the operation object
    params: tuple[_Param, ...]


@dataclass(slots=True)
class _Route:
    shape: tuple[str | None, ...]  # literal segments, None for `{param}`
    rank: tuple[bool, ...]  # False for a literal, so min() prefers literals left to right
    ops: dict[str, _Located] = field(default_factory=dict)


def _to_json_schema(node: Any) -> Any:
    """Adapt a Swagger 2.0 document so JSON Schema draft 4 means what Swagger meant."""
    return to_json_schema(node, nullable="x-nullable", name_maps=("properties", "definitions"),
                          one_of_as_any_of=False)


class OhipSpec(SchemaChecks):
    """OHIP's REST specs: look up operations, validate traffic against them."""

    def __init__(self, documents: Mapping[str, dict[str, Any]]) -> None:
        self._docs: dict[str, dict[str, Any]] = {}
        self._bases: dict[str, str] = {}  # basePath -> document name
        self._routes: dict[tuple[str, int], list[_Route]] = {}
        self._ops: list[_Located] = []
        self._validators: dict[tuple[str, str], Any] = {}
        registry: Registry[Any] = Registry()
        for name, doc in documents.items():
            adapted = _to_json_schema(doc)
            self._docs[name] = adapted
            registry = registry.with_resource(
                self._uri(name), Resource.from_contents(adapted, default_specification=DRAFT4))
            self._bases[str(doc.get("basePath", "")).rstrip("/")] = name
            self._index(name, doc)
        self._registry = registry

    @classmethod
    def load(cls) -> OhipSpec:
        """The specs from SPEC_DIR, parsed once per process."""
        return _load_default()

    # -- lookup -------------------------------------------------------------------------

    def operations(self) -> Iterable[OhipOperation]:
        return [loc.op for loc in self._ops]

    def operation(self, method: str, path: str) -> OhipOperation:
        """The operation serving `method path`; SpecViolation if the specs have none."""
        return self._locate(method, path).op

    def _split(self, path: str) -> tuple[str, list[str]]:
        segments = _segments(path)
        for base, doc in self._bases.items():
            parts = base.split("/")[1:]
            if segments[: len(parts)] == parts:
                return doc, segments[len(parts):]
        raise SpecViolation(f"{path}: no OHIP spec has this base path "
                            f"(known: {', '.join(sorted(self._bases))})")

    def _locate(self, method: str, path: str) -> _Located:
        doc, segments = self._split(path)
        matches = [
            route for route in self._routes.get((doc, len(segments)), ())
            if all(s is None or s == seg for s, seg in zip(route.shape, segments, strict=True))
        ]
        if not all(segments):  # an empty segment (`//`, trailing `/`) matches nothing
            matches = []
        if not matches:
            raise SpecViolation(f"{method.upper()} {path}: no such path in OHIP's {doc}")
        route = min(matches, key=lambda r: r.rank)
        loc = route.ops.get(method.upper())
        if loc is None:
            allowed = ", ".join(sorted(route.ops))
            raise SpecViolation(f"{method.upper()} {path}: OHIP allows only {allowed} here")
        return loc

    # -- requests -----------------------------------------------------------------------

    def validate_request(
        self, method: str, path: str, *,
        query: Mapping[str, str | Sequence[str]] | None = None,
        headers: Mapping[str, str] | None = None,
        body: object | None = None,
        form: Mapping[str, str] | None = None,
        strict_fields: bool = True,
    ) -> OhipOperation:
        """Check a request against the spec; raise SpecViolation listing every problem.

        `headers` None skips the header checks (a caller that only has the body); given,
        every required header must be there (names are case-insensitive).
        `strict_fields`: report JSON body fields the schema does not declare (OHIP's schemas
        allow any, so a misspelled field would otherwise pass)."""
        loc = self._locate(method, path)
        doc, segments = self._split(path)
        problems: list[str] = []
        template = loc.op.path_template.split("/")[-len(segments):] if segments else []
        given_path = {
            tpl[1:-1]: seg for tpl, seg in zip(template, segments, strict=True)
            if tpl.startswith("{") and tpl.endswith("}") and not seg.startswith("{")
        }
        self._check_values(loc, "path", {k: [v] for k, v in given_path.items()}, problems,
                           check_required=False)
        self._check_values(loc, "query", _listed(query or {}), problems, undeclared=True)
        if headers is not None:
            lowered = {k.lower(): [v] for k, v in headers.items()}
            self._check_values(loc, "header", lowered, problems, case_insensitive=True)
        forms = [p for p in loc.params if p.where == "formData"]
        if forms or form:
            self._check_values(loc, "formData", _listed(form or {}), problems, undeclared=True)
        body_param = next((p for p in loc.params if p.where == "body"), None)
        if body_param is None:
            if not _is_empty(body):
                problems.append("body: the operation takes no JSON body")
        elif _is_empty(body):
            if body_param.required:
                problems.append(f"body: the {body_param.name} body is required")
        else:
            problems += self._schema_problems(doc, body_param.pointer + "/schema", body, "body",
                                              strict_fields)
        if problems:
            raise SpecViolation(f"{loc.op} request:\n  " + "\n  ".join(problems))
        return loc.op

    def _check_values(
        self, loc: _Located, where: str, given: Mapping[str, list[str]], problems: list[str],
        *, undeclared: bool = False, case_insensitive: bool = False,
        check_required: bool = True,
    ) -> None:
        def key(name: str) -> str:
            return name.lower() if case_insensitive else name

        declared = {key(p.name): p for p in loc.params if p.where == where}
        for name, values in given.items():
            param = declared.get(key(name))
            if param is None:
                if undeclared:
                    names = sorted(p.name for p in declared.values())
                    listed = ", ".join(names[:20]) + (", …" if len(names) > 20 else "")
                    problems.append(f"{where} {name}: not a parameter of this operation "
                                    f"(declared: {listed or 'none'})")
                continue
            schema = {k: v for k, v in param.raw.items() if k in _PARAM_KEYWORDS}
            value: Any
            if schema.get("type") == "array":
                if param.raw.get("collectionFormat", "csv") == "multi":
                    items = list(values)
                else:
                    items = [part for v in values for part in v.split(",")]
                value = [_coerce(v, schema.get("items", {})) for v in items]
            elif len(values) != 1:
                problems.append(f"{where} {name}: given {len(values)} times, expected once")
                continue
            else:
                value = _coerce(values[0], schema)
            for error in jsonschema.Draft4Validator(schema).iter_errors(value):
                problems.append(f"{where} {name}: {error.message}")
        if check_required:
            for name, param in declared.items():
                if param.required and name not in {key(n) for n in given}:
                    problems.append(f"{where} {param.name}: required but missing")

    def validate_httpx_request(self, request: httpx.Request) -> OhipOperation:
        """Check a request as an adapter sends it (an httpx event hook or a respx
        side-effect): path, query, headers, and the JSON or form body."""
        content = request.content
        kind = request.headers.get("content-type", "")
        body: object | None = None
        form: dict[str, str] | None = None
        if kind.startswith("application/x-www-form-urlencoded"):
            form = {k: v[-1] for k, v in parse_qs(content.decode()).items()}
        elif content.strip():
            try:
                body = json.loads(content)
            except ValueError:
                raise SpecViolation(f"{request.method} {request.url.path}: the body is not "
                                    "JSON") from None
        query = parse_qs(request.url.query.decode(), keep_blank_values=True)
        return self.validate_request(request.method, request.url.path, query=query,
                                     headers=dict(request.headers), body=body, form=form)

    def validate_httpx_response(self, response: httpx.Response) -> OhipOperation:
        """Check an answer (read already) against the operation its request called."""
        body = response.json() if response.content.strip() else None
        return self.validate_response(response.request.method, response.request.url.path,
                                      response.status_code, body)

    # -- responses ----------------------------------------------------------------------

    def validate_response(
        self, method: str, path: str, status: int, body: object | None, *,
        strict_fields: bool = True,
    ) -> OhipOperation:
        """Check a response's status and body against the spec; raise SpecViolation if off.
        `strict_fields`: report fields the schema does not declare."""
        loc = self._locate(method, path)
        doc = loc.op.doc
        responses: dict[str, Any] = loc.op.raw.get("responses", {})
        key = str(status) if str(status) in responses else (
            "default" if "default" in responses and status >= 400 else None)
        if key is None:
            raise SpecViolation(f"{loc.op} response: status {status} is not declared "
                                f"(declared: {', '.join(responses)})")
        declared = responses[key]
        pointer = loc.pointer + _pointer("responses", key)
        if isinstance(declared.get("$ref"), str):
            pointer = declared["$ref"][1:]
            declared = self._resolve(doc, pointer)
        problems: list[str] = []
        if "schema" in declared:
            if _is_empty(body):
                problems.append(f"body: status {status} documents a JSON body, got none")
            else:
                problems += self._schema_problems(doc, pointer + "/schema", body, "body",
                                                  strict_fields)
        elif status >= 400:
            if not _is_empty(body):
                problems += self._schema_problems(
                    self._error_doc(doc), _pointer("definitions", _ERROR_DEFINITION), body,
                    "body", strict_fields)
        elif not _is_empty(body):
            problems.append(f"body: status {status} documents no body, got {body!r}")
        if problems:
            raise SpecViolation(f"{loc.op} response {status}:\n  " + "\n  ".join(problems))
        return loc.op

    def _error_doc(self, doc: str) -> str:
        """The document whose `exceptionDetailType` an error of `doc` is checked against:
        its own, else the gateway's common one (oauth.json declares none)."""
        for name in (doc, *sorted(self._docs)):
            if _ERROR_DEFINITION in self._docs[name].get("definitions", {}):
                return name
        raise SpecViolation(f"no OHIP spec defines {_ERROR_DEFINITION}")

    # -- indexing -----------------------------------------------------------------------

    @staticmethod
    def _uri(doc: str) -> str:
        return f"urn:ohip-spec:{doc}"

    def _param(self, doc: str, pointer: str, raw: dict[str, Any]) -> _Param:
        if isinstance(raw.get("$ref"), str):
            pointer = raw["$ref"][1:]
            raw = self._resolve(doc, pointer)
        return _Param(where=str(raw.get("in", "")), name=str(raw.get("name", "")),
                      required=bool(raw.get("required")), pointer=pointer, raw=raw)

    def _index(self, doc: str, document: Mapping[str, Any]) -> None:
        base = str(document.get("basePath", "")).rstrip("/")
        for template, item in document.get("paths", {}).items():
            shape = tuple(None if s.startswith("{") and s.endswith("}") else s
                          for s in template.split("/")[1:])
            routes = self._routes.setdefault((doc, len(shape)), [])
            route = next((r for r in routes if r.shape == shape), None)
            if route is None:
                route = _Route(shape, tuple(s is None for s in shape))
                routes.append(route)
            item_params = [
                self._param(doc, _pointer("paths", template, "parameters", str(i)), p)
                for i, p in enumerate(item.get("parameters", []))
            ]
            for method, raw in item.items():
                if method not in _HTTP_METHODS:
                    continue
                op_pointer = _pointer("paths", template, method)
                params = {(p.where, p.name): p for p in item_params}
                for i, p in enumerate(raw.get("parameters", [])):
                    param = self._param(doc, op_pointer + _pointer("parameters", str(i)), p)
                    params[(param.where, param.name)] = param
                op = OhipOperation(method.upper(), base + template,
                                   str(raw.get("operationId", "")), doc, raw)
                loc = _Located(op, op_pointer, tuple(params.values()))
                route.ops[op.method] = loc
                self._ops.append(loc)


def _listed(values: Mapping[str, str | Sequence[str]]) -> dict[str, list[str]]:
    return {k: [v] if isinstance(v, str) else list(v) for k, v in values.items()}


@functools.cache
def _load_default() -> OhipSpec:
    return OhipSpec({name: read_spec(name) for name in SPEC_FILES})


def read_spec(name: str) -> dict[str, Any]:
    """One of OHIP's specs as parsed JSON, by its uncompressed name (`rsv.json`)."""
    path = SPEC_DIR / f"{name}.gz"
    if not path.is_file():
        raise FileNotFoundError(f"OHIP's Swagger spec {name} not found: expected {path}")
    with gzip.open(path, "rt", encoding="utf-8") as text:
        document: dict[str, Any] = json.load(text)
    return document


@functools.cache
def streaming_schema() -> GraphQLSchema:
    """OHIP's published streaming schema (StreamingGraphQLSchema.json), for checking the
    subscription documents the connector sends."""
    introspection = json.loads((SPEC_DIR / "StreamingGraphQLSchema.json").read_text("utf-8"))
    # The published file names a Mutation root type it does not define; the streaming API
    # has no mutations, so the name is dropped rather than the file edited.
    names = {t["name"] for t in introspection["__schema"]["types"]}
    if introspection["__schema"].get("mutationType", {}).get("name") not in names:
        introspection["__schema"]["mutationType"] = None
    return build_client_schema(introspection)


def subscription_problems(document: str) -> list[str]:
    """What OHIP's streaming schema finds wrong with a subscription document ([]: none)."""
    return [error.message for error in validate(streaming_schema(), parse(document))]
