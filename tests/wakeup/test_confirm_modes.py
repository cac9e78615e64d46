"""How a guest confirms: answering, a digit before the message, a digit after it; and the
snooze."""

from __future__ import annotations

from pathlib import Path

from tests.wakeup.desk import Answer, extension, local, make_desk
from tests.wakeup.fakes import Answers

MESSAGE = ["wakeup_greeting", "wakeup_time_is", "time_0700AM"]


async def one_call(tmp_path: Path, guest: Answers, **settings: object) -> tuple[list[str], str]:
    """What the guest heard on the first call, and the answer the PMS got."""
    desk = make_desk(tmp_path, retries=0, **settings)  # type: ignore[arg-type]
    desk.check_in("1204")
    desk.set_wakeup("1204", "2026-03-10 07:00")
    desk.phone.will(extension("1204"), guest)
    async with desk.running():
        await desk.until(lambda: bool(desk.answers()))
    call = desk.phone.dials[0].call
    assert call is not None
    return call.heard, desk.answers()[0].status


async def test_in_answer_mode_picking_up_is_confirmation(tmp_path: Path) -> None:
    heard, status = await one_call(tmp_path, Answers(), confirm="answer")

    assert (heard, status) == ([*MESSAGE, "goodbye"], "OK")


async def test_in_answer_mode_hanging_up_during_the_message_still_confirms(
    tmp_path: Path,
) -> None:
    heard, status = await one_call(tmp_path, Answers(hangs_up_after=0), confirm="answer")

    assert (heard, status) == ([], "OK")


async def test_press_before_plays_the_message_only_after_the_digit(tmp_path: Path) -> None:
    heard, status = await one_call(tmp_path, Answers(presses=["1"]), confirm="press_before")

    assert heard == ["press_to_confirm", "digit_1", *MESSAGE, "goodbye"]
    assert status == "OK"


async def test_press_before_without_the_digit_is_not_confirmed(tmp_path: Path) -> None:
    heard, status = await one_call(tmp_path, Answers(presses=["9", "3"]), confirm="press_before",
                                   message_plays=2)

    assert heard == ["press_to_confirm", "digit_1"] * 2
    assert status == "NR"


async def test_press_after_confirms_with_the_digit_after_the_message(tmp_path: Path) -> None:
    heard, status = await one_call(tmp_path, Answers(presses=["2", "9"]),
                                   confirm="press_after")

    assert heard == [*MESSAGE, "press_to_confirm", "digit_9", "wakeup_confirmed", "goodbye"]
    assert status == "OK"


async def test_press_after_repeats_the_message_then_gives_up(tmp_path: Path) -> None:
    heard, status = await one_call(tmp_path, Answers(), confirm="press_after", message_plays=3)

    assert heard == [*MESSAGE, "press_to_confirm", "digit_9"] * 3
    assert status == "NR"


async def test_hanging_up_before_confirming_is_not_a_confirmation(tmp_path: Path) -> None:
    _, status = await one_call(tmp_path, Answers(hangs_up_after=1), confirm="press_after")

    assert status == "NR"


async def test_a_snooze_calls_again_after_the_snooze_time_and_reports_once(
    tmp_path: Path,
) -> None:
    desk = make_desk(tmp_path, snooze_digit="5", snooze_minutes=10)
    desk.check_in("1204")
    desk.set_wakeup("1204", "2026-03-10 07:00")
    desk.phone.will(extension("1204"), Answers(presses=["5"]), Answers(presses=["9"]))

    async with desk.running():
        await desk.until(lambda: bool(desk.answers()))

    first, second = desk.phone.dials
    assert first.call is not None and second.call is not None
    assert first.call.heard == [
        *MESSAGE, "press_to_confirm", "digit_9", "snooze_offer", "digit_5",
        "snooze_set", "number_10", "minutes", "goodbye"]
    assert first.call.ended_at is not None
    assert second.started == first.call.ended_at + 600
    assert second.call.heard[:3] == ["wakeup_greeting", "wakeup_time_is", "time_0710AM"]
    assert desk.answers() == [Answer("1204", local("2026-03-10 07:00"), "OK")]


async def test_a_snooze_starts_a_new_set_of_tries(tmp_path: Path) -> None:
    desk = make_desk(tmp_path, snooze_digit="5", retries=1)
    desk.check_in("1204")
    desk.set_wakeup("1204", "2026-03-10 07:00")
    desk.phone.will(extension("1204"), Answers(), Answers(presses=["5"]))

    async with desk.running():
        await desk.until(lambda: bool(desk.answers()))

    # unconfirmed, snoozed (tries start again), then two more tries that ring out
    assert len(desk.phone.dials_to(extension("1204"))) == 4
    assert desk.answers() == [Answer("1204", local("2026-03-10 07:00"), "NR")]


async def test_after_three_snoozes_no_more_snooze_is_offered(tmp_path: Path) -> None:
    desk = make_desk(tmp_path, snooze_digit="5", confirm="answer")
    desk.check_in("1204")
    desk.set_wakeup("1204", "2026-03-10 07:00")
    desk.phone.will(extension("1204"), *[Answers(presses=["5"])] * 4)

    async with desk.running():
        await desk.until(lambda: bool(desk.answers()))

    calls = [d.call for d in desk.phone.dials]
    assert len(calls) == 4
    assert calls[3] is not None and "snooze_offer" not in calls[3].heard
    assert desk.answers()[0].status == "OK"
