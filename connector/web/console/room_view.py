"""One room's page as data: its guests, its wake-ups, and its history split the way the
desk asks about it (events, wake-up calls, changes in Zoom, reports to the PMS, calls and
charges, alerts, staff actions by name). Pure: the route reads the store; the words come
from the audit trail (`connector.store.audit_sources`), which holds no guest name, so only
the guests' list here names anyone (and the page is for signed-in staff only)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from connector.events.models import HousekeepingStatus
from connector.rooms.state import RoomState
from connector.store.audit import AuditEntry
from connector.store.wakeups import WakeupAttempt, WakeupJob
from connector.web.console.grid import RoomRow, guest_name, vip_badge

# How much history the page shows (the audit trail keeps far more: `connector audit ROOM`).
HISTORY_DAYS = 14
PER_SECTION = 30

# The audit trail's kinds, as the page's sections, in the order they are shown.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("event", "Events"),
    ("wake-up", "Wake-up calls: scheduled, and how each ended"),
    ("zoom", "Changes made in Zoom, and why"),
    ("report", "Told to the PMS"),
    ("call", "Calls and charges"),
    ("alert", "Alerts"),
    ("console", "Done from the console"),
    ("erasure", "Guests' personal data erased"),
)

HOUSEKEEPING_LABELS: dict[HousekeepingStatus, str] = {
    HousekeepingStatus.DIRTY: "Dirty",
    HousekeepingStatus.CLEAN: "Clean",
    HousekeepingStatus.INSPECTED: "Inspected",
    HousekeepingStatus.OUT_OF_ORDER: "Out of order",
    HousekeepingStatus.MAINTENANCE: "Maintenance",
}

_JOB_STATES = {"pending": "waiting to ring", "calling": "ringing now", "done": "finished",
               "cancelled": "cancelled"}


@dataclass(frozen=True)
class GuestLine:
    name: str
    vip: str
    language: str

    @property
    def vip_badge(self) -> str:
        return vip_badge(self.vip)


@dataclass(frozen=True)
class StayLine:
    reservation: str
    guests: tuple[GuestLine, ...]
    arrival: date | None
    departure: date | None
    checked_in_at: datetime


@dataclass(frozen=True)
class AttemptLine:
    """One call of a wake-up: when it rang and how it ended, in words ("" while ringing)."""

    number: int
    started_at: datetime
    outcome: str


@dataclass(frozen=True)
class WakeupLine:
    at: datetime
    state: str
    attempts: int
    last_outcome: str
    answer: str
    calls: tuple[AttemptLine, ...] = ()


@dataclass(frozen=True)
class Section:
    kind: str
    title: str
    entries: tuple[AuditEntry, ...]


@dataclass(frozen=True)
class RoomPage:
    row: RoomRow
    stays: tuple[StayLine, ...]
    wakeups: tuple[WakeupLine, ...]
    sections: tuple[Section, ...]
    dnd_until: datetime | None


def room_page(row: RoomRow, state: RoomState | None, jobs: Iterable[WakeupJob],
              trail: Sequence[AuditEntry],
              attempts: Mapping[int, Sequence[WakeupAttempt]] | None = None) -> RoomPage:
    """The page's content; `trail` oldest first (as the store gives it), shown newest first,
    at most PER_SECTION entries a section; each wake-up lists its calls (`attempts`, by
    job id) first call first."""
    attempts = attempts or {}
    state = state or RoomState(room=row.room)
    stays = tuple(
        StayLine(reservation=stay.reservation or "(the room's stay)",
                 guests=tuple(GuestLine(guest_name(g), g.vip, g.language) for g in stay.guests),
                 arrival=stay.arrival, departure=stay.departure,
                 checked_in_at=stay.checked_in_at)
        for stay in state.stays)
    wakeups = tuple(
        WakeupLine(at=job.requested_at, state=_JOB_STATES.get(job.state, job.state),
                   attempts=job.attempts, last_outcome=(job.last_outcome or "").replace("_", " "),
                   answer=(job.answer or "").replace("_", " "),
                   calls=tuple(AttemptLine(number=a.attempt, started_at=a.started_at,
                                           outcome=(a.outcome or "").replace("_", " "))
                               for a in attempts.get(job.id, ())))
        for job in sorted(jobs, key=lambda j: (j.requested_at, j.id), reverse=True)[:PER_SECTION])
    newest_first = list(reversed(trail))
    sections = tuple(
        Section(kind, title, tuple(e for e in newest_first if e.kind == kind)[:PER_SECTION])
        for kind, title in SECTIONS)
    return RoomPage(row=row, stays=stays, wakeups=wakeups, sections=sections,
                    dnd_until=state.dnd.until if state.dnd.on else None)
