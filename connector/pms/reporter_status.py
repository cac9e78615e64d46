"""What `connector status` says about the reports back to the PMS."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, tzinfo

from connector.hotel_time import hotel_time
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


def reporter_status(store: Store, channel: Channel | None) -> ReporterStatus:
    """The reporter's state from the store alone (the CLI needs no running connector)."""
    return ReporterStatus(
        channel=channel,
        counts=store.outbox.pending_counts(),
        unknown_postings=store.outbox.unknown_postings(),
        failed=store.outbox.failed_reports(),
    )
