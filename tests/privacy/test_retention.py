"""The daily erasure: a departed guest's names and dialled numbers are gone N days after the
stay, everything the hotel still needs stays, it runs once a hotel day across restarts, and
the store stops growing."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from connector.privacy.retention import Retention
from connector.rooms.desired import fold
from connector.settings.model import PrivacySettings
from connector.store import Store
from tests.billing.front_desk import FrontDesk, call_row
from tests.privacy.guests import arrives, found_in, leaves, renamed
from tests.support.fake_clock import FakeClock
from tests.support.outbox import kept_reports

JUNE_1 = datetime(2026, 6, 1, 15, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def retention(store: Store, clock: FakeClock, days: int = 30, records: int = 400) -> Retention:
    # Constructed without validation: a test hotel's windows are shorter than a hotel's may be.
    settings = PrivacySettings.model_construct(retention_days=days, audit_retention_days=records,
                                               run_at="03:30")
    return Retention(store, settings, tz=UTC, clock=clock)


def test_a_departed_guest_is_forgotten_thirty_days_after_check_out_and_not_a_day_sooner(
        tmp_path: Path) -> None:
    path = tmp_path / "connector.sqlite3"
    clock = FakeClock(JUNE_1)
    with Store(path, clock=clock) as store:
        store.ingest([arrives("101", "R-1", JUNE_1, "Lovelace"),
                      renamed("101", "R-1", JUNE_1 + DAY, "Byron"),
                      leaves("101", "R-1", JUNE_1 + 2 * DAY),
                      arrives("102", "R-2", JUNE_1 + DAY, "Hopper"),
                      leaves("102", "R-2", JUNE_1 + 4 * DAY)], fold)
        clock.set_now(JUNE_1 + 2 * DAY + 29 * DAY)
        retention(store, clock).run(clock.now().date())
        assert found_in(path, "Lovelace", "Byron", "Hopper") == {"Lovelace", "Byron", "Hopper"}

        clock.set_now(JUNE_1 + 2 * DAY + 30 * DAY + timedelta(hours=1))
        run = retention(store, clock).run(clock.now().date())

        assert run.erased.event_bodies == 2
        assert found_in(path, "Lovelace", "Byron", "Gold Byron", "Hopper") == {"Hopper"}
        # The hotel's record of what happened stays: ids, types, rooms, times.
        status = store.event_status("in-R-1-0601")
        assert status is not None
        assert store.stay_spans("R-1")[0].until == JUNE_1 + 2 * DAY


def test_a_guest_still_in_house_after_the_window_keeps_their_name(tmp_path: Path) -> None:
    path = tmp_path / "connector.sqlite3"
    clock = FakeClock(JUNE_1)
    with Store(path, clock=clock) as store:
        store.ingest([arrives("101", "R-1", JUNE_1, "Lovelace"),
                      arrives("102", None, JUNE_1, "Babbage")], fold)
        clock.set_now(JUNE_1 + 90 * DAY)

        retention(store, clock).run(clock.now().date())

        assert found_in(path, "Lovelace", "Babbage") == {"Lovelace", "Babbage"}
        room = store.room("101")
        assert room is not None and room.stays[0].primary.last_name == "Lovelace"


def test_a_room_keyed_stay_is_forgotten_but_the_next_guest_of_the_room_is_not(
        tmp_path: Path) -> None:
    path = tmp_path / "connector.sqlite3"
    clock = FakeClock(JUNE_1)
    with Store(path, clock=clock) as store:
        store.ingest([arrives("101", None, JUNE_1, "Lovelace"),
                      leaves("101", None, JUNE_1 + 3 * DAY),
                      arrives("101", None, JUNE_1 + 40 * DAY, "Turing")], fold)
        clock.set_now(JUNE_1 + 45 * DAY)

        retention(store, clock).run(clock.now().date())

        assert found_in(path, "Lovelace", "Turing") == {"Turing"}


def test_dialled_numbers_go_but_the_charges_and_posting_numbers_stay(tmp_path: Path) -> None:
    desk = FrontDesk(tmp_path / "connector.sqlite3")
    start = desk.clock.now()
    desk.pms(arrives("101", "R-1", start, "Lovelace"), arrives("102", "R-2", start, "Hopper"))
    row = call_row("2101", start + timedelta(hours=2), dialled="+442071838750")
    desk.zoom_tells(row)
    desk.zoom_tells(call_row("2102", start + timedelta(hours=2), dialled="+442079460000"))
    desk.pms(leaves("101", "R-1", start + DAY))
    before = desk.call(row)
    desk.clock.set_now(start + 32 * DAY)

    waiting = retention(desk.store, desk.clock).run(desk.clock.now().date())

    # The posting still waits for the PMS's answer: it may yet be sent, with the number.
    assert (waiting.erased.calls, waiting.erased.postings) == (1, 0)
    assert found_in(tmp_path / "connector.sqlite3", "2071838750",
                    tables=("calls", "outbox")) == {"2071838750"}

    [posting] = [r for r in kept_reports(desk.store) if r.kind == "posting" and r.room == "101"]
    desk.store.outbox.mark_sent(posting.id)
    assert posting.p_number is not None
    desk.store.outbox.mark_answered(posting.p_number, "OK")
    desk.clock.set_now(start + 33 * DAY)
    run = retention(desk.store, desk.clock).run(desk.clock.now().date())

    after = desk.call(row)
    assert (run.erased.calls, run.erased.postings) == (0, 1)
    assert after.call.dialled == ""
    assert after.rating == before.rating and after.p_number == before.p_number
    assert after.reservation == "R-1" and after.room == "101"
    assert found_in(tmp_path / "connector.sqlite3", "2071838750", "2079460000") == {
        "2079460000"}  # the guest still in house keeps theirs


def test_the_daily_run_happens_once_a_hotel_day_and_catches_up_after_a_restart(
        tmp_path: Path) -> None:
    path = tmp_path / "connector.sqlite3"
    clock = FakeClock(datetime(2026, 6, 10, 3, 0, tzinfo=UTC))
    with Store(path, clock=clock) as store:
        first = retention(store, clock).run_due()  # never ran: yesterday's is due at once
        assert first is not None and first.day.isoformat() == "2026-06-09"
        assert retention(store, clock).run_due() is None
        clock.set_now(datetime(2026, 6, 10, 3, 31, tzinfo=UTC))
        ran = retention(store, clock).run_due()
        assert ran is not None and ran.day.isoformat() == "2026-06-10"

    clock.set_now(datetime(2026, 6, 13, 2, 0, tzinfo=UTC))  # down for three days
    with Store(path, clock=clock) as store:
        again = retention(store, clock)
        caught_up = again.run_due()
        assert caught_up is not None and caught_up.day.isoformat() == "2026-06-12"
        assert again.run_due() is None


def test_the_serve_part_runs_it_in_hotel_time_until_stopped(tmp_path: Path) -> None:
    stop = asyncio.Event()
    clock = StoppingClock(datetime(2026, 6, 10, 12, 0, tzinfo=UTC), stop,
                          at=datetime(2026, 6, 12, 4, 0, tzinfo=UTC))
    with Store(tmp_path / "connector.sqlite3", clock=clock) as store:
        asyncio.run(retention(store, clock).run_forever(stop))

        assert store.meta("privacy.retention.last_day") == "2026-06-12"


class StoppingClock(FakeClock):
    """Sets `stop` once a sleep has brought it to `at` (two days of the part's life)."""

    def __init__(self, start: datetime, stop: asyncio.Event, *, at: datetime) -> None:
        super().__init__(start)
        self._stop, self._at = stop, at

    async def sleep(self, seconds: float) -> None:
        await super().sleep(seconds)
        if self.now() >= self._at:
            self._stop.set()


def test_a_steady_hotel_stops_growing_once_its_records_are_past_their_window(
        tmp_path: Path) -> None:
    path = tmp_path / "connector.sqlite3"
    clock = FakeClock(JUNE_1)
    sizes: dict[int, int] = {}
    with Store(path, clock=clock) as store:
        daily = retention(store, clock, days=5, records=10)
        for day in range(90):
            today = JUNE_1 + day * DAY
            clock.set_now(today)
            for number in range(20):
                room = str(101 + number)
                guest = f"R-{day}-{room}"
                if day % 2 == 0:
                    store.ingest([arrives(room, guest, today, f"Guest{guest}")], fold)
                else:
                    store.ingest([leaves(room, f"R-{day - 1}-{room}", today)], fold)
                state = store.room(room)
                assert state is not None
                store.confirm(room, state.version)  # as the reconciler does once Zoom has it
            clock.set_now(today + timedelta(hours=12))
            daily.run(clock.now().date())
            sizes[day] = path.stat().st_size

        assert found_in(path, "GuestR-10-101", "GuestR-88-101") == {"GuestR-88-101"}
    assert abs(sizes[89] - sizes[40]) <= 0.1 * sizes[40], sizes


def test_names_a_debugging_journal_kept_are_stripped_after_the_window(tmp_path: Path) -> None:
    path = tmp_path / "connector.sqlite3"
    clock = FakeClock(JUNE_1)
    with Store(path, clock=clock) as store:
        store.journal("101", "name set", {"change": "NameChange", "display_name": "Ada Byron",
                                          "extension": "2101"}, ["in-1"], JUNE_1)
        store.journal("102", "name set", {"change": "NameChange", "display_name": "Grace Hopper"},
                      ["in-2"], JUNE_1 + 20 * DAY)
        clock.set_now(JUNE_1 + 31 * DAY)

        run = retention(store, clock).run(clock.now().date())

        assert run.erased.journal_entries == 1
        [entry] = store.journal_entries("101")
        assert entry.detail == {"change": "NameChange", "extension": "2101"}
        assert found_in(path, "Byron", "Hopper") == {"Hopper"}


def test_the_serve_part_lets_the_hotel_be_served_between_its_batches(tmp_path: Path) -> None:
    clock = FakeClock(JUNE_1)
    with Store(tmp_path / "connector.sqlite3", clock=clock) as store:
        store.ingest([event for n in range(2500) for event in (
            arrives(str(100 + n % 50), f"R-{n}", JUNE_1 + n * timedelta(minutes=1), f"G{n}"),
            leaves(str(100 + n % 50), f"R-{n}", JUNE_1 + n * timedelta(minutes=1)))], fold)
        clock.set_now(JUNE_1 + 40 * DAY)
        served: list[int] = []

        async def erase_while_a_webhook_waits() -> int:
            job = asyncio.create_task(retention(store, clock).run_in_steps(JUNE_1.date()))
            while not job.done():
                served.append(len(served))
                await asyncio.sleep(0)
            return (await job).erased.event_bodies

        assert asyncio.run(erase_while_a_webhook_waits()) == 2500
        assert len(served) >= 3  # the 2,500 bodies took three batches, and more steps
