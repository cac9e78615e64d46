"""MediaStream on loopback: two calls' ends exchanging audio and digits, plain and SRTP."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest

from connector.settings.phone import SrtpMode
from connector.sip.api import CallEnded, Prompt
from connector.sip.media import dtmf, rtp
from connector.sip.media.clock import MediaClock
from connector.sip.media.errors import MediaError, SdpError
from connector.sip.media.rtp import RtpPacket
from connector.sip.media.stream import MediaStream
from tests.sip.media.signals import best_aligned_snr, from_pcm, speech_like, to_pcm

HOST = "127.0.0.1"
PORT_MIN, PORT_MAX = 42000, 42998


async def open_stream(clock: MediaClock, srtp: SrtpMode = SrtpMode.OFF, *,
                      record: bool = False) -> MediaStream:
    return await MediaStream.open(bind_host=HOST, advertised_host=HOST, port_min=PORT_MIN,
                                  port_max=PORT_MAX, clock=clock, srtp=srtp, record=record)


@pytest.fixture
async def media_clock() -> MediaClock:
    return MediaClock()


@pytest.fixture
async def streams() -> AsyncIterator[list[MediaStream]]:
    """Streams a test opened; closed at the end whatever happened."""
    opened: list[MediaStream] = []
    yield opened
    for stream in opened:
        await stream.close()


async def connected_pair(clock: MediaClock, srtp: SrtpMode, opened: list[MediaStream]
                         ) -> tuple[MediaStream, MediaStream]:
    """A wake-up call: we (the caller) offer, the room phone (callee) answers and records."""
    caller = await open_stream(clock, srtp)
    callee = await open_stream(clock, srtp, record=True)
    opened += [caller, callee]
    caller.accept_answer(callee.answer(caller.offer()))
    caller.start()
    callee.start()
    return caller, callee


class RawPeer(asyncio.DatagramProtocol):
    """A bare UDP socket standing in for a phone: sends what the test says, keeps what
    arrives."""

    def __init__(self) -> None:
        self.received: list[bytes] = []

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        self.received.append(data)


async def raw_peer() -> tuple[asyncio.DatagramTransport, RawPeer, int]:
    transport, peer = await asyncio.get_running_loop().create_datagram_endpoint(
        RawPeer, local_addr=(HOST, 0))
    return transport, peer, transport.get_extra_info("sockname")[1]


def plain_offer(port: int) -> str:
    return (f"v=0\r\no=- 1 1 IN IP4 {HOST}\r\ns=-\r\nc=IN IP4 {HOST}\r\nt=0 0\r\n"
            f"m=audio {port} RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n")


@pytest.mark.parametrize("srtp", [SrtpMode.OFF, SrtpMode.MANDATORY])
async def test_a_played_prompt_arrives_clean_and_a_digit_arrives_once(
        media_clock: MediaClock, streams: list[MediaStream], srtp: SrtpMode) -> None:
    caller, callee = await connected_pair(media_clock, srtp, streams)
    speech = speech_like(0.6)

    await caller.play([Prompt("wake-up", to_pcm(speech[:2400])),
                       Prompt("press-1", to_pcm(speech[2400:]))])
    caller.send_digit("5")
    digit = await callee.read_digit(timeout=2.0)
    again = await callee.read_digit(timeout=0.3)

    assert (digit, again) == ("5", None)
    assert best_aligned_snr(speech, from_pcm(callee.received_pcm), step=160) > 35
    stats = callee.stats
    assert (stats.bad_packets, stats.srtp_errors, stats.digits) == (0, 0, 1)
    assert stats.packets_received >= 30 + 7
    assert caller.stats.packets_sent >= stats.packets_received


async def test_silence_flows_while_nothing_plays(media_clock: MediaClock,
                                                 streams: list[MediaStream]) -> None:
    _, callee = await connected_pair(media_clock, SrtpMode.OPTIONAL, streams)
    await asyncio.sleep(0.2)
    received = from_pcm(callee.received_pcm)
    assert len(received) >= 5 * 160
    assert max(map(abs, received)) == 0


async def test_a_digit_stops_an_interruptible_prompt_and_stays_queued(
        media_clock: MediaClock, streams: list[MediaStream]) -> None:
    caller, callee = await connected_pair(media_clock, SrtpMode.MANDATORY, streams)
    long_prompt = Prompt("menu", b"\0" * 16000 * 10)  # 10 s

    playing = asyncio.ensure_future(callee.play([long_prompt], interrupt_on_digit=True))
    await asyncio.sleep(0.1)
    caller.send_digit("#")
    await asyncio.wait_for(playing, timeout=2.0)

    assert await callee.read_digit(timeout=0.0) == "#"


async def test_a_queued_digit_ends_an_interruptible_prompt_before_it_starts(
        media_clock: MediaClock, streams: list[MediaStream]) -> None:
    _, callee = await connected_pair(media_clock, SrtpMode.OFF, streams)
    callee.push_digit("3")
    await asyncio.wait_for(callee.play([Prompt("menu", b"\0" * 16000)],
                                       interrupt_on_digit=True), timeout=0.1)
    assert await callee.read_digit(timeout=0.0) == "3"


async def test_rfc_4733_packets_from_a_phone_give_each_digit_once_and_latch_the_address(
        media_clock: MediaClock, streams: list[MediaStream]) -> None:
    transport, phone, _ = await raw_peer()
    decoy, _, decoy_port = await raw_peer()
    try:
        stream = await open_stream(media_clock)
        streams.append(stream)
        stream.answer(plain_offer(decoy_port))  # the SDP names another port (NAT)
        stream.start()
        sequence = 1
        for timestamp, digit in ((8000, "4"), (16000, "2"), (24000, "2")):
            events = dtmf.digit_events(digit)
            for index, event in enumerate(events + events[-1:]):  # one extra end packet
                if digit == "4" and index == 0:
                    continue  # the marker packet is lost
                packet = RtpPacket(101, sequence, timestamp, 77, dtmf.encode_event(event),
                                   marker=index == 0)
                transport.sendto(rtp.build(packet), (HOST, stream.local_port))
                sequence += 1
        digits = [await stream.read_digit(timeout=1.0) for _ in range(3)]
        assert digits == ["4", "2", "2"]
        assert await stream.read_digit(timeout=0.1) is None
        await asyncio.sleep(0.1)
        # Symmetric RTP: our frames now go where the phone's packets came from.
        assert phone.received
        assert rtp.parse(phone.received[-1]).payload_type == 0
    finally:
        transport.close()
        decoy.close()


async def test_sip_info_digits_join_the_same_queue_and_can_be_cleared(
        media_clock: MediaClock, streams: list[MediaStream]) -> None:
    _, callee = await connected_pair(media_clock, SrtpMode.OFF, streams)
    callee.push_digit("7")
    assert await callee.read_digit(timeout=0.0) == "7"
    callee.push_digit("1")
    callee.clear_digits()
    assert await callee.read_digit(timeout=0.05) is None


@pytest.mark.parametrize(("srtp", "counter"), [(SrtpMode.OFF, "bad_packets"),
                                               (SrtpMode.MANDATORY, "srtp_errors")])
async def test_garbage_datagrams_are_counted_and_dropped(
        media_clock: MediaClock, streams: list[MediaStream], srtp: SrtpMode,
        counter: str) -> None:
    caller, callee = await connected_pair(media_clock, srtp, streams)
    transport, _, _ = await raw_peer()
    try:
        for garbage in (b"\x80", b"\x00" * 3, b"\x40" + b"\x00" * 20, b"\x80\x7f" + b"\x00" * 30):
            transport.sendto(garbage, (HOST, callee.local_port))
        await asyncio.sleep(0.1)
    finally:
        transport.close()
    assert getattr(callee.stats, counter) == 4
    await caller.play([Prompt("still-working", b"\0" * 3200)])
    assert await callee.read_digit(timeout=0.0) is None


async def test_closing_ends_a_pending_read_and_play_with_call_ended(
        media_clock: MediaClock, streams: list[MediaStream]) -> None:
    caller, _ = await connected_pair(media_clock, SrtpMode.OFF, streams)
    reading = asyncio.ensure_future(caller.read_digit(timeout=10))
    playing = asyncio.ensure_future(caller.play([Prompt("long", b"\0" * 160000)]))
    await asyncio.sleep(0.05)

    await caller.close()
    await caller.close()  # idempotent

    with pytest.raises(CallEnded):
        await reading
    with pytest.raises(CallEnded):
        await playing
    with pytest.raises(CallEnded):
        await caller.read_digit(timeout=1)
    with pytest.raises(CallEnded):
        await caller.play([Prompt("late", b"\0" * 320)])
    assert caller.closed


async def test_the_clock_stops_when_the_last_call_closes(media_clock: MediaClock,
                                                         streams: list[MediaStream]) -> None:
    caller, callee = await connected_pair(media_clock, SrtpMode.OFF, streams)
    assert media_clock.running
    await caller.close()
    await callee.close()
    assert not media_clock.running


async def test_an_even_port_in_the_range_is_bound(media_clock: MediaClock,
                                                  streams: list[MediaStream]) -> None:
    stream = await MediaStream.open(bind_host=HOST, advertised_host="203.0.113.5",
                                    port_min=43001, port_max=43010, clock=media_clock,
                                    srtp=SrtpMode.OFF)
    streams.append(stream)
    assert stream.local_port % 2 == 0 and 43002 <= stream.local_port <= 43010
    assert f"m=audio {stream.local_port} RTP/AVP" in stream.offer()
    assert "c=IN IP4 203.0.113.5" in stream.offer()


async def test_no_free_port_is_a_media_error(media_clock: MediaClock) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
        taken.bind((HOST, 0))
        port = taken.getsockname()[1] & ~1
        if port != taken.getsockname()[1]:
            taken.close()
            taken = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            taken.bind((HOST, port))
        with taken, pytest.raises(MediaError, match="in use"):
            await MediaStream.open(bind_host=HOST, advertised_host=HOST, port_min=port,
                                   port_max=port + 1, clock=media_clock, srtp=SrtpMode.OFF)


async def test_an_unacceptable_offer_raises_488_and_start_needs_an_exchange(
        media_clock: MediaClock, streams: list[MediaStream]) -> None:
    stream = await open_stream(media_clock, SrtpMode.MANDATORY)
    streams.append(stream)
    with pytest.raises(SdpError) as refused:
        stream.answer(plain_offer(40000))
    assert refused.value.status == 488
    with pytest.raises(MediaError):
        stream.start()


async def test_a_sent_key_press_is_one_event_and_audio_resumes_in_real_time(
        media_clock: MediaClock, streams: list[MediaStream]) -> None:
    transport, phone, phone_port = await raw_peer()
    try:
        stream = await open_stream(media_clock)
        streams.append(stream)
        stream.answer(plain_offer(phone_port))
        stream.start()
        await asyncio.sleep(0.05)
        stream.send_digit("9")
        await asyncio.sleep(0.3)
    finally:
        transport.close()
    packets = [rtp.parse(data) for data in phone.received]
    events = [p for p in packets if p.payload_type == 101]
    assert len(events) == 7
    assert {p.timestamp for p in events} == {events[0].timestamp}
    assert [p.marker for p in events] == [True] + [False] * 6
    assert [dtmf.parse_event(p.payload) for p in events][-3:] == [
        dtmf.TelephoneEvent(9, True, 10, 800)] * 3
    sequences = [p.sequence for p in packets]
    assert sequences == list(range(sequences[0], sequences[0] + len(packets)))
    audio_after = next(p for p in packets[packets.index(events[-1]):] if p.payload_type == 0)
    assert audio_after.timestamp == events[0].timestamp + 7 * 160


async def test_a_call_on_hold_sends_nothing(media_clock: MediaClock,
                                            streams: list[MediaStream]) -> None:
    transport, phone, phone_port = await raw_peer()
    try:
        stream = await open_stream(media_clock)
        streams.append(stream)
        stream.answer(plain_offer(phone_port) + "a=inactive\r\n")
        stream.start()
        await stream.play([Prompt("unheard", b"\0" * 1600)])
    finally:
        transport.close()
    assert phone.received == []
    assert stream.stats.packets_sent == 0


async def test_digits_cannot_be_sent_without_telephone_event(
        media_clock: MediaClock, streams: list[MediaStream]) -> None:
    stream = await open_stream(media_clock)
    streams.append(stream)
    stream.answer(plain_offer(40000).replace(" 0 101", " 0"))
    with pytest.raises(MediaError, match="telephone-event"):
        stream.send_digit("1")


async def test_playing_nothing_returns_at_once(media_clock: MediaClock,
                                               streams: list[MediaStream]) -> None:
    caller, _ = await connected_pair(media_clock, SrtpMode.OFF, streams)
    await asyncio.wait_for(caller.play([]), timeout=0.01)
