"""What the account worker delivers to a hotel's `POST /v1/account/feed`, as JSON. Pure.

Two kinds: a day's voicemail listing of the hotel's extensions (`voicemail_listing`: the rows
of Zoom's account-wide `GET /phone/voice_mails` that are the hotel's, over [begin, end); the
hotel's nightly sweep repairs its index from it and purges what was left behind), and call
rows (`call_rows`: rows of `GET /phone/call_history` for the hotel's call accounting). Rows
are Zoom's, unchanged: the hotel reads them with the code that reads its own listings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

VOICEMAIL_LISTING = "voicemail_listing"
CALL_ROWS = "call_rows"
# A hotel's day of voicemails or a window of calls; more is refused (a forged body, a bug).
MAX_ROWS = 100_000


class FeedInvalid(ValueError):
    """The body is not a feed document; the message says what is off."""


@dataclass(frozen=True)
class VoicemailListing:
    day: date
    begin: datetime
    end: datetime
    rows: list[dict[str, Any]]


@dataclass(frozen=True)
class CallRows:
    window: str  # the job's key: the listing window's start
    rows: list[dict[str, Any]]


Feed = VoicemailListing | CallRows


def encode(feed: Feed) -> bytes:
    """The document's bytes."""
    if isinstance(feed, VoicemailListing):
        value: dict[str, Any] = {"kind": VOICEMAIL_LISTING, "day": feed.day.isoformat(),
                                 "begin": feed.begin.isoformat(), "end": feed.end.isoformat(),
                                 "rows": feed.rows}
    else:
        value = {"kind": CALL_ROWS, "window": feed.window, "rows": feed.rows}
    return json.dumps(value, separators=(",", ":"), sort_keys=True).encode()


def decode(body: bytes) -> Feed:
    """The document in `body` (already proven to come from the worker)."""
    try:
        value = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FeedInvalid(f"The body is not JSON: {error}.") from None
    if not isinstance(value, dict):
        raise FeedInvalid("The body must be a JSON object.")
    rows = value.get("rows")
    if not isinstance(rows, list) or len(rows) > MAX_ROWS or not all(
            isinstance(row, dict) for row in rows):
        raise FeedInvalid(f"`rows` must be a list of at most {MAX_ROWS} objects.")
    kind = value.get("kind")
    try:
        if kind == VOICEMAIL_LISTING:
            begin = datetime.fromisoformat(str(value["begin"]))
            end = datetime.fromisoformat(str(value["end"]))
            if begin.tzinfo is None or end.tzinfo is None or end < begin:
                raise FeedInvalid("`begin` and `end` must be times with a zone, in order.")
            return VoicemailListing(day=date.fromisoformat(str(value["day"])), begin=begin,
                                    end=end, rows=rows)
        if kind == CALL_ROWS:
            window = value.get("window")
            if not isinstance(window, str) or not 1 <= len(window) <= 64:
                raise FeedInvalid("`window` must be a short string.")
            return CallRows(window=window, rows=rows)
    except (KeyError, ValueError) as error:
        if isinstance(error, FeedInvalid):
            raise
        raise FeedInvalid(f"A field of the {kind} document is missing or wrong: {error}.") from (
            None)
    raise FeedInvalid(f"`kind` must be {VOICEMAIL_LISTING} or {CALL_ROWS}.")
