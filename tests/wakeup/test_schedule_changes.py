"""The PMS changes its mind: cleared wake-ups, check-outs, room moves, daily wake-ups
across a daylight-saving change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.wakeup.desk import START, Answer, extension, local, make_desk
from tests.wakeup.fakes import Answers


def seconds_after_start(moment: datetime) -> float:
    return (moment - START).total_seconds()


async def test_a_wakeup_cleared_before_it_is_due_is_never_called_nor_answered(
    tmp_path: Path,
) -> None:
    desk = make_desk(tmp_path)
    desk.check_in("1204")
    desk.set_wakeup("1204", "2026-03-10 07:00")
    desk.set_wakeup("1204", "2026-03-10 08:00")

    async with desk.running():
        await desk.clock.run_for(3600)
        desk.clear_wakeup("1204", "2026-03-10 07:00")
        desk.phone.will(extension("1204"), Answers(presses=["9"]))
        await desk.until(lambda: bool(desk.answers()))

    assert [d.started for d in desk.phone.dials] == [seconds_after_start(local("2026-03-10 08:00"))]
    assert desk.answers() == [Answer("1204", local("2026-03-10 08:00"), "OK")]


async def test_check_out_cancels_the_rooms_wakeups(tmp_path: Path) -> None:
    desk = make_desk(tmp_path)
    desk.check_in("1204")
    desk.set_wakeup("1204", "2026-03-10 07:00", days=3)

    async with desk.running():
        await desk.clock.run_for(600)
        desk.check_out("1204")
        await desk.clock.run_for(3 * 86400)

    assert desk.phone.dials == []
    assert desk.answers() == []
    assert desk.pending_jobs() == 0


async def test_a_wakeup_cleared_during_its_call_gets_no_retry_and_no_answer(
    tmp_path: Path,
) -> None:
    desk = make_desk(tmp_path)
    desk.check_in("1204")
    desk.set_wakeup("1204", "2026-03-10 07:00")

    async with desk.running():
        await desk.until(lambda: bool(desk.phone.dials))
        desk.clear_wakeup("1204")  # while it rings
        await desk.clock.run_for(3600)

    [dial] = desk.phone.dials
    assert dial.ring_timeout == 24  # the call rang out in full
    assert desk.answers() == []
    assert desk.open_alerts() == []


async def test_a_room_move_takes_the_pending_wakeup_with_its_tries_to_the_new_room(
    tmp_path: Path,
) -> None:
    desk = make_desk(tmp_path, retries=1)
    desk.check_in("201")
    desk.set_wakeup("201", "2026-03-10 07:00")

    async with desk.running():
        await desk.until(lambda: len(desk.phone.dials) == 1)
        await desk.clock.run_for(60)  # the first try rang out in room 201
        desk.move("201", "202")
        desk.phone.will(extension("202"), Answers(presses=["9"]))
        await desk.until(lambda: bool(desk.answers()))

    first, retry = desk.phone.dials
    assert (first.extension, retry.extension) == (extension("201"), extension("202"))
    assert retry.started == first.started + 24 + 300
    assert desk.answers() == [Answer("202", local("2026-03-10 07:00"), "OK")]


async def test_a_daily_wakeup_keeps_its_local_time_across_the_change_to_summer_time(
    tmp_path: Path,
) -> None:
    start = local("2026-03-28 05:00")
    desk = make_desk(tmp_path, start=start, confirm="answer")
    desk.check_in("1204")
    desk.set_wakeup("1204", "2026-03-28 07:00", days=3)  # Lisbon moves to WEST on the 29th
    desk.phone.otherwise = Answers()

    async with desk.running():
        await desk.until(lambda: len(desk.answers()) == 3, within=3 * 86400)

    rang_at = [start + timedelta(seconds=d.started) for d in desk.phone.dials]
    assert rang_at == [datetime(2026, 3, 28, 7, tzinfo=UTC),
                         datetime(2026, 3, 29, 6, tzinfo=UTC),
                         datetime(2026, 3, 30, 6, tzinfo=UTC)]
    assert [a.requested_at for a in desk.answers()] == [
        local("2026-03-28 07:00"), local("2026-03-29 07:00"), local("2026-03-30 07:00")]


async def test_a_request_repeated_after_the_call_does_not_call_again(tmp_path: Path) -> None:
    desk = make_desk(tmp_path)
    desk.check_in("1204")
    desk.set_wakeup("1204", "2026-03-10 07:00")
    desk.phone.will(extension("1204"), Answers(presses=["9"]))

    async with desk.running():
        await desk.until(lambda: bool(desk.answers()))
        desk.set_wakeup("1204", "2026-03-10 07:00")  # the PMS resends it (a resync)
        await desk.clock.run_for(3600)

    assert len(desk.phone.dials) == 1
    assert len(desk.answers()) == 1
