"""Why FIAS event ids are built the way they are: fed through the real fold with an inbox
that drops repeated ids, the hotel ends up as the PMS says."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from connector.events.models import Event
from connector.pms.fias.errors import MappingError
from connector.pms.fias.inbound import InboundTranslator
from connector.rooms.desired import fold
from tests.fias.test_mapping_in import HOTEL, rec
from tests.support.memory_rooms import MemoryRooms


class Hotel(MemoryRooms):
    """Rooms in memory plus an inbox that, like the store's, folds an id once."""

    def __init__(self) -> None:
        super().__init__()
        self._seen: set[str] = set()
        self.fias = InboundTranslator(tz=HOTEL)
        self.fias.link_up()

    def pms_sends(self, *lines: str) -> None:
        for line in lines:
            for event in self.fias.translate(rec(line), received_at=datetime.now(UTC)):
                self._ingest(event)

    def _ingest(self, event: Event) -> None:
        if event.id in self._seen:
            return
        self._seen.add(event.id)
        self._seq += 1
        self.rooms.update(fold(event, self._seq, self))

    def occupied(self, room: str) -> bool:
        state = self.rooms.get(room)
        return bool(state and state.occupied)


def test_a_guest_repeated_in_every_resync_stays_in_house() -> None:
    hotel = Hotel()
    snapshot = ("DS|", "GI|RN101|G#1|GNRossi|SF|DA260314|TI070000|", "DE|")
    hotel.pms_sends(*snapshot)
    hotel.pms_sends(*snapshot)  # the same bytes again, e.g. after a reconnect
    assert hotel.occupied("101")


def test_a_resync_checks_out_who_it_no_longer_lists() -> None:
    hotel = Hotel()
    hotel.pms_sends("GI|RN101|G#1|GNRossi|", "GI|RN102|G#2|GNBianchi|")
    hotel.pms_sends("DS|", "GI|RN101|G#1|GNRossi|SF|", "DE|")
    assert hotel.occupied("101")
    assert not hotel.occupied("102")


def test_a_resync_with_an_unreadable_record_checks_nobody_out() -> None:
    hotel = Hotel()
    hotel.pms_sends("GI|RN101|G#1|GNRossi|", "GI|RN102|G#2|GNBianchi|")
    hotel.pms_sends("DS|", "GI|RN101|G#1|GNRossi|SF|")
    for broken in ("GI|RN102|G#2|GNBianchi|CS9|SF|", "DE|"):  # no such CS, then the end
        with pytest.raises(MappingError):  # the link logs it and goes on
            hotel.pms_sends(broken)
    assert hotel.occupied("101") and hotel.occupied("102")


def test_dnd_on_off_on_without_time_stamps_ends_on() -> None:
    hotel = Hotel()
    hotel.pms_sends("GI|RN101|G#1|GNRossi|", "RE|RN101|DNY|", "RE|RN101|DNN|", "RE|RN101|DNY|")
    assert hotel.rooms["101"].dnd.on


def test_a_stale_time_stamped_record_sent_again_does_not_undo_a_later_one() -> None:
    hotel = Hotel()
    on = "RE|RN101|DNY|DA260314|TI070000|"
    hotel.pms_sends("GI|RN101|G#1|GNRossi|", on, "RE|RN101|DNN|DA260314|TI080000|")
    hotel.fias.link_up()  # a reconnect; the PMS replays its buffer
    hotel.pms_sends(on)
    assert not hotel.rooms["101"].dnd.on


def test_set_clear_set_the_same_wakeup_keeps_it() -> None:
    hotel = Hotel()
    wr, wc = "WR|RN101|DA260315|TI0630|", "WC|RN101|DA260315|TI0630|"
    hotel.pms_sends("GI|RN101|G#1|GNRossi|", wr, wc, wr)
    assert len(hotel.rooms["101"].wakeups) == 1
