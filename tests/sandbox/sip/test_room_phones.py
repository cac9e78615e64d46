"""The connector's own line pool against the SIP side: the lines register with the demo
hotel's device credentials, and each room phone answers, is busy or rings as scripted."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from connector.sandbox import Sandbox
from connector.sandbox.sip.behaviour import ANSWERS_SILENTLY, PhoneBehaviour, Pickup
from connector.sandbox.sip.calls import Direction, Outcome, PhoneCall
from connector.sandbox.sip.side import SipSide
from connector.settings.phone import SrtpMode
from connector.sip.api import DialStatus
from connector.sip.pool import LinePool
from tests.sandbox.sip.conftest import device_lines, pool_for


def finished(sip: SipSide, extension: str) -> asyncio.Future[PhoneCall]:
    return asyncio.ensure_future(sip.calls.wait_for(
        lambda call: call.extension == extension and call.ended, within=10))


async def test_every_line_of_the_device_registers(pool: LinePool, sip_side: SipSide,
                                                  sandbox: Sandbox) -> None:
    users = {line.user for line in device_lines(sandbox)}
    assert {binding.user for binding in sip_side.registered()} == users
    assert pool.lines_ready == len(users) == 4


async def test_lines_with_a_wrong_password_do_not_register(sip_side: SipSide,
                                                           sandbox: Sandbox) -> None:
    pool = pool_for(sip_side, device_lines(sandbox, password="not-the-password"))
    await pool.start()
    try:
        assert not await pool.wait_ready(1, within=1.5)
    finally:
        await pool.stop()
    assert sip_side.registered() == []


async def test_a_room_phone_answers_and_presses_9_once_the_message_plays(
        pool: LinePool, sip_side: SipSide) -> None:
    result = await pool.dial("2101", ring_timeout=10)
    assert result.status is DialStatus.ANSWERED and result.call is not None
    assert await result.call.read_digit(6) == "9"
    await result.call.hangup()
    call = await finished(sip_side, "2101")
    assert call.direction is Direction.TO_ROOM and call.outcome is Outcome.ANSWERED
    assert call.digits_sent == ["9"] and call.ended_by == "connector"
    assert call.audio_packets_received > 0


async def test_a_busy_room_answers_486(pool: LinePool, sip_side: SipSide) -> None:
    sip_side.behaviours.set("2102", PhoneBehaviour(pickup=Pickup.BUSY))
    result = await pool.dial("2102", ring_timeout=10)
    assert result.status is DialStatus.BUSY and result.sip_code == 486
    call = await finished(sip_side, "2102")
    assert call.outcome is Outcome.BUSY and call.answered_at is None


async def test_a_room_nobody_answers_rings_until_the_line_cancels(
        pool: LinePool, sip_side: SipSide) -> None:
    sip_side.behaviours.set("2103", PhoneBehaviour(pickup=Pickup.NO_ANSWER))
    result = await pool.dial("2103", ring_timeout=1)
    assert result.status is DialStatus.NO_ANSWER
    call = await finished(sip_side, "2103")
    assert call.outcome is Outcome.CANCELLED and call.sip_status == 487


async def test_a_silent_room_answers_and_keys_nothing(pool: LinePool, sip_side: SipSide) -> None:
    sip_side.behaviours.set("2104", replace(ANSWERS_SILENTLY, answer_after=0.2))
    result = await pool.dial("2104", ring_timeout=10)
    assert result.status is DialStatus.ANSWERED and result.call is not None
    assert await result.call.read_digit(2) is None
    await result.call.hangup()
    assert (await finished(sip_side, "2104")).digits_sent == []


async def test_an_extension_nobody_has_is_not_found(pool: LinePool) -> None:
    result = await pool.dial("9999", ring_timeout=5)
    assert result.status is DialStatus.FAILED and result.sip_code == 404


async def test_a_line_that_requires_srtp_still_reaches_the_room(sip_side: SipSide,
                                                                sandbox: Sandbox) -> None:
    sip_side.behaviours.set("2105", PhoneBehaviour(answer_after=0.2, press_after=0.5))
    pool = pool_for(sip_side, device_lines(sandbox)[:1], srtp=SrtpMode.MANDATORY)
    await pool.start()
    try:
        assert await pool.wait_ready(1, within=5)
        result = await pool.dial("2105", ring_timeout=5)
        assert result.status is DialStatus.ANSWERED and result.call is not None
        assert await result.call.read_digit(3) == "9"
        await result.call.hangup()
    finally:
        await pool.stop()
