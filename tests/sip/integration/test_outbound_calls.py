"""Wake-up style calls from our lines through the test "Zoom" (Kamailio) to room phones."""

from __future__ import annotations

import asyncio

import pytest
from prometheus_client import CollectorRegistry

from connector.settings.phone import SrtpMode
from connector.sip.api import DialStatus
from tests.sip.integration.pools import make_pool, tone
from tests.sip.peers.baresip import Baresip
from tests.sip.peers.kamailio import BUSY_EXTENSION, Kamailio
from tests.sip.peers.sipp import RunOptions, Sipp


@pytest.mark.parametrize("transport", ["udp", "tcp", "tls"])
async def test_room_answers_and_confirms_with_a_digit(kamailio: Kamailio, sipp: Sipp,
                                                      transport: str) -> None:
    room = sipp.room("2101", digit="1", digit_after_ms=500)
    registry = CollectorRegistry()
    pool = make_pool(kamailio, transport=transport, registry=registry)
    await pool.start()
    try:
        assert await pool.wait_ready(1, within=5)
        result = await pool.dial("2101", ring_timeout=10)
        assert result.status is DialStatus.ANSWERED, result
        assert result.call is not None
        assert await result.call.read_digit(5) == "1"
        await result.call.hangup()
        assert result.call.ended
    finally:
        await pool.stop()
    outcome = await room.wait_async(10)
    assert outcome.ok, outcome
    assert registry.get_sample_value(
        "connector_sip_calls_total", {"direction": "outbound", "outcome": "answered"}) == 1


async def test_busy_room_is_reported_busy(kamailio: Kamailio) -> None:
    pool = make_pool(kamailio)
    await pool.start()
    try:
        assert await pool.wait_ready(1, within=5)
        result = await pool.dial(BUSY_EXTENSION, ring_timeout=5)
    finally:
        await pool.stop()
    assert (result.status, result.sip_code) == (DialStatus.BUSY, 486)


async def test_unanswered_room_is_cancelled_at_the_ring_timeout(kamailio: Kamailio,
                                                                sipp: Sipp) -> None:
    room = sipp.room("2102", "room_no_answer")
    pool = make_pool(kamailio)
    await pool.start()
    try:
        assert await pool.wait_ready(1, within=5)
        result = await pool.dial("2102", ring_timeout=1.5)
    finally:
        await pool.stop()
    assert result.status is DialStatus.NO_ANSWER, result
    outcome = await room.wait_async(10)
    assert outcome.ok, outcome


async def test_dial_without_a_registered_line_fails_at_once(kamailio: Kamailio) -> None:
    pool = make_pool(kamailio)
    result = await pool.dial("2101", ring_timeout=5)
    assert result.status is DialStatus.FAILED
    assert "no SIP line registered" in result.reason


async def test_24_lines_place_24_simultaneous_wakeup_calls(kamailio: Kamailio,
                                                           sipp: Sipp) -> None:
    room = sipp.room("2103", digit="5", digit_after_ms=800,
                     options=RunOptions(calls=24, limit=24, timeout=40))
    pool = make_pool(kamailio, lines=24)
    await pool.start()
    try:
        assert await pool.wait_ready(24, within=10)

        async def wake() -> str | None:
            result = await pool.dial("2103", ring_timeout=15)
            assert result.status is DialStatus.ANSWERED, result
            assert result.call is not None
            digit = await result.call.read_digit(8)
            await result.call.hangup()
            return digit

        digits = await asyncio.gather(*(wake() for _ in range(24)))
    finally:
        await pool.stop()
    assert digits == ["5"] * 24
    outcome = await room.wait_async(15)
    assert outcome.ok and outcome.successful == 24, outcome


async def test_calls_survive_15_percent_sip_loss(kamailio: Kamailio, sipp: Sipp) -> None:
    # sipp aborts a call when Kamailio re-sends an INVITE (its 180 and 200 both "lost") while
    # it waits for the ACK: ringing for 1 s lets the 180 be repeated first, making that rare;
    # a wake-up tries again after such a room-phone failure, and so do we.
    room = sipp.room("2104", digit="3", digit_after_ms=500, ring_ms=1000,
                     options=RunOptions(calls=16, limit=8, lost=15, timeout=60))
    pool = make_pool(kamailio, lines=8, first_line=1031)
    await pool.start()
    try:
        assert await pool.wait_ready(8, within=10)

        async def wake() -> str | None:
            for _ in range(2):
                result = await pool.dial("2104", ring_timeout=8)
                if result.call is not None:
                    digit = await result.call.read_digit(15)
                    await result.call.hangup()
                    return digit
            return None

        digits = await asyncio.gather(*(wake() for _ in range(8)))
        await asyncio.sleep(1)  # let the last BYEs through the lossy room phone
    finally:
        await pool.stop()
    assert digits == ["3"] * 8
    outcome = room.stop()
    assert outcome.successful >= 8, outcome


async def test_lines_wait_their_turn_when_all_are_busy(kamailio: Kamailio, sipp: Sipp) -> None:
    room = sipp.room("2105", "room_answer_silent", options=RunOptions(calls=3, limit=3))
    pool = make_pool(kamailio, first_line=1041)
    await pool.start()
    try:
        assert await pool.wait_ready(1, within=5)
        first = await pool.dial("2105", ring_timeout=10)
        assert first.call is not None
        second = asyncio.create_task(pool.dial("2105", ring_timeout=10))
        await asyncio.sleep(0.5)
        assert not second.done()  # the only line is on a call
        await first.call.hangup()
        result = await asyncio.wait_for(second, 10)
        assert result.status is DialStatus.ANSWERED and result.call is not None
        await result.call.hangup()
    finally:
        await pool.stop()
    room.stop()


async def test_srtp_call_to_a_real_phone_carries_prompt_and_digit(kamailio: Kamailio,
                                                                  baresip: Baresip) -> None:
    phone = baresip.start("2002", mediaenc="srtp-mand")
    pool = make_pool(kamailio, transport="tls", srtp=SrtpMode.MANDATORY, first_line=1051)
    await pool.start()
    try:
        assert await pool.wait_ready(1, within=5)
        result = await pool.dial("2002", ring_timeout=10)
        assert result.status is DialStatus.ANSWERED, result
        assert result.call is not None
        await result.call.play([tone(1.0)])
        await asyncio.to_thread(phone.send_dtmf, "1")
        assert await result.call.read_digit(5) == "1"
        await result.call.hangup()
    finally:
        await pool.stop()
    await asyncio.sleep(0.5)
    stats = phone.rtp_stats()
    assert stats is not None and stats.rx_packets > 0, phone.log_text()[-2000:]
    assert stats.rx_errors == 0 and stats.tx_errors == 0
