"""What the log and `connector status --room` say a PMS event changed, in hotel time and
without a guest's name, from the room as it was and as the real fold left it."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from connector.events.models import (
    AnyEvent,
    CheckIn,
    CheckOut,
    ClassOfService,
    Dnd,
    Guest,
    GuestChange,
    HousekeepingStatus,
    HousekeepingUpdate,
    MessageWaiting,
    WakeupClear,
    WakeupSet,
)
from connector.rooms.desired import fold
from connector.rooms.narrate import ALREADY_SO, narrate, summary
from tests.support.memory_rooms import MemoryRooms

BERLIN = ZoneInfo("Europe/Berlin")
MORNING = datetime(2026, 3, 10, 9, 2, tzinfo=UTC)  # 10:02 in Berlin
_ids = itertools.count(1)


class _Hotel(MemoryRooms):
    """The rooms as the store keeps them, each event folded for real; `last` holds the
    words of the latest event."""

    def __init__(self) -> None:
        super().__init__()
        self.last: dict[str, str] = {}

    def send(self, event: AnyEvent) -> str:
        before = dict(self.rooms)
        after = fold(event, next(_ids), self)
        self.rooms.update(after)
        self.last = narrate(event, before, after, BERLIN)
        return summary(self.last)


def _id() -> str:
    return f"ev-{next(_ids)}"


def check_in(room: str, reservation: str = "4711", *, guests: int = 1,
             cos: ClassOfService | None = None, at: datetime = MORNING) -> CheckIn:
    people = [Guest(first_name="Ana", last_name="Lima")] * guests
    return CheckIn(id=_id(), occurred_at=at, room=room, reservation=reservation,
                   guests=people, class_of_service=cos)


def check_out(room: str, reservation: str = "4711", at: datetime = MORNING) -> CheckOut:
    return CheckOut(id=_id(), occurred_at=at, room=room, reservation=reservation)


def test_a_check_in_says_occupied_how_many_guests_and_the_class_of_service() -> None:
    hotel = _Hotel()

    said = hotel.send(check_in("203", cos=ClassOfService.NATIONAL))

    assert said == ("room 203 occupied, 1 guest; class of service national; "
                    "voicemail before 10:02 CET to purge")
    assert "Ana" not in said and "Lima" not in said


def test_a_check_out_says_vacant_and_which_voicemail_goes() -> None:
    hotel = _Hotel()
    hotel.send(check_in("203", guests=2))

    said = hotel.send(check_out("203", at=MORNING + timedelta(hours=3)))

    assert said == "room 203 vacant; voicemail before 13:02 CET to purge"


def test_a_check_out_of_a_room_with_wishes_says_they_are_gone() -> None:
    hotel = _Hotel()
    hotel.send(check_in("203"))
    hotel.send(Dnd(id=_id(), occurred_at=MORNING, room="203", on=True))
    hotel.send(MessageWaiting(id=_id(), occurred_at=MORNING, room="203", on=True))

    said = hotel.send(check_out("203"))

    assert said == "room 203 vacant; DND off; message waiting off"  # same minute: no new purge


def test_dnd_until_tomorrow_morning_is_dated_and_in_hotel_time() -> None:
    hotel = _Hotel()
    evening = datetime(2026, 3, 10, 21, 0, tzinfo=UTC)
    tomorrow_seven = datetime(2026, 3, 11, 6, 0, tzinfo=UTC)

    said = hotel.send(Dnd(id=_id(), occurred_at=evening, room="203", on=True,
                          until=tomorrow_seven))
    same_day = hotel.send(Dnd(id=_id(), occurred_at=evening, room="204", on=True,
                              until=evening + timedelta(hours=1)))

    assert said == "room 203 DND on until 2026-03-11 07:00 CET"
    assert same_day == "room 204 DND on until 23:00 CET"


def test_summer_time_is_labelled_as_such() -> None:
    hotel = _Hotel()
    july = datetime(2026, 7, 1, 20, 0, tzinfo=UTC)

    said = hotel.send(Dnd(id=_id(), occurred_at=july, room="203", on=True,
                          until=july + timedelta(hours=1)))

    assert said == "room 203 DND on until 23:00 CEST"


def test_a_repeated_check_in_changes_nothing_and_says_so() -> None:
    hotel = _Hotel()
    hotel.send(check_in("203"))

    said = hotel.send(check_in("203"))

    assert said == ALREADY_SO
    assert hotel.last == {"203": ALREADY_SO}


def test_a_move_says_what_happened_in_both_rooms() -> None:
    hotel = _Hotel()
    hotel.send(check_in("203", cos=ClassOfService.LOCAL))
    later = MORNING + timedelta(hours=1)

    said = hotel.send(GuestChange(id=_id(), occurred_at=later, room="305", old_room="203",
                                  reservation="4711", guests=[Guest(last_name="Lima")]))

    assert hotel.last == {
        "203": "room 203 vacant; voicemail before 11:02 CET to purge",
        "305": ("room 305 occupied, 1 guest; class of service local; "
                "voicemail before 10:02 CET to purge"),
    }
    assert said == "; ".join(hotel.last.values())


def test_a_sharer_joining_and_leaving_is_told_by_reservation_number() -> None:
    hotel = _Hotel()
    hotel.send(check_in("203", "4711"))

    joined = hotel.send(check_in("203", "4712", guests=2))
    left = hotel.send(check_out("203", "4711"))

    assert joined == "room 203 reservation 4712 joined; now 3 guests"
    assert left == "room 203 reservation 4711 left; now 2 guests"


def test_a_name_change_says_details_changed_but_not_the_names() -> None:
    hotel = _Hotel()
    hotel.send(check_in("203"))

    said = hotel.send(GuestChange(id=_id(), occurred_at=MORNING, room="203",
                                  reservation="4711", guests=[Guest(last_name="Okafor")]))

    assert said == "room 203 reservation 4711: guest details changed"


def test_wakeups_set_and_cleared_are_in_hotel_time() -> None:
    hotel = _Hotel()
    seven = datetime(2026, 3, 11, 6, 0, tzinfo=UTC)

    set_ = hotel.send(WakeupSet(id=_id(), occurred_at=MORNING, room="203", at=seven, days=3))
    cleared = hotel.send(WakeupClear(id=_id(), occurred_at=MORNING, room="203"))

    assert set_ == "room 203 wake-up 2026-03-11 07:00 CET daily for 3 days set"
    assert cleared == "room 203 wake-up 2026-03-11 07:00 CET cleared"


def test_housekeeping_and_the_message_lamp_are_told() -> None:
    hotel = _Hotel()
    hotel.send(check_in("203"))

    clean = hotel.send(HousekeepingUpdate(id=_id(), occurred_at=MORNING, room="203",
                                          status=HousekeepingStatus.CLEAN))
    lamp = hotel.send(MessageWaiting(id=_id(), occurred_at=MORNING, room="203", on=True))

    assert clean == "room 203 housekeeping clean (maid status 4)"
    assert lamp == "room 203 message waiting on"
