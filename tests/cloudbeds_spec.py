"""Cloudbeds' published OpenAPI 3.0 spec (PMS API v1.3) as a test oracle, and the JSON Schema
of its webhook bodies (`tests/pms_specs/cloudbeds/`, whose README names the sources).

The engine is Zoom's (`tests.zoom_spec.ZoomSpec`: OpenAPI adapted to JSON Schema draft 4,
query parameters read as their declared types, undeclared fields reported); what differs for
Cloudbeds is here:

- operations are flat paths under the server's base, `/api/v1.3` (`/getReservation`), and a
  path is accepted with or without that base, or as a full URL;
- POST bodies are `application/x-www-form-urlencoded`: the form is decoded with PHP's bracket
  convention (`items[0][itemName]=Telephone` is `{"items": [{"itemName": "Telephone"}]}`) and
  each value read as the schema's type (`true`/`false`, integers, numbers) before it is
  checked; a JSON body is a violation;
- the spec declares only a 200 answer per operation; Cloudbeds' error answers (any status, or a
  200 with `success: false`) are `{"success": false, "message": "…"}`, checked directly.
"""

from __future__ import annotations

import datetime
import functools
import gzip
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import jsonschema  # type: ignore[import-untyped]
import yaml

from tests.spec_oracle import coerce as _coerce
from tests.spec_oracle import pointer as _pointer
from tests.zoom_spec import SpecOperation, SpecViolation, ZoomSpec, _Located

SPEC_DIR: Path = Path(__file__).resolve().parent / "pms_specs" / "cloudbeds"
SPEC_FILE = "pms-v1.3-openapi.yaml"
WEBHOOK_SCHEMA = "webhooks.schema.json"
BASE_PATH = "/api/v1.3"
FORM = "application/x-www-form-urlencoded"
_JSON = "application/json"
_BRACKETS = re.compile(r"\[([^\]]*)\]")

__all__ = ["BASE_PATH", "CloudbedsSpec", "SpecOperation", "SpecViolation", "check_webhook",
           "decode_form"]


def _operation_path(path: str) -> str:
    """A concrete path or URL -> the spec's path (`/getReservation`)."""
    if "://" in path:
        path = urlsplit(path).path
    path = path.split("?", 1)[0].split("#", 1)[0]
    if path == BASE_PATH or path.startswith(BASE_PATH + "/"):
        path = path[len(BASE_PATH):]
    return "/" + path.strip("/")


def decode_form(body: str | bytes | Mapping[str, str]) -> dict[str, Any]:
    """A form body -> nested values, by PHP's bracket convention; every leaf stays text.

    `a[0][b]=1&a[0][c]=2&d=x` -> `{"a": [{"b": "1", "c": "2"}], "d": "x"}`; `a[]=1&a[]=2`
    -> `{"a": ["1", "2"]}`. Raises SpecViolation for a malformed key or a field given twice."""
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    pairs = parse_qsl(body, keep_blank_values=True) if isinstance(body, str) else list(
        body.items())
    root: dict[str, Any] = {}
    for key, value in pairs:
        head, _, rest = key.partition("[")
        parts = [head] + (_BRACKETS.findall("[" + rest) if rest else [])
        if not head or (rest and "[" + rest != "".join(f"[{p}]" for p in parts[1:])):
            raise SpecViolation(f"form field {key!r}: not a name or name[index][field] key")
        node: Any = root
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            nxt = None if last else parts[i + 1]
            empty: Any = [] if nxt is not None and (nxt == "" or nxt.isdigit()) else {}
            if isinstance(node, list):
                index = len(node) if part == "" else int(part) if part.isdigit() else -1
                if index < 0 or index > len(node):
                    raise SpecViolation(f"form field {key!r}: indexes must count 0, 1, 2, …")
                if index == len(node):
                    node.append(value if last else empty)
                elif last:
                    raise SpecViolation(f"form field {key!r}: given twice")
                node = node[index]
            else:
                if last:
                    if part in node:
                        raise SpecViolation(f"form field {key!r}: given twice")
                    node[part] = value
                else:
                    node = node.setdefault(part, empty)
            if not last and not isinstance(node, list | dict):
                raise SpecViolation(f"form field {key!r}: {part!r} is both a value and a group")
    return root


class CloudbedsSpec(ZoomSpec):
    """Cloudbeds' v1.3 spec: look up operations, validate requests and answers against it."""

    @classmethod
    def load(cls) -> CloudbedsSpec:  # type: ignore[override]
        """The spec from SPEC_DIR, parsed once per process."""
        return _load_default()

    @staticmethod
    def _uri(doc: str) -> str:
        return f"urn:cloudbeds-spec:{doc}"

    def _locate(self, method: str, path: str) -> _Located:
        wanted = _operation_path(path)
        found = [loc for loc in self._ops if loc.op.path_template == wanted]
        if not found:
            raise SpecViolation(f"{method.upper()} {path}: no such operation in Cloudbeds' spec")
        for loc in found:
            if loc.op.method == method.upper():
                return loc
        allowed = ", ".join(sorted(loc.op.method for loc in found))
        raise SpecViolation(f"{method.upper()} {path}: Cloudbeds' {wanted} allows only {allowed}")

    # -- requests -----------------------------------------------------------------------

    def validate_request(  # type: ignore[override]
        self,
        method: str,
        path: str,
        query: Mapping[str, str | list[str]] | None = None,
        body: str | bytes | Mapping[str, str] | None = None,
        *,
        content_type: str = FORM,
        strict_fields: bool = True,
    ) -> SpecOperation:
        """Check a request; raise SpecViolation listing every problem.

        `body` is the form as sent (text, bytes, or a flat mapping of form keys to text);
        `content_type` is the request's Content-Type. strict_fields: report form fields the
        schema does not declare (a misspelt field would otherwise pass)."""
        loc = self._locate(method, path)
        op = loc.op
        problems: list[str] = []
        self._check_query(loc, self._parameters(loc), query or {}, problems)
        request_body = op.raw.get("requestBody")
        empty = body is None or body in ("", b"") or body == {}
        if request_body is None:
            if not empty:
                problems.append("body: the operation takes no request body")
        elif not empty:
            kinds = request_body.get("content", {})
            kind = content_type.split(";", 1)[0].strip().lower()
            if kind not in kinds:
                problems.append(f"body: the operation takes {', '.join(kinds)}, not {kind}")
            else:
                pointer = loc.pointer + _pointer("requestBody", "content", kind, "schema")
                try:
                    form = decode_form(body)  # type: ignore[arg-type]
                except SpecViolation as error:
                    problems.append(f"body: {error}")
                else:
                    value = self._typed(loc.doc, self._resolve(loc.doc, pointer), form)
                    problems += self._schema_problems(loc.doc, pointer, value, "body",
                                                      strict_fields)
        if problems:
            raise SpecViolation(f"{op} request:\n  " + "\n  ".join(problems))
        return op

    def _typed(self, doc: str, schema: Any, value: Any) -> Any:
        """Form text read as the types the schema declares, field by field."""
        expanded = list(self._expand(doc, schema))
        if isinstance(value, dict):
            props: dict[str, Any] = {}
            for s in expanded:
                props.update(s.get("properties") or {})
            return {k: self._typed(doc, props[k], v) if k in props else v
                    for k, v in value.items()}
        if isinstance(value, list):
            items = next((s["items"] for s in expanded if isinstance(s.get("items"), dict)), {})
            return [self._typed(doc, items, v) for v in value]
        kinds = [s["type"] for s in expanded if isinstance(s.get("type"), str)]
        kinds += [t for s in expanded if isinstance(s.get("type"), list) for t in s["type"]]
        for kind in kinds:
            if kind in ("integer", "number", "boolean"):
                return _coerce(value, {"type": kind})
        return value

    # -- responses ----------------------------------------------------------------------

    def validate_response(  # type: ignore[override]
        self,
        method: str,
        path: str,
        status: int,
        body: object | None,
        *,
        strict_fields: bool = True,
    ) -> SpecOperation:
        """Check an answer; raise SpecViolation if off. A success is checked against the
        operation's 200 schema (strict_fields: no field the spec does not declare); an error
        (any status but 200, or `success: false`) must be Cloudbeds' error shape."""
        loc = self._locate(method, path)
        op = loc.op
        problems: list[str] = []
        if not isinstance(body, dict):
            problems.append(f"body: Cloudbeds answers a JSON object, got {body!r}")
        elif status != 200 or body.get("success") is False:
            if body.get("success") is not False:
                problems.append(f"body.success: an error says false, got {body.get('success')!r}")
            if not isinstance(body.get("message"), str) or not body.get("message"):
                problems.append(f"body.message: an error says why, got {body.get('message')!r}")
            if status != 200 and not 400 <= status < 600:
                problems.append(f"status {status}: not an error status")
        else:
            if body.get("success") is not True:
                problems.append(f"body.success: must be true, got {body.get('success')!r}")
            responses: dict[str, Any] = op.raw.get("responses", {})
            if "200" not in responses:
                problems.append("status 200: not declared")
            else:
                pointer = loc.pointer + _pointer("responses", "200", "content", _JSON, "schema")
                problems += self._schema_problems(loc.doc, pointer, body, "body", strict_fields)
        if problems:
            raise SpecViolation(f"{op} response {status}:\n  " + "\n  ".join(problems))
        return op


@functools.cache
def _load_default() -> CloudbedsSpec:
    return CloudbedsSpec({SPEC_FILE: read_spec()})


def read_spec() -> dict[str, Any]:
    """Cloudbeds' v1.3 spec, parsed."""
    path = SPEC_DIR / f"{SPEC_FILE}.gz"
    if not path.is_file():
        raise FileNotFoundError(f"Cloudbeds' OpenAPI spec not found: expected {path}")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with gzip.open(path, "rt", encoding="utf-8") as text:
        document: dict[str, Any] = _as_json(yaml.load(text, Loader=loader))
    return document


def _as_json(node: Any) -> Any:
    """YAML reads `200:` as a number and `2020-01-01` as a date; JSON (and the spec's
    meaning) has text for both."""
    if isinstance(node, dict):
        return {str(k): _as_json(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_as_json(v) for v in node]
    if isinstance(node, datetime.date):
        return node.isoformat()
    return node


@functools.cache
def _webhook_validator() -> Any:
    schema = json.loads((SPEC_DIR / WEBHOOK_SCHEMA).read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def check_webhook(body: bytes | str | Mapping[str, Any]) -> str:
    """Check one webhook body against `webhooks.schema.json`; return its event name, or raise
    SpecViolation listing every problem (each naming the field)."""
    data = json.loads(body) if isinstance(body, bytes | str) else dict(body)
    if not isinstance(data, dict):
        raise SpecViolation(f"a Cloudbeds webhook body is a JSON object, got {data!r}")
    errors = sorted(_webhook_validator().iter_errors(data), key=lambda e: list(e.path))
    event = data.get("event")
    if errors:
        raise SpecViolation(f"webhook {event!r}:\n  " + "\n  ".join(
            f"body{str(e.json_path)[1:]}: {e.message}" for e in errors))
    return str(event)
