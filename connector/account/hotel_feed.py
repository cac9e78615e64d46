"""The hotel's side of the account worker's feed: what `POST /v1/account/feed` keeps, on disk,
before it answers 2xx.

- A day's voicemail listing is kept whole in the store's meta (the newest day wins; the same
  day delivered twice is kept once); the hotel's nightly sweep applies it (`FedVoicemails`)
  and deletes what rooms left behind itself: deletions stay with the hotel's single writer.
- Call rows go one by one to call accounting's intake, keyed by Zoom's call id (a row
  delivered twice is one call), as the hotel's own poll would hand them.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import date

from connector.account import feed
from connector.billing.call import CallRowInvalid, CallSink, from_history_row
from connector.store import Store

log = logging.getLogger("connector.account.feed")

FED_VOICEMAILS_KEY = "account.feed.voicemail_listing"
# The kept listing's day alone: the sweep looks every minute without parsing the listing.
FED_DAY_KEY = "account.feed.voicemail_listing.day"


class FedVoicemails:
    """The latest voicemail listing the group's worker delivered, kept in the store."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def latest(self) -> feed.VoicemailListing | None:
        raw = self._store.meta(FED_VOICEMAILS_KEY)
        if raw is None:
            return None
        found = feed.decode(raw.encode())
        return found if isinstance(found, feed.VoicemailListing) else None

    def latest_day(self) -> date | None:
        raw = self._store.meta(FED_DAY_KEY)
        return None if raw is None else date.fromisoformat(raw)

    def keep(self, listing: feed.VoicemailListing) -> str:
        """"stored" (committed), or "duplicate"/"older" (kept as it was)."""
        kept = self.latest_day()
        if kept is not None and kept > listing.day:
            return "older"
        if kept is not None and kept == listing.day:
            return "duplicate"
        # The listing first: a crash before the day is written only makes the next delivery
        # of the same day be stored again.
        self._store.set_meta(FED_VOICEMAILS_KEY, feed.encode(listing).decode())
        self._store.set_meta(FED_DAY_KEY, listing.day.isoformat())
        return "stored"


class FeedTaker:
    """Keeps what the worker delivers; `take` returns once it is on disk."""

    def __init__(self, voicemails: FedVoicemails, calls: CallSink | None) -> None:
        self._voicemails = voicemails
        self._calls = calls

    def take(self, document: feed.Feed) -> dict[str, int]:
        """What was made of each row (or of the listing), counted by outcome."""
        if isinstance(document, feed.VoicemailListing):
            return {self._voicemails.keep(document): 1}
        outcomes: Counter[str] = Counter()
        if self._calls is None:
            # Call accounting is off at this hotel: nothing to keep.
            return {"ignored": len(document.rows)}
        for row in document.rows:
            try:
                call = from_history_row(row)
            except CallRowInvalid as error:
                log.warning("a call row from the account worker cannot be read",
                            extra={"error": str(error)})
                outcomes["invalid"] += 1
                continue
            outcomes[self._calls.take(call, "poll")] += 1
        return dict(outcomes)
