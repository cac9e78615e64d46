"""The test bed itself: Kamailio behaves like a strict Zoom, and the sipp and baresip phones
do what the connector's integration tests rely on. sipp plays the connector's part here."""

from __future__ import annotations

import socket
import time
import uuid

import pytest

from tests.sip.peers.baresip import Baresip
from tests.sip.peers.kamailio import Kamailio
from tests.sip.peers.rtp_sink import RtpSink
from tests.sip.peers.sipp import RunOptions, Sipp


def test_registrar_challenges_a_register_then_accepts_the_digest(
    kamailio: Kamailio, sipp: Sipp
) -> None:
    before = kamailio.count("REGISTER", "1098")
    result = sipp.start("registrar_check", remote=kamailio.proxy(), user="1098").wait(10)
    assert result.ok, result
    assert kamailio.count("REGISTER", "1098") - before == 2  # the bare one, then with digest
    assert kamailio.wait_registered("1098", 2)

    removed = sipp.start("registrar_check", remote=kamailio.proxy(), user="1098",
                         expires=0).wait(10)
    assert removed.ok, removed
    assert "1098" not in kamailio.registrations()


def test_a_wrong_password_is_refused_at_the_registrar(kamailio: Kamailio, sipp: Sipp) -> None:
    result = sipp.start("registrar_check", remote=kamailio.proxy(), user="1097",
                        password="not-the-secret", options=RunOptions(timeout=5)).wait(10)
    assert not result.ok  # the scenario wants a 200 after the digest; Kamailio says 401 again
    assert "1097" not in kamailio.registrations()


def test_extension_2999_is_busy_after_the_proxy_challenge(kamailio: Kamailio, sipp: Sipp) -> None:
    before = kamailio.count("INVITE", "1001")
    result = sipp.as_line("2999", "line_gets_busy").wait(10)
    assert result.ok, result
    assert kamailio.count("INVITE", "1001") - before == 2  # challenged 407, then authorised


def test_our_line_reaches_a_room_phone_which_answers_and_presses_one(sipp: Sipp) -> None:
    heard = RtpSink()
    room = sipp.room("2101", "room_answer_digit", digit="1", ring_ms=200, digit_after_ms=300)
    line = sipp.as_line("2101", talk_ms=1200, sdp_media_port=heard.port)

    line_result = line.wait(15)
    room_result = room.wait(5)

    # The room phone only completes when the ACK and the BYE came along the route set.
    assert line_result.ok, line_result
    assert room_result.ok, room_result
    assert heard.keys() == "1"
    heard.close()


def test_a_bye_without_the_route_set_is_not_relayed(kamailio: Kamailio) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.settimeout(3)
        port = sock.getsockname()[1]
        bye = (
            f"BYE sip:room@127.0.0.1:26101 SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 127.0.0.1:{port};branch=z9hG4bK{uuid.uuid4().hex}\r\n"
            f"From: <sip:1001@127.0.0.1>;tag=a\r\nTo: <sip:2101@127.0.0.1>;tag=b\r\n"
            f"Call-ID: {uuid.uuid4().hex}\r\nCSeq: 3 BYE\r\nMax-Forwards: 70\r\n"
            f"Content-Length: 0\r\n\r\n"
        )
        sock.sendto(bye.encode(), (kamailio.host, kamailio.udp_port))
        answer = sock.recv(4096).decode()
    assert answer.startswith("SIP/2.0 404")


def test_a_ringing_room_is_cancelled_cleanly(sipp: Sipp) -> None:
    room = sipp.room("2102", "room_no_answer")
    line = sipp.as_line("2102", "line_cancels", cancel_after_ms=400)

    line_result = line.wait(15)
    room_result = room.wait(5)

    assert line_result.ok, line_result
    assert room_result.ok, room_result  # it saw CANCEL, sent 200 and 487, got the ACK


def test_a_busy_room_phone_answers_486(sipp: Sipp) -> None:
    room = sipp.room("2107", "room_busy")
    line = sipp.as_line("2107", "line_gets_busy")

    assert (result := line.wait(10)).ok, result
    assert (result := room.wait(5)).ok, result


def test_a_callers_keys_arrive_as_rfc4733_events_even_when_repeated(sipp: Sipp) -> None:
    heard = RtpSink()
    answering = sipp.room("2103", "room_answer_silent", ring_ms=100, sdp_media_port=heard.port)
    caller = sipp.start("caller_digits", remote=sipp.kamailio.proxy(), service="2103",
                        keys={"dialled": "7001"}, digits="1#1", first_key_after_ms=200,
                        gap_ms=300, hangup_after_ms=300)

    caller_result = caller.wait(15)
    answering_result = answering.wait(5)

    assert caller_result.ok, caller_result
    assert answering_result.ok, answering_result
    assert heard.keys() == "1#1"
    invite = (answering.run_dir / "messages.log").read_text()
    assert "To: <sip:7001@" in invite
    assert 'P-Asserted-Identity: "Housekeeping 7" <sip:+15557770007@sip.test>' in invite
    heard.close()


def test_a_callers_keys_can_come_as_sip_info(sipp: Sipp) -> None:
    answering = sipp.room("2105", "room_answer_silent", ring_ms=100,
                          options=RunOptions(auto_answer=True))
    caller = sipp.start("caller_info_digits", remote=sipp.kamailio.proxy(), service="2105",
                        keys={"dialled": "7002"}, digits="42#", first_key_after_ms=100,
                        gap_ms=100, hangup_after_ms=200, pai="")

    caller_result = caller.wait(15)
    answering_result = answering.wait(5)

    assert caller_result.ok, caller_result
    assert answering_result.ok, answering_result
    received = (answering.run_dir / "messages.log").read_text()
    assert [line for line in received.splitlines() if line.startswith("Signal=")] == [
        "Signal=4", "Signal=2", "Signal=#"]
    assert "P-Asserted-Identity" not in received


def test_a_caller_can_hang_up_right_after_one_key(sipp: Sipp) -> None:
    heard = RtpSink()
    answering = sipp.room("2108", "room_answer_silent", ring_ms=100, sdp_media_port=heard.port)
    caller = sipp.start("caller_hangs_up", remote=sipp.kamailio.proxy(), service="2108",
                        keys={"dialled": "7001"}, first_key_after_ms=100)

    assert (result := caller.wait(10)).ok, result
    assert (result := answering.wait(5)).ok, result
    assert heard.keys() == "1"
    heard.close()


def test_one_sipp_answers_many_concurrent_room_calls(sipp: Sipp) -> None:
    calls = RunOptions(calls=5, limit=5, rate=50)
    room = sipp.room("2106", "room_answer_digit", options=calls, digit_after_ms=200)
    line = sipp.as_line("2106", options=calls, talk_ms=800)

    line_result = line.wait(20)
    room_result = room.wait(5)

    assert (line_result.successful, line_result.failed) == (5, 0), line_result
    assert (room_result.successful, room_result.failed) == (5, 0), room_result


@pytest.mark.parametrize("transport", ["udp", "tls"])
def test_baresip_answers_a_call_on_its_registered_flow_and_keys_a_digit(
    kamailio: Kamailio, sipp: Sipp, baresip: Baresip, transport: str
) -> None:
    phone = baresip.start("2002", mediaenc=None, transport=transport)
    assert kamailio.registrations()["2002"]

    heard = RtpSink()
    line = sipp.as_line("2002", talk_ms=2000, sdp_media_port=heard.port)
    deadline = time.monotonic() + 5
    while not any(p.payload_type == 0 for p in heard.drain()) and time.monotonic() < deadline:
        time.sleep(0.05)  # answered once its prompt audio flows
    phone.send_dtmf("1")
    result = line.wait(15)

    assert result.ok, result
    assert heard.keys() == "1"
    assert sum(p.payload_type == 0 for p in heard.packets) > 25  # its prompt, as PCMU
    heard.close()
    phone.stop()
    stats = phone.rtp_stats()
    assert stats is not None and stats.tx_packets > 25 and stats.tx_errors == 0


def test_baresip_registers_over_tls_with_srtp_required(
    kamailio: Kamailio, baresip: Baresip
) -> None:
    baresip.start("2003", transport="tls", mediaenc="srtp-mand")
    contacts = kamailio.registrations()["2003"]
    assert any("transport=tls" in contact for contact in contacts)
