"""What is personal in each record the store keeps, and the record with it blanked (pure).

Personal: a guest's title, names, VIP text and language (in the bodies of check-ins and
guest changes) and the number a room dialled (in a call and in its posting's payload). What
the hotel and the connector still need stays: event ids and types, rooms, reservation
numbers, times, outcomes, amounts and P#s. A blanked field keeps its place, empty, so every
record still reads as the model it was written from.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from typing import Any

GUEST_FIELDS = ("title", "first_name", "last_name", "vip", "language")
# Only these events carry guests; every other body holds no personal data.
NAMED_EVENT_TYPES = ("check_in", "guest_change")


@dataclass(frozen=True)
class Erased:
    """How many records of each kind had personal data blanked (0 everywhere: none left)."""

    event_bodies: int = 0
    calls: int = 0
    postings: int = 0
    journal_entries: int = 0
    # Not erased yet: postings still waiting for the PMS's answer keep the dialled number
    # (FIAS sends it) until the first daily run after the answer.
    postings_waiting: int = 0

    def __add__(self, other: Erased) -> Erased:
        return Erased(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    @property
    def total(self) -> int:
        return sum(getattr(self, name) for name in _ERASED)

    def lines(self) -> list[str]:
        """One line per kind erased, as the command says it."""
        return [f"{name.replace('_', ' ')}: {getattr(self, name)}" for name in _ERASED]


_ERASED = ("event_bodies", "calls", "postings", "journal_entries")


def blank_event_body(body: str) -> str | None:
    """The stored event JSON with every guest's personal fields emptied; None when it has
    none left (already blanked, or an event without guests)."""
    data = json.loads(body)
    guests = data.get("guests") if isinstance(data, dict) else None
    if not isinstance(guests, list):
        return None
    changed = False
    for guest in guests:
        for name in GUEST_FIELDS:
            if isinstance(guest, dict) and guest.get(name):
                guest[name] = ""
                changed = True
    return _json(data) if changed else None


def blank_posting_payload(payload: str) -> str | None:
    """A posting's payload without the dialled number; None when it has none."""
    data = json.loads(payload)
    if not isinstance(data, dict) or not data.get("dialled"):
        return None
    data["dialled"] = ""
    return _json(data)


def blank_journal_detail(detail: str) -> str | None:
    """A journal entry without the names it holds when CONNECTOR_RECONCILE__JOURNAL_NAMES is
    on (every key ending in "name"); None when it holds none."""
    data = json.loads(detail)
    if not isinstance(data, dict):
        return None
    kept = {key: value for key, value in data.items() if not key.endswith("name")}
    return _json(kept) if len(kept) != len(data) else None


def has_personal_data(body: str) -> bool:
    """Whether a stored event body still names anyone (for checks and the benchmark)."""
    return blank_event_body(body) is not None


def _json(data: Any) -> str:
    # Compact and unescaped, as pydantic wrote the record.
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
