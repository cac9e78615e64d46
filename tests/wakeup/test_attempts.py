"""Each call of a wake-up is kept as an attempt (when it rang, how it ended), so the desk can
tell a guest "we called you at 07:00, 07:05 and 07:10 and nobody answered"; a call cut off
by a restart says so, and the attempts go with their wake-up when old records are pruned."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from connector.store import WakeupAttempt
from tests.wakeup.desk import START, Desk, extension, local, make_desk
from tests.wakeup.fakes import Answers, Busy, FakePhone


def attempts(desk: Desk, room: str) -> list[WakeupAttempt]:
    [job] = desk.store.wakeup_jobs([room])
    return desk.store.wakeup_attempts([job.id]).get(job.id, [])


async def test_a_wakeup_nobody_answers_three_times_keeps_each_call_and_how_it_ended(
    tmp_path: Path,
) -> None:
    desk = make_desk(tmp_path, retries=2)
    desk.check_in("1204")
    desk.set_wakeup("1204", "2026-03-10 07:00")

    async with desk.running():
        await desk.until(lambda: bool(desk.answers()))

    calls = attempts(desk, "1204")
    assert [(a.attempt, a.outcome) for a in calls] == [
        (1, "no_answer"), (2, "no_answer"), (3, "no_answer")]
    dials = desk.phone.dials_to(extension("1204"))
    assert [a.started_at for a in calls] == [
        START + timedelta(seconds=d.started) for d in dials]  # as each call was dialled
    assert all(a.ended_at is not None and a.ended_at > a.started_at for a in calls)
    assert calls[0].started_at == local("2026-03-10 07:00")


async def test_a_call_cut_off_by_a_restart_is_kept_as_interrupted_and_the_next_one_confirms(
    tmp_path: Path,
) -> None:
    desk = make_desk(tmp_path)
    desk.check_in("101")
    desk.set_wakeup("101", "2026-03-10 07:00")

    async with desk.running():
        await desk.until(lambda: bool(desk.phone.dials))
        await desk.crash()
    desk.phone = FakePhone(desk.clock, lines=2, otherwise=Answers(presses=["9"]))
    desk.open()
    assert [(a.attempt, a.outcome) for a in attempts(desk, "101")] == [(1, None)]  # ringing
    async with desk.running():
        await desk.until(lambda: bool(desk.answers()))

    assert [(a.attempt, a.outcome) for a in attempts(desk, "101")] == [
        (1, "interrupted (connector restarted)"), (2, "confirmed")]


async def test_a_wakeup_cleared_while_ringing_keeps_that_call_as_cleared(
    tmp_path: Path,
) -> None:
    desk = make_desk(tmp_path)
    desk.check_in("101")
    desk.set_wakeup("101", "2026-03-10 07:00")

    async with desk.running():
        await desk.until(lambda: bool(desk.phone.dials))
        desk.clear_wakeup("101")
        await desk.clock.run_for(600)

    [job] = desk.store.wakeup_jobs(["101"])
    assert job.state == "cancelled"
    assert [(a.attempt, a.outcome) for a in attempts(desk, "101")] == [
        (1, "cleared during the call")]


async def test_old_attempts_are_pruned_with_their_wakeup_even_a_few_at_a_time(
    tmp_path: Path,
) -> None:
    desk = make_desk(tmp_path)
    desk.check_in("101")
    desk.set_wakeup("101", "2026-03-10 07:00")
    desk.phone.will(extension("101"), Busy(), Busy(), Answers(presses=["9"]))
    async with desk.running():
        await desk.until(lambda: bool(desk.answers()))
    [job] = desk.store.wakeup_jobs(["101"])
    assert len(desk.store.wakeup_attempts([job.id])[job.id]) == 3

    steps = list(desk.store.prune_records(desk.clock.now() + timedelta(days=1), batch=1))

    assert len(steps) > 2  # one attempt a step: the wake-up went only after all three
    assert desk.store.wakeup_jobs(["101"]) == []
    assert desk.store.wakeup_attempts([job.id]) == {}
