"""Every night at the hotel's reset time occupied rooms become dirty (RS 2) and the PMS is
told; once per local day, across restarts and DST nights."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

from connector.ivr.nightly_reset import LAST_RESET_KEY, NightlyReset, reset_schedule
from tests.ivr.conftest import HOTEL, Desk, MakeDesk
from tests.ivr.fakes import keys
from tests.support.fake_clock import FakeClock


def nightly(desk: Desk, at: str = "03:00") -> NightlyReset:
    """The reset as `connector serve` builds it (a new one is a restart)."""
    return NightlyReset(reset_schedule(at, HOTEL), rooms=desk.store,
                        recorder=desk.ivr.recorder, clock=desk.clock)


def at_hotel(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=HOTEL)


async def test_occupied_rooms_become_dirty_at_night_and_vacant_ones_are_left_alone(
    desk: Desk,
) -> None:
    desk.check_in("101")
    desk.check_in("102")
    await desk.call("2102", keys("3"))  # inspected, occupied (RS 6) during the day
    await desk.call("2103", keys("2"))  # clean, vacant (RS 3)
    desk.clock.set_now(at_hotel(2026, 3, 11, 3, 0))

    assert nightly(desk).run_due() == date(2026, 3, 11)

    resets = [(r.room, dict(r.payload)) for r in desk.reports()][2:]
    assert resets == [("101", {"status": 2}), ("102", {"status": 2})]
    for room in ("101", "102"):
        kept = desk.room(room).housekeeping
        assert kept is not None
        assert (kept.status, kept.maid_status, kept.source) == ("dirty", 2, "nightly_reset")
    vacant = desk.room("103").housekeeping
    assert vacant is not None and vacant.maid_status == 3
    assert desk.metric("connector_housekeeping_statuses_total", status="dirty",
                       source="nightly_reset") == 2


async def test_nothing_happens_before_the_reset_time(desk: Desk) -> None:
    desk.check_in("101")
    desk.clock.set_now(at_hotel(2026, 3, 11, 2, 59))

    assert nightly(desk).run_due() is None
    assert desk.reports() == []


async def test_the_reset_runs_once_a_night_even_across_a_restart(desk: Desk) -> None:
    desk.check_in("101")
    desk.clock.set_now(at_hotel(2026, 3, 11, 3, 0))
    nightly(desk).run_due()

    desk.clock.set_now(at_hotel(2026, 3, 11, 3, 10))
    assert nightly(desk).run_due() is None  # restarted ten minutes later

    desk.clock.set_now(at_hotel(2026, 3, 12, 3, 0))
    assert nightly(desk).run_due() == date(2026, 3, 12)
    assert [r.room for r in desk.reports()] == ["101", "101"]


async def test_a_reset_cut_short_by_a_crash_is_finished_on_restart_without_doubles(
    desk: Desk,
) -> None:
    desk.check_in("101")
    desk.clock.set_now(at_hotel(2026, 3, 11, 3, 0))
    nightly(desk).reset(date(2026, 3, 11))
    desk.store.set_meta(LAST_RESET_KEY, None)  # the crash came before the day was noted
    desk.check_in("102")

    desk.clock.set_now(at_hotel(2026, 3, 11, 3, 5))
    assert nightly(desk).run_due() == date(2026, 3, 11)

    assert [r.room for r in desk.reports()] == ["101", "102"]
    assert desk.store.meta(LAST_RESET_KEY) == "2026-03-11"


async def test_a_reset_missed_for_long_is_skipped_not_run_over_the_mornings_work(
    desk: Desk,
) -> None:
    desk.check_in("101")
    desk.clock.set_now(at_hotel(2026, 3, 11, 9, 0))  # the connector was down all night
    await desk.call("2101", keys("2"))

    assert nightly(desk).run_due() is None
    kept = desk.room("101").housekeeping
    assert kept is not None and kept.status == "clean"


async def test_a_late_evening_reset_is_caught_up_just_after_midnight(desk: Desk) -> None:
    desk.check_in("101")
    desk.clock.set_now(at_hotel(2026, 3, 11, 0, 10))

    assert nightly(desk, "23:50").run_due() == date(2026, 3, 10)


async def test_on_the_spring_forward_night_a_reset_in_the_missing_hour_runs_once(
    desk: Desk,
) -> None:
    # Rome, 29 March 2026: 02:00 CET jumps to 03:00 CEST; 02:30 never shows on the clock.
    desk.check_in("101")
    reset = nightly(desk, "02:30")
    desk.clock.set_now(at_hotel(2026, 3, 29, 1, 59))
    assert reset.run_due() is None

    desk.clock.set_now(datetime(2026, 3, 29, 1, 30, tzinfo=UTC))  # 03:30 CEST
    assert reset.run_due() == date(2026, 3, 29)
    desk.clock.set_now(datetime(2026, 3, 29, 1, 45, tzinfo=UTC))
    assert reset.run_due() is None


async def test_on_the_fall_back_night_the_repeated_hour_resets_once(desk: Desk) -> None:
    # Rome, 25 October 2026: 03:00 CEST goes back to 02:00 CET; 02:30 comes twice.
    desk.check_in("101")
    reset = nightly(desk, "02:30")
    desk.clock.set_now(datetime(2026, 10, 25, 0, 30, tzinfo=UTC))  # the first 02:30
    assert reset.run_due() == date(2026, 10, 25)

    desk.clock.set_now(datetime(2026, 10, 25, 1, 30, tzinfo=UTC))  # the second 02:30
    assert reset.run_due() is None
    assert len(desk.reports()) == 1


class StoppingClock(FakeClock):
    """Sets `stop` once its time passes `until`."""

    def __init__(self, start: datetime, until: datetime, stop: asyncio.Event) -> None:
        super().__init__(start)
        self.until = until
        self.stop = stop

    async def sleep(self, seconds: float) -> None:
        await super().sleep(seconds)
        if self.now() >= self.until:
            self.stop.set()


def test_the_reset_is_off_unless_the_hotel_sets_a_time(make_desk: MakeDesk) -> None:
    assert make_desk().ivr.nightly_reset is None
    assert make_desk(nightly_reset_at="03:00").ivr.nightly_reset is not None


async def test_the_loop_resets_each_night_at_the_reset_time(make_desk: MakeDesk) -> None:
    stop = asyncio.Event()
    clock = StoppingClock(at_hotel(2026, 3, 10, 10, 0), at_hotel(2026, 3, 13, 12, 0), stop)
    desk = make_desk(clock=clock, nightly_reset_at="03:00")
    desk.check_in("101")
    reset = desk.ivr.nightly_reset
    assert reset is not None

    await asyncio.wait_for(reset.run(stop), timeout=10)

    stamps = [r.created_at.astimezone(HOTEL) for r in desk.reports()]
    assert [(s.day, s.hour, s.minute) for s in stamps] == [(11, 3, 0), (12, 3, 0), (13, 3, 0)]
    assert max(clock.sleeps) <= 300
