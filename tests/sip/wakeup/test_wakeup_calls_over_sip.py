"""One room's wake-up call over real SIP, from the PMS's request to its answer: our line
through the test "Zoom" (Kamailio: 407 on every INVITE from a line) to a room phone."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import time
from pathlib import Path

from connector.settings.phone import ConfirmMode, SrtpMode, WakeupSettings
from connector.sip.api import DialStatus
from connector.voice import speech
from connector.voice.library import PromptLibrary
from connector.wakeup import phrases
from tests.sip.peers.baresip import Baresip, RtpStats
from tests.sip.peers.kamailio import BUSY_EXTENSION, Kamailio
from tests.sip.peers.sipp import RunOptions, Sipp
from tests.sip.wakeup.hotel_phone import (
    SPEED,
    WAKE,
    Hotel,
    Lines,
    fias_date_time,
    room_extensions,
    wakeup_hotel,
)

WAKE_DA_TI = fias_date_time(WAKE)
MESSAGE = phrases.wakeup_message(speech, time(7, 0), clock_24h=False)
RETRY_INTERVAL = 10.0  # the shortest the settings allow: half a real second at SPEED


def line_invites(kamailio: Kamailio, lines: Lines) -> int:
    return sum(kamailio.count("INVITE", user) for user in lines.users)


async def test_guest_confirms_with_9_after_the_message_over_udp(
    kamailio: Kamailio, sipp: Sipp, prompt_library: PromptLibrary, tmp_path: Path
) -> None:
    question = [*MESSAGE, *phrases.press_to_confirm("9")]
    question_ms = round(sum(p.seconds for p in prompt_library.say(question, "en")) * 1000)
    room = sipp.room("2501", digit="9", digit_after_ms=question_ms + 1000)
    lines = Lines(first=1001)
    invites_before = line_invites(kamailio, lines)
    settings = WakeupSettings(confirm=ConfirmMode.PRESS_AFTER, confirm_wait_seconds=5,
                              retry_interval_seconds=RETRY_INTERVAL)
    async with wakeup_hotel(kamailio, tmp_path, prompt_library, rooms=room_extensions("501"),
                            settings=settings, lines=lines) as hotel:
        hotel.check_in("501")
        hotel.set_wakeup("501")
        await hotel.until_answered(["501"], within=30)
        job = hotel.jobs()["501"]

    assert hotel.answers_for("501") == [(*WAKE_DA_TI, "OK")]
    assert (job.state, job.answer, job.tries) == ("done", "OK", 1)
    assert [dial.status for dial in hotel.dials] == [DialStatus.ANSWERED]
    assert hotel.heard() == [question, list(phrases.confirmed())]
    # Our INVITE was challenged (407) and sent again with credentials: two, no more.
    assert line_invites(kamailio, lines) - invites_before == 2
    outcome = await room.wait_async(10)
    assert outcome.ok and outcome.successful == 1, outcome


async def test_guest_presses_1_first_then_hears_the_message_over_tls(
    kamailio: Kamailio, sipp: Sipp, prompt_library: PromptLibrary, tmp_path: Path
) -> None:
    room = sipp.room("2503", digit="1", digit_after_ms=1000)
    lines = Lines(first=1011, transport="tls")
    invites_before = line_invites(kamailio, lines)
    settings = WakeupSettings(confirm=ConfirmMode.PRESS_BEFORE,
                              retry_interval_seconds=RETRY_INTERVAL)
    async with wakeup_hotel(kamailio, tmp_path, prompt_library, rooms=room_extensions("503"),
                            settings=settings, lines=lines) as hotel:
        hotel.check_in("503")
        hotel.set_wakeup("503")
        await hotel.until_answered(["503"], within=30)
        job = hotel.jobs()["503"]

    assert hotel.answers_for("503") == [(*WAKE_DA_TI, "OK")]
    assert (job.state, job.answer, job.tries) == ("done", "OK", 1)
    assert hotel.heard() == [phrases.press_to_confirm("1"), [*MESSAGE, "goodbye"]]
    assert line_invites(kamailio, lines) - invites_before == 2  # over TLS: no retransmission
    outcome = await room.wait_async(10)
    assert outcome.ok and outcome.successful == 1, outcome


async def test_a_busy_room_is_tried_again_then_answered_busy(
    kamailio: Kamailio, prompt_library: PromptLibrary, tmp_path: Path
) -> None:
    settings = WakeupSettings(retries=1, retry_interval_seconds=RETRY_INTERVAL)
    async with wakeup_hotel(kamailio, tmp_path, prompt_library,
                            rooms={"999": BUSY_EXTENSION}, settings=settings,
                            lines=Lines(first=1021)) as hotel:
        hotel.check_in("999")
        hotel.set_wakeup("999")
        await hotel.until_answered(["999"], within=15)
        await hotel.until(lambda: [a.operator_call for a in hotel.open_alerts()]
                          == ["not_configured"], within=5, what="the alert's operator call")
        job = hotel.jobs()["999"]
        alerts = hotel.open_alerts()

    assert hotel.answers_for("999") == [(*WAKE_DA_TI, "BY")]
    assert (job.state, job.answer, job.tries) == ("done", "BY", 2)
    first, second = hotel.dials
    assert (first.status, second.status) == (DialStatus.BUSY, DialStatus.BUSY)
    # The retry waited its interval (10 s on the scheduler's clock) after the first try.
    assert second.started - first.ended >= RETRY_INTERVAL / SPEED * 0.9
    assert [(a.kind, a.room, a.tries, a.outcome) for a in alerts] == [
        ("wakeup_not_answered", "999", 2, "busy")]


async def test_an_unanswered_room_rings_out_twice_and_the_operator_is_told(
    kamailio: Kamailio, sipp: Sipp, prompt_library: PromptLibrary, tmp_path: Path
) -> None:
    room = sipp.room("2502", "room_no_answer", options=RunOptions(calls=2, timeout=40))
    operator = sipp.room("2500", "room_answer_silent")
    settings = WakeupSettings(ring_seconds=5, retries=1, retry_interval_seconds=RETRY_INTERVAL,
                              confirm_wait_seconds=1, operator_extension="2500")
    async with wakeup_hotel(kamailio, tmp_path, prompt_library, rooms=room_extensions("502"),
                            settings=settings, lines=Lines(first=1031)) as hotel:
        hotel.check_in("502")
        hotel.set_wakeup("502")
        await hotel.until_answered(["502"], within=20)
        await _operator_told(hotel)
        job = hotel.jobs()["502"]
        alerts = hotel.open_alerts()

    assert hotel.answers_for("502") == [(*WAKE_DA_TI, "NR")]
    assert (job.state, job.answer, job.tries) == ("done", "NR", 2)
    assert [(d.extension, d.status) for d in hotel.dials] == [
        ("2502", DialStatus.NO_ANSWER), ("2502", DialStatus.NO_ANSWER),
        ("2500", DialStatus.ANSWERED)]
    assert all(d.ended - d.started >= 5 for d in hotel.dials[:2])  # rang the ring time
    assert [(a.kind, a.room, a.tries, a.outcome, a.operator_call) for a in alerts] == [
        ("wakeup_not_answered", "502", 2, "no_answer", "answered")]
    assert hotel.heard() == [phrases.operator_not_answered(speech, "502", 2, busy=False)]
    # Each ring ended with our CANCEL: the room phone took CANCEL, 200, 487, ACK twice.
    rang = await room.wait_async(10)
    assert rang.ok and rang.successful == 2, rang
    told = await operator.wait_async(10)
    assert told.ok and told.successful == 1, told


async def _operator_told(hotel: Hotel) -> None:
    """The operator hears the alert once (no 1 pressed) before the call is noted."""
    await hotel.until(lambda: [a.operator_call for a in hotel.open_alerts()] == ["answered"],
                      within=20, what="the operator call noted on the alert")


async def test_a_real_phone_on_srtp_confirms_its_wakeup(
    kamailio: Kamailio, baresip: Baresip, prompt_library: PromptLibrary, tmp_path: Path
) -> None:
    phone = baresip.start("2504", mediaenc="srtp-mand")
    settings = WakeupSettings(confirm=ConfirmMode.PRESS_BEFORE,
                              retry_interval_seconds=RETRY_INTERVAL)
    lines = Lines(first=1041, transport="tls", srtp=SrtpMode.MANDATORY)
    async with wakeup_hotel(kamailio, tmp_path, prompt_library, rooms=room_extensions("504"),
                            settings=settings, lines=lines) as hotel:
        hotel.check_in("504")
        hotel.set_wakeup("504")
        await hotel.until(lambda: bool(hotel.dials), within=10, what="baresip answered")
        assert hotel.dials[0].status is DialStatus.ANSWERED, hotel.dials
        await asyncio.sleep(0.5)  # the question has begun: the digit answers it
        await asyncio.to_thread(phone.send_dtmf, "1")
        await hotel.until_answered(["504"], within=20)

    assert hotel.answers_for("504") == [(*WAKE_DA_TI, "OK")]
    assert hotel.heard() == [phrases.press_to_confirm("1"), [*MESSAGE, "goodbye"]]
    stats = await _rtp_stats_after_the_call(phone.rtp_stats)
    assert stats.rx_packets > 0, phone.log_text()[-2000:]
    assert (stats.rx_errors, stats.tx_errors) == (0, 0), stats


async def _rtp_stats_after_the_call(read: Callable[[], RtpStats | None]) -> RtpStats:
    """baresip prints its RTP stats once the call has ended; wait for them (a few s)."""
    for _ in range(50):
        stats = read()
        if stats is not None:
            return stats
        await asyncio.sleep(0.1)
    raise AssertionError("baresip printed no RTP stats after the call")
