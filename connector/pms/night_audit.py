"""The PMS's night audit: while it runs, call-charge postings (PS) wait.

FIAS brackets the audit with NS … NE, and a PMS may refuse postings meanwhile with PA AS NA
(pms-facts §1.0). Some PMSs refuse with NA without ever sending NS: that counts as an audit
started at the refusal. Either way postings wait until NE, or until the audit has lasted
`max_hours` (an NE lost with the link must not hold the folio charges for ever): then they
are tried again, with a warning.

The state is kept in the store's meta, so a restart in the middle of the audit still holds.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from connector.clock import Clock
from connector.store import Store

log = logging.getLogger("connector.pms.reporter")

META_KEY = "fias.night_audit"

# NS: the PMS said so; NA: a posting was refused for the audit with no NS seen.
Cause = Literal["NS", "NA"]


@dataclass(frozen=True)
class NightAudit:
    """A night audit in progress, as far as the connector knows."""

    since: datetime
    cause: Cause

    def to_text(self) -> str:
        return f"{self.cause} {self.since.isoformat()}"

    @classmethod
    def from_text(cls, text: str) -> NightAudit | None:
        """None for a value this version cannot read (it then holds nothing)."""
        cause, _, since = text.partition(" ")
        if cause not in ("NS", "NA"):
            return None
        try:
            at = datetime.fromisoformat(since)
        except ValueError:
            return None
        return cls(since=at, cause="NS" if cause == "NS" else "NA") if at.tzinfo else None


class NightAuditHold:
    """Whether postings wait for a night audit. One per reporter; the FIAS door's NS/NE and
    the PMS's NA answers drive it, the FIAS pump asks it."""

    def __init__(self, store: Store, *, clock: Clock, max_hours: float) -> None:
        self._store = store
        self._clock = clock
        self.max_duration = timedelta(hours=max_hours)
        stored = store.meta(META_KEY)
        self._audit = None if stored is None else NightAudit.from_text(stored)

    @property
    def audit(self) -> NightAudit | None:
        """The audit postings wait for (None: they go); one past `max_hours` is ended here."""
        audit = self._audit
        if audit is not None and self._clock.now() >= audit.since + self.max_duration:
            log.warning(
                "night audit not ended after %g h: postings are tried again",
                self.max_duration.total_seconds() / 3600,
                extra={"since": audit.since.isoformat(), "cause": audit.cause})
            self._set(None)
            return None
        return audit

    @property
    def holding(self) -> bool:
        return self.audit is not None

    def in_progress(self) -> bool:
        """Like `holding`, but touches neither the store nor the log: for the metrics
        scrape, which may run on another thread."""
        audit = self._audit
        return audit is not None and self._clock.now() < audit.since + self.max_duration

    def held_seconds(self) -> float:
        """How long postings have been held (0: they go); like `in_progress`, for the scrape."""
        audit = self._audit
        if audit is None or not self.in_progress():
            return 0.0
        return max(0.0, (self._clock.now() - audit.since).total_seconds())

    def lapses_at(self) -> datetime | None:
        """When postings are tried again if no NE comes (None: no audit)."""
        audit = self.audit
        return None if audit is None else audit.since + self.max_duration

    def started(self, cause: Cause) -> bool:
        """The PMS began its night audit (NS), or refused a posting for one (NA). True when
        this starts the hold; an NS during a hold begun by NA restarts its time limit."""
        current = self.audit
        if current is not None and not (cause == "NS" and current.cause == "NA"):
            return False
        self._set(NightAudit(since=self._clock.now(), cause=cause))
        if current is None:
            log.info("night audit started: postings to the PMS are held until it ends",
                     extra={"cause": cause})
        return current is None

    def ended(self) -> bool:
        """NE: the audit is over. True when postings were held."""
        if self._audit is None:
            return False
        self._set(None)
        log.info("night audit ended: held postings go to the PMS now")
        return True

    def _set(self, audit: NightAudit | None) -> None:
        self._store.set_meta(META_KEY, None if audit is None else audit.to_text())
        self._audit = audit
