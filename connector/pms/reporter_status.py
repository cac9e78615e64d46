"""What `connector status` says about the reports back to the PMS."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, timedelta, tzinfo

from connector.hotel_time import hotel_time
from connector.pms.night_audit import META_KEY, NightAudit
from connector.store import Channel, OutboxCounts, Report, Store

NO_CHANNEL_HINT = (
    "set CONNECTOR_FIAS__MODE (a FIAS link) or CONNECTOR_REPORTER__CALLBACK_URL (a webhook PMS)"
)


@dataclass(frozen=True)
class ReporterStatus:
    """The outbox as the front desk and support need it."""

    channel: Channel | None
    counts: OutboxCounts
    unknown_postings: list[Report]
    failed: list[Report]
    night_audit: NightAudit | None = None
    held_postings: int = 0
    night_audit_max_hours: float | None = None

    @property
    def waiting(self) -> int:
        """Reports not yet delivered."""
        return self.counts.total("pending")

    def problems(self, tz: tzinfo = UTC) -> list[str]:
        """One line per thing a person should look at (empty: all is well); times in `tz`,
        the hotel's zone."""
        lines: list[str] = []
        if self.channel is None and self.waiting:
            lines.append(f"{self.waiting} report(s) to the PMS are kept but no channel is "
                         f"configured: {NO_CHANNEL_HINT}.")
        if self.night_audit is not None:
            lines.append(self._held_for_night_audit(self.night_audit, tz))
        for posting in self.unknown_postings:
            when = posting.sent_at or posting.created_at
            lines.append(
                f"Posting P#{posting.p_number} (room {posting.room}, "
                f"{posting.payload.get('amount_minor')} minor units, sent {hotel_time(when, tz)}) "
                "got no answer: check the room's folio in the PMS; it will not be sent again."
            )
        if self.failed:
            rooms = ", ".join(sorted({r.room for r in self.failed}))
            lines.append(f"{len(self.failed)} report(s) were refused by the PMS (rooms "
                         f"{rooms}); see the connector's log for its answers.")
        return lines

    def _held_for_night_audit(self, audit: NightAudit, tz: tzinfo) -> str:
        why = "NS from the PMS" if audit.cause == "NS" else "a posting refused with PA AS NA"
        line = (f"{self.held_postings} posting(s) held for the PMS's night audit ({why}) since "
                f"{hotel_time(audit.since, tz)}; they go when it ends (NE)")
        if self.night_audit_max_hours is not None:
            retry = audit.since + timedelta(hours=self.night_audit_max_hours)
            line += f", or are tried again at {hotel_time(retry, tz)} if no NE comes"
        return line + "."


def reporter_status(store: Store, channel: Channel | None, *,
                    night_audit_max_hours: float | None = None) -> ReporterStatus:
    """The reporter's state from the store alone (the CLI needs no running connector)."""
    stored = store.meta(META_KEY) if channel == "fias" else None
    audit = None if stored is None else NightAudit.from_text(stored)
    return ReporterStatus(
        channel=channel,
        counts=store.outbox.pending_counts(),
        unknown_postings=store.outbox.unknown_postings(),
        failed=store.outbox.failed_reports(),
        night_audit=audit,
        held_postings=0 if audit is None else store.outbox.count("pending", "posting"),
        night_audit_max_hours=night_audit_max_hours,
    )
