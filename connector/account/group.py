"""The group file: which hotels share the Zoom account, where their connectors are, and what
of Zoom's is theirs (a site id, extension ranges, an e-mail domain). YAML or CSV, read once
at start-up; no I/O beyond reading the file.

YAML:

    hotels:
      - id: lisbon
        url: http://connector-lisbon.hotels:8080
        site_id: 8f71O6rWT8KFUGQmJIFAdQ
        extensions: 100-199, 900
        email_domain: lisbon.example.com
        secret_env: ZOOM_SECRET_LISBON

CSV: a header row with the same names (`id,url,site_id,extensions,email_domain,secret_env`).
`secret_env` names the environment variable holding the hotel's own Zoom secret token (the
intake re-signs with it); empty: the account's own token (CONNECTOR_ZOOM__WEBHOOK_SECRET_TOKEN).
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

_ID = re.compile(r"[A-Za-z0-9_.-]{1,64}")
_RANGE = re.compile(r"\s*([0-9]{1,15})\s*(?:-\s*([0-9]{1,15})\s*)?")
_ENV = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")


class GroupFileError(ValueError):
    """The group file cannot be used; the message names the row and what to fix."""


@dataclass(frozen=True)
class Hotel:
    """One hotel of the group."""

    hotel_id: str
    base_url: str
    site_id: str | None = None
    extensions: tuple[tuple[int, int], ...] = ()
    email_domain: str | None = None
    secret_env: str | None = None

    def owns_extension(self, number: str) -> bool:
        """Whether `number` (digits) falls within one of the hotel's extension ranges."""
        if not number.isdigit():
            return False
        value = int(number)
        return any(low <= value <= high for low, high in self.extensions)


@dataclass(frozen=True)
class Group:
    """The hotels of one Zoom account."""

    hotels: tuple[Hotel, ...]

    def hotel(self, hotel_id: str) -> Hotel | None:
        return next((h for h in self.hotels if h.hotel_id == hotel_id), None)


def load_group(path: Path) -> Group:
    """Read a group file (`.csv`, otherwise YAML)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise GroupFileError(f"The group file {path} cannot be read: {error.strerror}.") from None
    return parse_csv(text) if path.suffix.lower() == ".csv" else parse_yaml(text)


def parse_yaml(text: str) -> Group:
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise GroupFileError(f"The group file is not YAML: {error}") from None
    rows = value.get("hotels") if isinstance(value, dict) else None
    if not isinstance(rows, list):
        raise GroupFileError("The group file must have a `hotels:` list.")
    return _group(rows)


def parse_csv(text: str) -> Group:
    return _group(list(csv.DictReader(io.StringIO(text))))


def _group(rows: Iterable[Any]) -> Group:
    hotels: list[Hotel] = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, Mapping):
            raise GroupFileError(f"Hotel {number} of the group file is not a mapping.")
        hotels.append(_hotel(number, row))
    if not hotels:
        raise GroupFileError("The group file lists no hotel.")
    _check_unique(hotels)
    return Group(tuple(hotels))


def _text(row: Mapping[str, Any], name: str) -> str | None:
    value = row.get(name)
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _hotel(number: int, row: Mapping[str, Any]) -> Hotel:
    hotel_id = _text(row, "id")
    if hotel_id is None or not _ID.fullmatch(hotel_id):
        raise GroupFileError(f"Hotel {number}: `id` must be 1-64 letters, digits, . _ or -.")
    url = _text(row, "url")
    if url is None or not url.startswith(("http://", "https://")):
        raise GroupFileError(f"Hotel {hotel_id}: `url` must be the connector's http(s) base URL.")
    secret_env = _text(row, "secret_env")
    if secret_env is not None and not _ENV.fullmatch(secret_env):
        raise GroupFileError(f"Hotel {hotel_id}: `secret_env` must name an environment variable.")
    domain = _text(row, "email_domain")
    hotel = Hotel(hotel_id=hotel_id, base_url=url.rstrip("/"), site_id=_text(row, "site_id"),
                  extensions=_ranges(hotel_id, _text(row, "extensions")),
                  email_domain=None if domain is None else domain.lower().lstrip("@"),
                  secret_env=secret_env)
    if hotel.site_id is None and not hotel.extensions:
        raise GroupFileError(f"Hotel {hotel_id}: give its Zoom `site_id`, its `extensions` "
                             "(e.g. 100-199, 900) or both, so events can be routed to it.")
    return hotel


def _ranges(hotel_id: str, text: str | None) -> tuple[tuple[int, int], ...]:
    if text is None:
        return ()
    ranges: list[tuple[int, int]] = []
    for part in text.split(","):
        found = _RANGE.fullmatch(part)
        if found is None:
            raise GroupFileError(f"Hotel {hotel_id}: `{part.strip()}` is not an extension or a "
                                 "range such as 100-199.")
        low = int(found.group(1))
        high = int(found.group(2) or found.group(1))
        if high < low:
            raise GroupFileError(f"Hotel {hotel_id}: the range {low}-{high} is backwards.")
        ranges.append((low, high))
    return tuple(ranges)


def _check_unique(hotels: list[Hotel]) -> None:
    seen: dict[str, str] = {}
    sites: dict[str, str] = {}
    for hotel in hotels:
        if hotel.hotel_id in seen:
            raise GroupFileError(f"Hotel {hotel.hotel_id} is listed twice.")
        seen[hotel.hotel_id] = hotel.hotel_id
        if hotel.site_id is not None:
            if hotel.site_id in sites:
                raise GroupFileError(f"Hotels {sites[hotel.site_id]} and {hotel.hotel_id} have "
                                     "the same site_id.")
            sites[hotel.site_id] = hotel.hotel_id
    spans = sorted((low, high, h.hotel_id) for h in hotels for low, high in h.extensions)
    for (_, high, first), (low, _, second) in itertools.pairwise(spans):
        if low <= high:
            raise GroupFileError(f"Hotels {first} and {second} have overlapping extension "
                                 "ranges: an event could not be routed.")
