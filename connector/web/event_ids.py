"""Which event ids the webhook accepts: ones that travel unchanged in a URL path segment
(`GET /v1/events/{id}`, the `Location` header), an HTTP header and a log line.

Ids the connector makes itself (FIAS, Zoom presence: `zoom-presence:<user>:<time>:<status>`
holds '+') are not held to this; wherever an id goes out, it is encoded (`id_in_path`).
"""

from __future__ import annotations

import re
from urllib.parse import quote

ID_PATTERN = r"^[A-Za-z0-9._:-]{1,128}$"
ID_RULE = ("1 to 128 characters, each a letter A-Z or a-z, a digit, or one of . _ : -")
_ID = re.compile(ID_PATTERN)
# Event fields that hold an id the PMS chose.
ID_FIELDS = ("id", "resync_id")


def is_safe_id(value: object) -> bool:
    """True when `value` is an id the webhook accepts."""
    return isinstance(value, str) and _ID.fullmatch(value) is not None


def id_in_path(event_id: str) -> str:
    """`event_id` as one URL path segment (every id, accepted or made internally)."""
    return quote(event_id, safe="")


def shown(value: str, limit: int = 40) -> str:
    """A refused id as a message may quote it: printable ASCII only, shortened."""
    text = value.encode("ascii", "backslashreplace").decode("ascii")
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return text if len(text) <= limit else text[:limit] + "..."
