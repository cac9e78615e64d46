"""A room phone calling the connector's line: delivered to the line's registered contact
with the room's extension asserted, digits keyed once the prompt plays."""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest

from connector.sandbox import Sandbox
from connector.sandbox.sip.calls import Direction, Outcome
from connector.sandbox.sip.side import SipSide, SipSideError
from connector.sip.api import Call, CallerId, Prompt
from connector.sip.pool import LinePool
from tests.sandbox.sip.conftest import device_lines, pool_for


def tone(seconds: float) -> Prompt:
    samples = int(8000 * seconds)
    pcm = b"".join(int(8000 * math.sin(2 * math.pi * 440 * n / 8000)).to_bytes(
        2, "little", signed=True) for n in range(samples))
    return Prompt("menu", pcm)


@dataclass
class Service:
    """A stand-in for the room-phone services: a menu, up to two keys, then it hangs up."""

    callers: list[CallerId] = field(default_factory=list)
    keyed: list[str] = field(default_factory=list)

    async def __call__(self, call: Call, caller: CallerId) -> None:
        self.callers.append(caller)
        call.clear_digits()
        await call.play([tone(3.0)], interrupt_on_digit=True)
        keys = ""
        while len(keys) < 2 and (key := await call.read_digit(3)) is not None:
            keys += key
        self.keyed.append(keys)
        await call.hangup()


@pytest.fixture
async def answering(sip_side: SipSide, sandbox: Sandbox) -> AsyncIterator[Service]:
    service = Service()
    pool = pool_for(sip_side, device_lines(sandbox), inbound=service)
    await pool.start()
    try:
        assert await pool.wait_ready(1, within=5)
        yield service
    finally:
        await pool.stop()


async def test_a_room_phone_dials_a_service_and_keys_during_the_prompt(
        answering: Service, sip_side: SipSide) -> None:
    call = await sip_side.room_calls(extension="2102", dialled="7001", digits="42",
                                     digit_delay=0.5, hang_up_after=5)
    assert answering.callers == [CallerId(number="2102", name="Room 2102", from_user="2102",
                                          dialled="7001")]
    assert answering.keyed == ["42"]
    assert call.direction is Direction.FROM_ROOM and call.outcome is Outcome.ANSWERED
    assert call.digits_sent == ["4", "2"] and call.ended_by == "connector"
    assert call.audio_packets_received > 0 and call.ended


async def test_a_room_phone_hangs_up_itself_when_the_service_talks_on(
        answering: Service, sip_side: SipSide) -> None:
    call = await sip_side.room_calls(extension="2103", dialled="7001", digits="",
                                     hang_up_after=0.5)
    assert call.ended_by == "room"
    assert answering.callers[0].number == "2103"


async def test_a_room_call_needs_a_registered_line(sip_side: SipSide) -> None:
    with pytest.raises(SipSideError, match="no connector line"):
        await sip_side.room_calls(extension="2102", dialled="7001")


async def test_a_line_is_reached_by_its_own_user_name(pool: LinePool, sip_side: SipSide,
                                                      sandbox: Sandbox) -> None:
    # No inbound handler: the pool turns the call down, and the phone sees why.
    line = device_lines(sandbox)[2].user
    call = await sip_side.room_calls(extension="2102", dialled="7001", line=line)
    assert call.line == line and call.outcome is Outcome.REFUSED and call.sip_status == 480
