"""Room phones calling our lines (housekeeping codes, guest-set wake-ups): answered, caller
identified, digits collected by RFC 4733 and by SIP INFO."""

from __future__ import annotations

import asyncio
import socket

import pytest

from connector.sip.api import Call, CallEnded, CallerId
from connector.sip.message import Response, parse
from tests.sip.integration.pools import make_pool
from tests.sip.peers.kamailio import Kamailio
from tests.sip.peers.sipp import Sipp


class Desk:
    """An inbound handler that collects what the attendant keyed."""

    def __init__(self, expected_digits: int) -> None:
        self.expected = expected_digits
        self.callers: list[CallerId] = []
        self.digits: list[str] = []
        self.done = asyncio.Event()
        self.ended_by_caller = False

    async def __call__(self, call: Call, caller: CallerId) -> None:
        self.callers.append(caller)
        try:
            while len(self.digits) < self.expected:
                digit = await call.read_digit(5)
                if digit is None:
                    break
                self.digits.append(digit)
            await call.read_digit(5)  # the caller hangs up after keying
        except CallEnded:
            self.ended_by_caller = True
        finally:
            self.done.set()


@pytest.mark.parametrize(("scenario", "transport"), [
    ("caller_digits", "udp"), ("caller_info_digits", "udp"), ("caller_digits", "tls")])
async def test_attendant_call_is_answered_with_caller_id_and_digits(
        kamailio: Kamailio, sipp: Sipp, scenario: str, transport: str) -> None:
    desk = Desk(expected_digits=3)
    line = {"caller_digits": 1061, "caller_info_digits": 1062}[scenario] + (
        10 if transport == "tls" else 0)
    pool = make_pool(kamailio, transport=transport, first_line=line, inbound=desk)
    await pool.start()
    try:
        assert await pool.wait_ready(1, within=5)
        caller = sipp.call_line(str(line), dialled="7001", scenario=scenario, digits="42#")
        await asyncio.wait_for(desk.done.wait(), 15)
        outcome = await caller.wait_async(10)
    finally:
        await pool.stop()
    assert outcome.ok, outcome
    assert desk.digits == ["4", "2", "#"]
    assert desk.ended_by_caller
    assert desk.callers == [CallerId(number="+15557770007", name="Housekeeping 7",
                                     from_user="2104", dialled="7001")]


async def test_caller_hanging_up_mid_way_ends_the_call(kamailio: Kamailio, sipp: Sipp) -> None:
    desk = Desk(expected_digits=4)
    pool = make_pool(kamailio, first_line=1065, inbound=desk)
    await pool.start()
    try:
        assert await pool.wait_ready(1, within=5)
        caller = sipp.call_line("1065", scenario="caller_hangs_up")
        await asyncio.wait_for(desk.done.wait(), 15)
        outcome = await caller.wait_async(10)
    finally:
        await pool.stop()
    assert outcome.ok, outcome
    assert desk.ended_by_caller
    assert desk.digits == ["1"]


async def test_options_ping_is_answered(kamailio: Kamailio) -> None:
    pool = make_pool(kamailio, first_line=1066)
    await pool.start()
    try:
        assert await pool.wait_ready(1, within=5)
        host, port = pool.lines[0].agent.flow.local_address
        ping = (f"OPTIONS sip:1066@{host}:{port} SIP/2.0\r\n"
                "Via: SIP/2.0/UDP 127.0.0.1:1;branch=z9hG4bKping1;rport\r\n"
                "From: <sip:monitor@127.0.0.1>;tag=m1\r\nTo: <sip:1066@127.0.0.1>\r\n"
                "Call-ID: ping-1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
                "Content-Length: 0\r\n\r\n").encode()
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.bind(("127.0.0.1", 0))
            probe.setblocking(False)
            loop = asyncio.get_running_loop()
            await loop.sock_sendto(probe, ping, (host, port))
            data = await asyncio.wait_for(loop.sock_recv(probe, 4096), 2)
    finally:
        await pool.stop()
    answer = parse(data)
    assert isinstance(answer, Response) and answer.status == 200
    assert "INFO" in answer.header_values("Allow")
