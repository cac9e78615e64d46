"""A wake-up as the guest, the PMS and the front desk live it: the call, the retries, the
escalation and the one answer to the PMS."""

from __future__ import annotations

from pathlib import Path

from tests.wakeup.desk import OPERATOR, Answer, extension, local, make_desk
from tests.wakeup.fakes import Answers, Busy, Fails, Rings


async def test_a_confirmed_wakeup_is_reported_ok_once_with_the_requested_time(
    tmp_path: Path,
) -> None:
    desk = make_desk(tmp_path)
    desk.check_in("1204")
    desk.set_wakeup("1204", "2026-03-10 07:00")
    desk.phone.will(extension("1204"), Answers(presses=["9"]))

    async with desk.running():
        await desk.until(lambda: bool(desk.answers()))
        await desk.clock.run_for(3600)

    [dial] = desk.phone.dials
    assert desk.clock.now() > local("2026-03-10 07:00")
    assert dial.started == (local("2026-03-10 07:00") - local("2026-03-10 05:00")).total_seconds()
    assert dial.call is not None
    assert dial.call.heard == [
        "wakeup_greeting", "wakeup_time_is", "time_0700AM", "press_to_confirm", "digit_9",
        "wakeup_confirmed", "goodbye"]
    assert desk.answers() == [Answer("1204", local("2026-03-10 07:00"), "OK")]
    assert desk.open_alerts() == []
    assert desk.metric("connector_wakeup_calls_total", outcome="confirmed") == 1


async def test_a_busy_room_is_tried_again_after_the_interval_and_then_confirms(
    tmp_path: Path,
) -> None:
    desk = make_desk(tmp_path)
    desk.check_in("1204")
    desk.set_wakeup("1204", "2026-03-10 07:00")
    desk.phone.will(extension("1204"), Busy(), Answers(presses=["9"]))

    async with desk.running():
        await desk.until(lambda: bool(desk.answers()))

    first, second = desk.phone.dials
    assert second.started - first.started == 1 + 300  # busy for a second, then the interval
    assert desk.answers() == [Answer("1204", local("2026-03-10 07:00"), "OK")]


async def test_a_room_that_never_answers_is_escalated_to_the_operator_and_reported_nr(
    tmp_path: Path,
) -> None:
    desk = make_desk(tmp_path)
    desk.check_in("1204")
    desk.set_wakeup("1204", "2026-03-10 07:00")
    desk.phone.will(OPERATOR, Answers(presses=["1"]))

    async with desk.running():
        await desk.until(lambda: bool(desk.open_alerts())
                         and desk.open_alerts()[0].operator_call is not None)

    room_dials = desk.phone.dials_to(extension("1204"))
    assert len(room_dials) == 4  # the first try and three retries
    assert [d.ring_timeout for d in room_dials] == [24] * 4
    [operator] = desk.phone.dials_to(OPERATOR)
    assert operator.call is not None
    told = ["operator_alert", "digit_1", "digit_2", "digit_0", "digit_4",
            "operator_not_answered", "number_4", "tries", "operator_repeat"]
    assert operator.call.plays == [told, told]  # the operator pressed 1 to hear it again
    [alert] = desk.open_alerts()
    assert (alert.kind, alert.room, alert.tries, alert.outcome, alert.operator_call) == (
        "wakeup_not_answered", "1204", 4, "no_answer", "answered")
    assert alert.requested_at == local("2026-03-10 07:00")
    assert desk.answers() == [Answer("1204", local("2026-03-10 07:00"), "NR")]
    assert desk.metric("connector_wakeup_escalations_total", kind="wakeup_not_answered") == 1
    assert desk.metric("connector_wakeup_calls_total", outcome="no_answer") == 4
    assert desk.metric("connector_wakeup_alerts_open") == 1


async def test_the_answer_reflects_the_last_try(tmp_path: Path) -> None:
    desk = make_desk(tmp_path, retries=1)
    desk.check_in("1204")
    desk.set_wakeup("1204", "2026-03-10 07:00")
    desk.phone.will(extension("1204"), Rings(), Busy())

    async with desk.running():
        await desk.until(lambda: bool(desk.answers()))

    assert desk.answers() == [Answer("1204", local("2026-03-10 07:00"), "BY")]
    assert desk.open_alerts()[0].outcome == "busy"


async def test_a_guest_who_answers_but_never_confirms_is_retried_then_reported_nr(
    tmp_path: Path,
) -> None:
    desk = make_desk(tmp_path, retries=1)
    desk.check_in("1204")
    desk.set_wakeup("1204", "2026-03-10 07:00")
    desk.phone.will(extension("1204"), Answers(), Answers(presses=["4"]))

    async with desk.running():
        await desk.until(lambda: bool(desk.answers()))

    assert len(desk.phone.dials_to(extension("1204"))) == 2
    assert desk.answers() == [Answer("1204", local("2026-03-10 07:00"), "NR")]
    assert desk.open_alerts()[0].outcome == "unconfirmed"


async def test_with_no_lines_the_wakeup_is_retried_then_reported_ur_and_escalated(
    tmp_path: Path,
) -> None:
    desk = make_desk(tmp_path, retries=2)
    desk.phone.otherwise = Fails()
    desk.check_in("1204")
    desk.set_wakeup("1204", "2026-03-10 07:00")

    async with desk.running():
        await desk.until(lambda: bool(desk.open_alerts())
                         and desk.open_alerts()[0].operator_call is not None)

    assert len(desk.phone.dials_to(extension("1204"))) == 3
    assert desk.answers() == [Answer("1204", local("2026-03-10 07:00"), "UR")]
    [alert] = desk.open_alerts()
    assert (alert.outcome, alert.operator_call) == ("failed", "failed")  # the alert stays


async def test_the_message_is_in_the_primary_guests_language(tmp_path: Path) -> None:
    desk = make_desk(tmp_path, confirm="answer")
    desk.check_in("1204", language="pt")
    desk.set_wakeup("1204", "2026-03-10 07:00")
    desk.phone.will(extension("1204"), Answers())

    async with desk.running():
        await desk.until(lambda: bool(desk.answers()))

    assert {language for _, language in desk.voice.asked} == {"pt"}
    assert desk.answers()[0].status == "OK"


async def test_several_wakeups_in_one_room_are_each_called_and_answered(tmp_path: Path) -> None:
    desk = make_desk(tmp_path, confirm="answer")
    desk.check_in("1204")
    desk.set_wakeup("1204", "2026-03-10 06:30")
    desk.set_wakeup("1204", "2026-03-10 07:15")
    desk.phone.will(extension("1204"), Answers(), Answers())

    async with desk.running():
        await desk.until(lambda: len(desk.answers()) == 2)

    assert [a.requested_at for a in desk.answers()] == [local("2026-03-10 06:30"),
                                                         local("2026-03-10 07:15")]
    assert [d.started for d in desk.phone.dials] == [5400, 8100]
