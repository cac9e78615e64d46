"""What the vendor spec oracles (Zoom, OHIP, Cloudbeds) share: JSON pointers, turning a
Swagger/OpenAPI schema into JSON Schema draft 4, reading text values as their schema's
type, and checking an instance against a schema inside a registered document.

Each oracle keeps its own routing, parameters and responses: those differ by vendor.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import quote, urlsplit

import jsonschema  # type: ignore[import-untyped]

_INT_RE = re.compile(r"[+-]?\d+")


def pointer(*parts: str) -> str:
    """A JSON pointer to `parts`, each escaped as RFC 6901 asks."""
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in parts)


def to_json_schema(
    node: Any,
    *,
    nullable: str,
    name_maps: Collection[str],
    one_of_as_any_of: bool,
    keys_are_names: bool = False,
) -> Any:
    """Adapt a Swagger/OpenAPI document so JSON Schema draft 4 means what the vendor meant.

    `nullable` is the dialect's keyword (`nullable`, `x-nullable`); `name_maps` are the keys
    whose children are names, not keywords (`properties`, Swagger's `definitions`).
    """
    def again(value: Any, names: bool = False) -> Any:
        return to_json_schema(value, nullable=nullable, name_maps=name_maps,
                              one_of_as_any_of=one_of_as_any_of, keys_are_names=names)

    if isinstance(node, list):
        return [again(x) for x in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if keys_are_names:  # the keys of `properties` are field names, not keywords
            out[key] = again(value)
        elif key in ("example", "examples") or key.startswith("x-"):
            out[key] = value  # data, not schema
        elif one_of_as_any_of and key == "oneOf" and "anyOf" not in node:
            out["anyOf"] = again(value)
        else:
            out[key] = again(value, names=key in name_maps)
    if not keys_are_names and out.get(nullable) is True:
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
        if isinstance(out.get("enum"), list) and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
    return out


def segments(path: str) -> list[str]:
    """A concrete or template path, or a full URL, as its path segments."""
    if "://" in path:
        path = urlsplit(path).path
    path = path.split("?", 1)[0].split("#", 1)[0]
    if not path.startswith("/"):
        path = "/" + path
    return path.split("/")[1:]


def is_empty(body: object | None) -> bool:
    """No body at all, however the caller spelled it."""
    return body is None or body == "" or body == b""


def coerce(value: Any, schema: Mapping[str, Any]) -> Any:
    """Path, query, header and form values arrive as text; read them as the schema's type."""
    if not isinstance(value, str):
        return value
    kind = schema.get("type")
    if kind == "integer" and _INT_RE.fullmatch(value):
        return int(value)
    if kind == "number":
        try:
            return float(value)
        except ValueError:
            return value
    if kind == "boolean" and value in ("true", "false"):
        return value == "true"
    return value


class SchemaChecks:
    """Schema validation against documents held in a `referencing` registry.

    The oracle sets `_docs` (name -> parsed document), `_registry` and `_validators`, and
    names each document's URI in `_uri`.
    """

    _docs: Mapping[str, Any]
    _registry: Any
    _validators: dict[tuple[str, str], Any]

    @staticmethod
    def _uri(doc: str) -> str:
        raise NotImplementedError

    def _schema_problems(
        self, doc: str, pointer: str, instance: Any, where: str, strict_fields: bool = False
    ) -> list[str]:
        validator = self._validator(doc, pointer)
        problems = []
        for error in sorted(validator.iter_errors(instance), key=lambda e: list(e.path)):
            problems.append(f"{where}{str(error.json_path)[1:]}: {error.message}")
        if strict_fields:
            problems += self._undeclared_fields(
                doc, [self._resolve(doc, pointer)], instance, where
            )
        return problems

    def _validator(self, doc: str, pointer: str) -> Any:
        key = (doc, pointer)
        validator = self._validators.get(key)
        if validator is None:
            # A $ref into the registered document, so `#/components/...` refs resolve there.
            ref = {"$ref": self._uri(doc) + "#" + quote(pointer, safe="/~:")}
            validator = jsonschema.Draft4Validator(ref, registry=self._registry)
            self._validators[key] = validator
        return validator

    def _resolve(self, doc: str, pointer: str) -> Any:
        node: Any = self._docs[doc]
        for part in pointer.split("/")[1:]:
            part = part.replace("~1", "/").replace("~0", "~")
            node = node[int(part)] if isinstance(node, list) else node[part]
        return node

    def _expand(self, doc: str, schema: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
        """The schema and every schema combined into it (allOf/anyOf, $ref followed)."""
        if not isinstance(schema, dict) or depth > 32:
            return
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#"):
            yield from self._expand(doc, self._resolve(doc, ref[1:]), depth + 1)
            return
        yield schema
        for keyword in ("allOf", "anyOf", "oneOf"):
            for sub in schema.get(keyword, ()):
                yield from self._expand(doc, sub, depth + 1)

    def _undeclared_fields(
        self, doc: str, schemas: Sequence[Any], instance: Any, where: str
    ) -> list[str]:
        """Fields not named in any `properties` that applies here (all alternatives count)."""
        expanded = [s for schema in schemas for s in self._expand(doc, schema)]
        problems: list[str] = []
        if isinstance(instance, dict):
            declared: dict[str, list[Any]] = {}
            open_ended = False
            for s in expanded:
                for name, sub in (s.get("properties") or {}).items():
                    declared.setdefault(name, []).append(sub)
                if s.get("additionalProperties") not in (None, False):
                    open_ended = True
            has_properties = any("properties" in s for s in expanded)
            for name, value in instance.items():
                if name in declared:
                    problems += self._undeclared_fields(
                        doc, declared[name], value, f"{where}.{name}"
                    )
                elif has_properties and not open_ended:
                    known = ", ".join(sorted(declared)) or "none"
                    problems.append(
                        f"{where}.{name}: field not declared by the spec (known: {known})"
                    )
        elif isinstance(instance, list):
            items = [s["items"] for s in expanded if isinstance(s.get("items"), dict)]
            if items:
                for i, value in enumerate(instance):
                    problems += self._undeclared_fields(doc, items, value, f"{where}[{i}]")
        return problems


async def recorded(app: Any, scope: Any, receive: Any, send: Any) -> tuple[bytes, int, bytes]:
    """Pass one ASGI exchange through `app`, keeping a copy: (request body, status,
    response body), for an oracle to check afterwards."""
    request_body, response_body = bytearray(), bytearray()
    status = 0

    async def recording_receive() -> Any:
        message = await receive()
        if message["type"] == "http.request":
            request_body.extend(message.get("body", b""))
        return message

    async def recording_send(message: Any) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            response_body.extend(message.get("body", b""))
        await send(message)

    await app(scope, recording_receive, recording_send)
    return bytes(request_body), status, bytes(response_body)
