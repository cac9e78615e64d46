"""One link's records -> canonical events: the little state `mapping.to_events` needs.

It knows the link session (a fresh id at every `LinkUp`), numbers each record received (the
receipt tag), and keeps the resync window open from DS to DE. If any record inside the window
could not be mapped, DE is refused: sweeping the rooms on an incomplete snapshot would check
out guests who are in house. Per session it also notices the fields the PMS sends that are not
used (each new one once) and whether the PMS keys guests by reservation (G#) or by room.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo

from connector.events.models import AnyEvent
from connector.pms.fias.codec import Record
from connector.pms.fias.errors import MappingError
from connector.pms.fias.fields_used import unused_fields
from connector.pms.fias.mapping import to_events

GUEST_RECORDS = frozenset({"GI", "GO", "GC"})


class GuestKey(enum.StrEnum):
    """How the PMS tells guests apart (FIAS G# is configured per site in its LR)."""

    RESERVATION = "reservation"
    ROOM = "room"


@dataclass(frozen=True, slots=True)
class Noticed:
    """What one record says about the link, beside its events: the fields not used (and
    which of them are new this link session, to be logged once), and the guest key when
    this record is the first guest record of the session."""

    unused: tuple[str, ...] = ()
    first_unused: tuple[str, ...] = ()
    guest_key: GuestKey | None = None


def _new_session() -> str:
    return uuid.uuid4().hex[:16]


class InboundTranslator:
    """Call `link_up()` on every `LinkUp`, then `notice()` each record and `translate()` each
    one in `EVENT_TYPES`."""

    def __init__(
        self, *, tz: tzinfo, new_session: Callable[[], str] = _new_session
    ) -> None:
        self.tz = tz
        self._new_session = new_session
        self._session = new_session()
        self._received = 0
        self._resync: str | None = None
        self._failed_in_resync = 0
        self._unused_seen: set[tuple[str, str]] = set()
        self.guest_key: GuestKey | None = None

    @property
    def resync_open(self) -> bool:
        """True between DS and DE."""
        return self._resync is not None

    def link_up(self) -> None:
        """A new link session: a resync left open by the old one is abandoned (the store
        forgets it when the next DS starts)."""
        self._session = self._new_session()
        self._received = 0
        self._resync = None
        self._failed_in_resync = 0
        self._unused_seen.clear()
        self.guest_key = None

    def notice(self, record: Record) -> Noticed:
        """What `record` (any type) tells about the link; call it before `translate`."""
        unused = unused_fields(record, in_resync=self.resync_open)
        first = tuple(f for f in unused if (record.type, f) not in self._unused_seen)
        self._unused_seen.update((record.type, f) for f in first)
        learned = None
        if self.guest_key is None and record.type in GUEST_RECORDS:
            self.guest_key = learned = (GuestKey.RESERVATION if (record.get("G#") or "").strip()
                                        else GuestKey.ROOM)
        return Noticed(unused, first, learned)

    def translate(self, record: Record, *, received_at: datetime) -> tuple[AnyEvent, ...]:
        """The events for one record received now. Raises `MappingError` (log it and go on)."""
        self._received += 1
        receipt = f"{self._session}:{self._received}"
        if record.type == "DS":
            self._resync = f"fias-resync-{self._session}-{self._received}"
            self._failed_in_resync = 0
        elif record.type == "DE" and self._failed_in_resync:
            failed, self._failed_in_resync, self._resync = self._failed_in_resync, 0, None
            raise MappingError(
                f"DE: {failed} record(s) of this resync could not be read; rooms are not swept "
                "(the snapshot is incomplete). Fix the PMS data and resync again.")
        try:
            events = to_events(
                record, tz=self.tz, received_at=received_at, receipt=receipt,
                resync_id=self._resync)
        except MappingError:
            if self._resync is not None:
                self._failed_in_resync += 1
            raise
        if record.type == "DE":
            self._resync = None
        return events
