"""Cloudbeds' POST bodies: `application/x-www-form-urlencoded`, arrays by PHP's bracket
convention (`items[0][itemName]=Telephone`), read into nested values (every leaf is text)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

from connector.sandbox.cloudbeds.state import CloudbedsError

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_PART = re.compile(r"\[([^\[\]]*)\]")


def decode(body: str) -> dict[str, Any]:
    """The form as nested dicts and lists; CloudbedsError (400) for a key it cannot read."""
    root: dict[str, Any] = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        found = _KEY.match(key)
        if found is None:
            raise CloudbedsError(400, f"Malformed parameter {key}")
        parts = [found.group(1), *_PART.findall(found.group(2))]
        node: Any = root
        for part, nxt in zip(parts, [*parts[1:], None], strict=True):
            child: Any = value if nxt is None else [] if nxt == "" or nxt.isdigit() else {}
            if isinstance(node, list):
                if part == "" or (part.isdigit() and int(part) == len(node)):
                    node.append(child)
                elif not part.isdigit() or int(part) > len(node):
                    raise CloudbedsError(400, f"Malformed parameter {key}")
                node = node[-1] if part == "" else node[int(part)]
            elif isinstance(node, dict):
                node = node.setdefault(part, child)
            else:
                raise CloudbedsError(400, f"Malformed parameter {key}")
    return root
