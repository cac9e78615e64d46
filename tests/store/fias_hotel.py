"""A hotel whose PMS speaks FIAS: records as the PMS writes them go through the translator,
the durable ingest and the real fold, into a store in memory."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from connector.pms.fias.codec import Record
from connector.pms.fias.inbound import InboundTranslator
from connector.rooms.desired import fold
from connector.rooms.state import RoomState
from connector.store import Store

HOTEL = ZoneInfo("Europe/Rome")
NOW = datetime(2026, 3, 14, 6, 0, tzinfo=UTC)


def rec(text: str) -> Record:
    """A record written as on the wire, without the framing: `GI|RN101|G#1|`."""
    record_type, *parts = [p for p in text.split("|") if p]
    return Record(record_type, tuple((p[:2], p[2:]) for p in parts))


class FiasHotel:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.fias = InboundTranslator(tz=HOTEL)
        self.fias.link_up()

    def pms_sends(self, *lines: str) -> None:
        for line in lines:
            events = self.fias.translate(rec(line), received_at=NOW)
            if events:
                self.store.ingest(list(events), fold)

    def room(self, room: str) -> RoomState:
        return self.store.room(room) or RoomState(room=room)

    def guests(self, room: str) -> list[str]:
        """Who the front desk sees in the room, the one naming it first."""
        return [f"{g.first_name} {g.last_name}".strip()
                for stay in self.room(room).stays for g in stay.guests]
