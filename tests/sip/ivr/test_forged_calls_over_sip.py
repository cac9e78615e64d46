"""Only Zoom may call the room-phone services: an INVITE sent straight to the line's socket
from an address that is not the proxy's, claiming to be room 101 and dialling housekeeping,
is refused with 403 and the PMS hears nothing, while a real room phone calling through the
proxy still gets its status through."""

from __future__ import annotations

import asyncio
import socket

from tests.reporter.conftest import until
from tests.sip.ivr.conftest import FiasHotel
from tests.sip.ivr.room_phones import HOUSEKEEPING
from tests.sip.peers.sipp import Sipp

ATTACKER = "127.0.0.2"  # on loopback, but not the address the proxy (127.0.0.1) sends from


def forged_invite(line: str, target: tuple[str, int], source: tuple[str, int]) -> bytes:
    host, port = source
    sdp = (f"v=0\r\no=- 1 1 IN IP4 {host}\r\ns=-\r\nc=IN IP4 {host}\r\nt=0 0\r\n"
           f"m=audio {port + 2} RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n")
    return (
        f"INVITE sip:{line}@{target[0]}:{target[1]} SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP {host}:{port};branch=z9hG4bKforged1;rport\r\n"
        f"From: \"Room 101\" <sip:2101@{target[0]}>;tag=forged\r\n"
        f"To: <sip:{HOUSEKEEPING}@{target[0]}>\r\n"
        f"P-Asserted-Identity: <sip:2101@{target[0]}>\r\n"
        f"Call-ID: forged-1@{host}\r\nCSeq: 1 INVITE\r\n"
        f"Contact: <sip:2101@{host}:{port}>\r\nMax-Forwards: 70\r\n"
        f"Content-Type: application/sdp\r\nContent-Length: {len(sdp)}\r\n\r\n{sdp}"
    ).encode()


async def test_a_forged_housekeeping_call_is_refused_and_only_the_real_room_phone_reaches_the_pms(
        fias_hotel: FiasHotel, sipp: Sipp) -> None:
    phones, pms = fias_hotel.phones, fias_hotel.pms
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as attacker:
        attacker.bind((ATTACKER, 0))
        attacker.setblocking(False)
        attacker.sendto(forged_invite(phones.line, phones.address, attacker.getsockname()),
                        phones.address)
        answer = await asyncio.wait_for(asyncio.get_running_loop().sock_recv(attacker, 4096), 5)

    assert answer.startswith(b"SIP/2.0 403 Forbidden\r\n")
    assert phones.metric("connector_sip_refused_total", reason="untrusted_source") == 1

    genuine = phones.call(sipp, "102", HOUSEKEEPING, "2")  # room 102, vacant: clean (RS3)
    outcome = await genuine.wait_async(30)
    await until(lambda: len(pms.received_of("RE")) == 1)

    assert outcome.ok, str(outcome)
    assert [str(record) for record in pms.received_of("RE")] == ["RE|RN102|RS3|"]
    assert phones.store.room("101") is None  # the forged "room 101" changed nothing
    assert phones.metric("connector_ivr_calls_total", service="housekeeping",
                         outcome="recorded") == 1
