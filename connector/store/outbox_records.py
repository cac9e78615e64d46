"""What the outbox hands back: the names of its channels, kinds and states, and its rows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, get_args

Channel = Literal["fias", "webhook", "cloud"]
ReportKind = Literal["wakeup_answer", "wakeup_set", "wakeup_clear", "maid_status", "posting",
                     "guest_service"]
# pending: waiting to go out (or for a retry); sent: handed over (a posting then waits for
# its answer); answered: a posting's answer came; unknown: a posting that may or may not be
# on the folio (never re-sent); failed: the PMS refused the report for good.
ReportState = Literal["pending", "sent", "answered", "unknown", "failed"]

CHANNELS: tuple[Channel, ...] = get_args(Channel)
REPORT_KINDS: tuple[ReportKind, ...] = get_args(ReportKind)
REPORT_STATES: tuple[ReportState, ...] = get_args(ReportState)


@dataclass(frozen=True)
class NewReport:
    """A report not yet kept: what `Store.ingest` adds to the outbox in the same transaction
    as the event behind it, so a crash cannot keep the one without the other."""

    kind: ReportKind
    room: str
    payload: Mapping[str, object]
    channel: Channel | None


@dataclass(frozen=True)
class Report:
    """One row of the outbox. `payload` is the report's own data (see `connector.pms.reports`);
    `p_number` is set for postings only; `answer` is a posting's AS, or the PMS's words when
    it refused a report."""

    id: int
    channel: Channel | None  # None: made while no channel was configured
    kind: ReportKind
    room: str
    payload: Mapping[str, object]
    created_at: datetime
    state: ReportState
    attempts: int
    next_attempt_at: datetime
    sent_at: datetime | None
    last_error: str | None
    p_number: int | None
    answer: str | None


@dataclass(frozen=True)
class OutboxCounts:
    """How many reports are in each state, per channel (for `connector status` and metrics).
    `by_channel[channel][state]`; a state with no reports is 0."""

    by_channel: Mapping[str, Mapping[ReportState, int]]

    def total(self, state: ReportState) -> int:
        """Reports in `state` over every channel."""
        return sum(states.get(state, 0) for states in self.by_channel.values())
