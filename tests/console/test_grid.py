"""The Rooms grid's rows as the front desk reads them (pure: no store, no browser)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from connector.events.models import ClassOfService, Guest, HousekeepingStatus
from connector.rooms.state import DndWish, Housekeeping, RoomState, Stay, Wakeup
from connector.store import WakeupJob
from connector.store.records import Failure
from connector.web.console import grid
from connector.web.console.grid import Show

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
LISBON = ZoneInfo("Europe/Lisbon")


def occupied(room: str, *, first: str = "Ada", last: str = "Lovelace", vip: str = "",
             **state: object) -> RoomState:
    stay = Stay(reservation=f"R-{room}", checked_in_at=NOW - timedelta(days=1),
                guests=(Guest(title="Ms", first_name=first, last_name=last, vip=vip),
                        Guest(first_name="Charles", last_name="Babbage")),
                class_of_service=ClassOfService.NATIONAL)
    return RoomState(room=room, stays=(stay,), **state)  # type: ignore[arg-type]


def row(state: RoomState | None, room: str = "101", *, lagging: bool = False,
        failure: Failure | None = None) -> grid.RoomRow:
    return grid.room_row(room, state, lagging=lagging, failure=failure, now=NOW, tz=LISBON)


def test_an_occupied_room_shows_its_guest_vip_dnd_class_and_wakeups() -> None:
    state = occupied("1207", vip="GOLD", dnd=DndWish(on=True),
                     housekeeping=Housekeeping(status=HousekeepingStatus.DIRTY, maid_status=1,
                                               at=NOW),
                     wakeups=(Wakeup(at=NOW + timedelta(hours=2)),
                              Wakeup(at=NOW + timedelta(days=1))))
    shown = row(state, "1207")
    assert (shown.floor, shown.guest, shown.vip, shown.guests) == (
        "12", "Ms Ada Lovelace", "GOLD", 2)
    assert shown.dnd and shown.dirty and shown.occupied
    assert shown.class_of_service == "national calls"
    assert shown.housekeeping == "dirty"
    assert (shown.wakeups_today, shown.next_wakeup) == (1, NOW + timedelta(hours=2))
    assert (shown.zoom, shown.zoom_reason) == ("in step", "")


def test_a_room_no_event_ever_named_is_vacant_and_in_step() -> None:
    shown = row(None, "305")
    assert not shown.occupied and shown.guest == "" and shown.floor == "3"
    assert shown.zoom == "in step"


def test_zoom_waiting_and_failed_say_why_in_words() -> None:
    state = occupied("101")
    assert row(state, lagging=True).zoom == "waiting"
    failure = Failure(room="101", error="Zoom refused the name change (code 300): the "
                      "extension is not a user", attempts=4, final=True, at=NOW)
    failed = row(state, lagging=True, failure=failure)
    assert failed.zoom == "failed"
    assert failed.zoom_reason == ("Zoom refused the name change (code 300): the extension is "
                                  "not a user; gave up until the next full pass or a re-sync.")
    retrying = row(state, lagging=True, failure=Failure(room="101", error="Zoom timed out.",
                                                       attempts=2, final=False, at=NOW))
    assert retrying.zoom_reason == "Zoom timed out; retrying (attempt 2)."


def test_a_dnd_that_has_lapsed_is_not_shown() -> None:
    assert not row(occupied("101", dnd=DndWish(on=True, until=NOW - timedelta(minutes=1)))).dnd


def test_filters_and_search_pick_the_rooms_the_desk_asks_for() -> None:
    rows = grid.rows(["101", "102", "1207", "99", "Lobby"],
                     {"101": occupied("101", dnd=DndWish(on=True)),
                      "1207": occupied("1207", first="Grace", last="Hopper")},
                     lagging={"102"}, failures={}, now=NOW, tz=LISBON)
    assert [r.room for r in rows] == ["99", "101", "102", "1207", "Lobby"]

    def picked(show: Show, search: str = "") -> list[str]:
        return [r.room for r in rows if grid.matches(r, show, search)]

    assert picked(Show.OCCUPIED) == ["101", "1207"]
    assert picked(Show.DND) == ["101"]
    assert picked(Show.FAILED) == []
    assert picked(Show.ALL, "hopp") == ["1207"]
    assert picked(Show.ALL, "10") == ["101", "102"]
    assert picked(Show.DND, "hopper") == []


def test_floors_come_in_order_with_odd_rooms_last() -> None:
    rows = grid.rows(["1207", "101", "99", "Lobby", "102"], {}, lagging=set(), failures={},
                     now=NOW, tz=LISBON)
    floors = grid.by_floor(rows)
    assert [(f.name, [r.room for r in f.rows]) for f in floors] == [
        ("1", ["101", "102"]), ("12", ["1207"]), ("other", ["99", "Lobby"])]


def test_a_vip_code_that_says_vip_is_shown_once() -> None:
    assert row(occupied("101", vip="VIP")).vip_badge == "VIP"
    assert row(occupied("101", vip="vip2")).vip_badge == "vip2"
    assert row(occupied("101", vip="GOLD")).vip_badge == "VIP GOLD"


def test_a_long_zoom_reason_is_cut_to_its_first_sentence_in_the_cell() -> None:
    long = ("Zoom refused the change of the room's phone (code 124): the user's calling plan "
            "does not allow it. Ask the Zoom admin to give the room a plan with outbound "
            "calls, then re-sync the room.")
    failed = row(occupied("101"), lagging=True,
                 failure=Failure(room="101", error=long, attempts=4, final=True, at=NOW))
    assert failed.zoom_reason.startswith(long.rstrip("."))  # whole on the room page
    assert failed.zoom_reason_short == (
        "Zoom refused the change of the room's phone (code 124)…")
    assert len(failed.zoom_reason_short) <= grid.CELL_REASON_CHARS
    short = row(occupied("101"), lagging=True,
                failure=Failure(room="101", error="Zoom timed out.", attempts=2, final=False,
                                at=NOW))
    assert short.zoom_reason_short == "Zoom timed out"


def job(room: str, at: datetime, state: str, answer: str | None) -> WakeupJob:
    return WakeupJob(id=hash((room, at)) % 1000, room=room, requested_at=at, set_by_event="e1",
                     state=state, due_at=at, tries=3, snoozes=0, attempts=3,  # type: ignore[arg-type]
                     last_outcome="no_answer", started_at=at, answer=answer)


def test_a_room_whose_wakeup_ended_without_the_guest_today_is_marked() -> None:
    early = NOW - timedelta(hours=2)
    jobs = [job("101", early, "done", None),            # rang three times, nobody answered
            job("102", early, "done", "OK"),            # the guest confirmed
            job("103", early, "pending", None),         # still retrying
            job("104", early - timedelta(days=1), "done", None)]  # yesterday's
    failed = grid.failed_wakeup_rooms(jobs, now=NOW, tz=LISBON)
    assert failed == {"101"}
    shown = grid.rows(["101", "102"], {}, lagging=set(), failures={}, now=NOW, tz=LISBON,
                      failed_wakeups=failed)
    assert [r.wakeup_failed for r in shown] == [True, False]
