"""Group wake-ups: thirty rooms at the same minute on five lines."""

from __future__ import annotations

import math
from pathlib import Path

from tests.wakeup.desk import extension, make_desk
from tests.wakeup.fakes import Answers, Rings

SEVEN = 7200.0  # 07:00, in seconds after the desk's start
# Answered after 5 s; message and "press 9" (5 prompts), the 9 a second later, then
# "confirmed, goodbye" (2 prompts): 13 s on the line.
CALL_SECONDS = 5 + 5 + 1 + 2


async def test_thirty_rooms_at_one_minute_share_five_lines_fairly_and_without_gaps(
    tmp_path: Path,
) -> None:
    rooms = [str(n) for n in range(101, 131)]
    desk = make_desk(tmp_path, lines=5)
    for room in reversed(rooms):  # set in the opposite order: the room order must win
        desk.check_in(room)
        desk.set_wakeup(room, "2026-03-10 07:00")
        desk.phone.will(extension(room), Answers(presses=["9"]))

    async with desk.running():
        await desk.until(lambda: len(desk.answers()) == 30)

    dials = desk.phone.dials
    assert [d.extension for d in dials] == [extension(room) for room in rooms]
    waves = [SEVEN + CALL_SECONDS * (n // 5) for n in range(30)]
    assert [d.started for d in dials] == waves  # each dial starts as a line frees
    last_end = max(d.call.ended_at for d in dials if d.call and d.call.ended_at)
    assert last_end - SEVEN == math.ceil(30 / 5) * CALL_SECONDS
    assert {a.status for a in desk.answers()} == {"OK"}


async def test_first_tries_go_before_retries_due_at_the_same_time(tmp_path: Path) -> None:
    desk = make_desk(tmp_path, lines=1, retry_interval_seconds=60, confirm="answer")
    desk.check_in("101")
    desk.check_in("102")
    desk.set_wakeup("101", "2026-03-10 06:59")  # rings out, retried at about 07:00:24
    desk.set_wakeup("102", "2026-03-10 07:00:24")
    desk.phone.will(extension("101"), Rings(), Answers())
    desk.phone.will(extension("102"), Answers())

    async with desk.running():
        await desk.until(lambda: len(desk.answers()) == 2)

    assert [(d.extension, d.started) for d in desk.phone.dials] == [
        (extension("101"), SEVEN - 60), (extension("102"), SEVEN + 24),
        (extension("101"), SEVEN + 24 + 5 + 4)]  # after 102's call: 5 s ringing, 4 prompts
