"""Restarts and crashes: a wake-up is never placed twice, a try cut off counts as failed,
overdue wake-ups are called within the grace window and escalated beyond it, and the PMS
gets exactly one answer per wake-up."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.wakeup.desk import OPERATOR, Answer, Desk, extension, local, make_desk
from tests.wakeup.fakes import Answers, FakePhone

CONFIRMS = Answers(presses=["9"])


def restart_with_a_new_phone(desk: Desk) -> None:
    desk.phone = FakePhone(desk.clock, lines=2, otherwise=CONFIRMS)
    desk.open()


async def test_a_restart_mid_schedule_places_nothing_twice_and_catches_up_within_grace(
    tmp_path: Path,
) -> None:
    desk = make_desk(tmp_path, grace_minutes=5)
    for room in ("101", "102", "103", "104"):
        desk.check_in(room)
    desk.set_wakeup("104", "2026-03-10 06:45")  # confirmed before the crash
    desk.set_wakeup("101", "2026-03-10 07:00")  # ringing when the crash comes
    desk.set_wakeup("103", "2026-03-10 07:01")  # 7 minutes overdue at the restart: missed
    desk.set_wakeup("102", "2026-03-10 07:06")  # 2 minutes overdue: still called
    desk.phone.will(extension("104"), CONFIRMS)

    async with desk.running():
        await desk.until(lambda: desk.clock.now() >= local("2026-03-10 07:00:10"))
        await desk.crash()
    desk.clock.jump((local("2026-03-10 07:08") - desk.clock.now()).total_seconds())
    restart_with_a_new_phone(desk)
    desk.phone.will(OPERATOR, Answers())
    async with desk.running():
        await desk.until(lambda: len(desk.answers()) == 4
                         and desk.open_alerts()[0].operator_call is not None)

    by_room = {a.room: a for a in desk.answers()}
    assert by_room == {
        "104": Answer("104", local("2026-03-10 06:45"), "OK"),
        "101": Answer("101", local("2026-03-10 07:00"), "OK"),
        "102": Answer("102", local("2026-03-10 07:06"), "OK"),
        "103": Answer("103", local("2026-03-10 07:01"), "UR"),
    }
    after_restart = [d.extension for d in desk.phone.dials]
    assert sorted(after_restart) == sorted([extension("101"), extension("102"), OPERATOR])
    [job_101] = desk.store.wakeup_jobs(["101"])
    assert (job_101.attempts, job_101.tries) == (2, 2)  # the cut-off try counted
    [alert] = desk.open_alerts()
    assert (alert.kind, alert.room) == ("wakeup_missed", "103")
    [operator] = desk.phone.dials_to(OPERATOR)
    assert operator.call is not None
    assert operator.call.plays[0] == ["operator_alert", "digit_1", "digit_0", "digit_3",
                                      "operator_missed", "operator_repeat"]


async def test_a_try_cut_off_on_the_last_try_is_answered_ur_once_at_the_restart(
    tmp_path: Path,
) -> None:
    desk = make_desk(tmp_path, retries=0)
    desk.check_in("101")
    desk.set_wakeup("101", "2026-03-10 07:00")

    async with desk.running():
        await desk.until(lambda: bool(desk.phone.dials))
        await desk.crash()
    restart_with_a_new_phone(desk)
    async with desk.running():
        await desk.until(lambda: bool(desk.answers()))
        await desk.clock.run_for(3600)

    assert desk.phone.dials_to(extension("101")) == []
    assert desk.answers() == [Answer("101", local("2026-03-10 07:00"), "UR")]
    assert desk.open_alerts()[0].outcome == "failed"


async def test_a_crash_after_the_answer_is_kept_neither_calls_again_nor_answers_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    desk = make_desk(tmp_path)
    desk.check_in("101")
    desk.set_wakeup("101", "2026-03-10 07:00")
    desk.phone.will(extension("101"), CONFIRMS)

    killed: list[str] = []

    def dies() -> None:
        killed.append("right after the commit")
        raise asyncio.CancelledError  # the process stops here: nothing after runs

    monkeypatch.setattr(desk.reporter, "nudge", dies)
    async with desk.running():
        await desk.until(lambda: bool(killed))
        await desk.crash()
    restart_with_a_new_phone(desk)
    async with desk.running():
        await desk.clock.run_for(3600)

    assert desk.phone.dials == []
    assert desk.answers() == [Answer("101", local("2026-03-10 07:00"), "OK")]


async def test_a_crash_while_the_answer_is_being_kept_leaves_neither_half(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    desk = make_desk(tmp_path, retries=0)
    desk.check_in("101")
    desk.set_wakeup("101", "2026-03-10 07:00")
    desk.phone.will(extension("101"), CONFIRMS)

    killed: list[str] = []

    def dies(*args: object, **kwargs: object) -> int:
        killed.append("between the job's update and its report")
        raise asyncio.CancelledError

    monkeypatch.setattr("connector.store.wakeups.add_report", dies)
    async with desk.running():
        await desk.until(lambda: bool(killed))
        await desk.crash()
    monkeypatch.undo()
    restart_with_a_new_phone(desk)
    [job] = desk.store.wakeup_jobs(["101"])
    assert (job.state, desk.answers()) == ("calling", [])  # neither half was kept
    async with desk.running():
        await desk.until(lambda: bool(desk.answers()))
        await desk.clock.run_for(3600)

    [job] = desk.store.wakeup_jobs(["101"])
    assert job.state == "done"
    assert desk.phone.dials_to(extension("101")) == []  # the room is not called again
    # The cut-off call may have rung: it counts as the (only) try, and is answered once.
    assert desk.answers() == [Answer("101", local("2026-03-10 07:00"), "UR")]
