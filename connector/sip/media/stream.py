"""`MediaStream`: the RTP endpoint of one call, the asyncio shell around the pure parts.

It binds an even UDP port, negotiates SDP, sends one frame per tick of the shared
`MediaClock` (a prompt, a digit, or silence: SBCs hang up on calls that send no media),
and receives audio and digits.

Symmetric RTP: the stream sends to the address in the far end's SDP until the first valid
packet arrives, then to that packet's source (latching once, so a NAT between us and the
far end does not matter); packets from other sources are still accepted. With SRTP only
authenticated packets count, so only the key holder can move the stream.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, replace

from connector.settings.phone import SrtpMode
from connector.sip.api import BYTES_PER_SAMPLE, CallEnded, Prompt
from connector.sip.media import dtmf, g711, rtp, sdp
from connector.sip.media import srtp as srtp_keys
from connector.sip.media.clock import MediaClock
from connector.sip.media.errors import MediaError, RtpParseError
from connector.sip.media.rtp import RtpPacket
from connector.sip.media.sdp import LocalMedia, Negotiated
from connector.sip.media.srtp import SrtpContext

SAMPLES_PER_FRAME = 160
_FRAME_BYTES = SAMPLES_PER_FRAME * BYTES_PER_SAMPLE
_log = logging.getLogger(__name__)


@dataclass
class MediaStats:
    packets_sent: int = 0
    packets_received: int = 0
    bad_packets: int = 0  # not RTP, or a payload type we did not negotiate
    srtp_errors: int = 0
    digits: int = 0


class _Protocol(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.stream: MediaStream | None = None

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        if self.stream is not None:
            self.stream.receive(data, (str(addr[0]), int(addr[1])))

    def connection_lost(self, exc: Exception | None) -> None:
        # The socket went away under us: stop the clock from ticking frames into it.
        if self.stream is not None:
            self.stream.lost()

    def error_received(self, exc: Exception) -> None:
        # ICMP "port unreachable" while the far end is not listening yet: harmless for RTP.
        _log.debug("RTP socket error: %s", exc)


class _Playback:
    """A prompt being played: its PCM, how far it got, and the caller waiting for the end."""

    def __init__(self, pcm: bytes, interrupt_on_digit: bool) -> None:
        self.pcm = pcm
        self.offset = 0
        self.interrupt_on_digit = interrupt_on_digit
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def finish(self, error: BaseException | None = None) -> None:
        if not self.done.done():
            if error is None:
                self.done.set_result(None)
            else:
                self.done.set_exception(error)


class MediaStream:
    """One call's audio: SDP, RTP/SRTP, prompts and digits (see the module docstring)."""

    def __init__(self, transport: asyncio.DatagramTransport, local_port: int,
                 advertised_host: str, clock: MediaClock, srtp: SrtpMode, record: bool) -> None:
        self.local_port = local_port
        self._transport = transport
        self._clock = clock
        key = None if srtp is SrtpMode.OFF else srtp_keys.generate_key()
        self._local = LocalMedia(host=advertised_host, port=local_port,
                                 session_id=secrets.randbelow(1 << 62), mode=srtp, key=key)
        self._negotiated: Negotiated | None = None
        self._srtp: SrtpContext | None = None
        self._remote: tuple[str, int] | None = None
        self._latched = False
        self._started = False
        self._closed = False
        self._ssrc = secrets.randbits(32)
        self._sequence = secrets.randbits(16)
        self._timestamp = secrets.randbits(32)
        self._first_packet = True
        self._playback: _Playback | None = None
        self._outgoing_digits: deque[tuple[int, dtmf.TelephoneEvent]] = deque()
        self._digit_start = 0
        self._digits: deque[str] = deque()
        self._digit_arrived = asyncio.Event()
        self._decoder = dtmf.DtmfDecoder()
        self._stats = MediaStats()
        self._record = record
        self._received = bytearray()

    @classmethod
    async def open(cls, *, bind_host: str, advertised_host: str, port_min: int, port_max: int,
                   clock: MediaClock, srtp: SrtpMode, record: bool = False) -> MediaStream:
        """Bind an even UDP port in [port_min, port_max] (RTP); raise MediaError if none is
        free. The search starts at a random port so a just-closed call's port, which may
        still receive its stragglers, is not reused at once. `record` keeps received audio
        in `received_pcm` (tests)."""
        loop = asyncio.get_running_loop()
        first_even = port_min + (port_min % 2)
        ports = list(range(first_even, port_max + 1, 2))
        if not ports:
            raise MediaError(f"no even RTP port in {port_min}-{port_max}")
        start = secrets.randbelow(len(ports))
        for port in ports[start:] + ports[:start]:
            try:
                transport, protocol = await loop.create_datagram_endpoint(
                    _Protocol, local_addr=(bind_host, port))
            except OSError:
                continue
            stream = cls(transport, port, advertised_host, clock, srtp, record)
            protocol.stream = stream
            return stream
        raise MediaError(f"every RTP port in {port_min}-{port_max} is in use")

    # --- SDP -------------------------------------------------------------------------

    def offer(self) -> str:
        """SDP offer text (UAC)."""
        return sdp.build_offer(self._local)

    def accept_answer(self, sdp_text: str) -> None:
        """Apply the far end's answer to our offer. Raises SdpError."""
        self._apply(sdp.accept_answer(self._local, sdp_text))

    def answer(self, offer_sdp: str) -> str:
        """SDP answer text (UAS); raises SdpError (status 488) when nothing is acceptable."""
        text, negotiated = sdp.answer_offer(self._local, offer_sdp)
        self._apply(negotiated)
        return text

    def _apply(self, negotiated: Negotiated) -> None:
        self._negotiated = negotiated
        self._srtp = SrtpContext(negotiated.srtp) if negotiated.srtp else None
        if not self._latched:
            self._remote = (negotiated.remote_host, negotiated.remote_port)
        _log.debug("media negotiated: %s/%s te=%s srtp=%s %s", negotiated.law.encoding_name,
                   negotiated.payload_type, negotiated.telephone_event_pt,
                   negotiated.srtp.suite if negotiated.srtp else "off", negotiated.direction)

    @property
    def negotiated(self) -> Negotiated | None:
        return self._negotiated

    # --- sending ---------------------------------------------------------------------

    def start(self) -> None:
        """Begin sending (silence frames when nothing plays) and receiving."""
        if self._negotiated is None:
            raise MediaError("start() before the SDP exchange")
        if not self._closed and not self._started:
            self._started = True
            self._clock.subscribe(self)

    async def play(self, prompts: Sequence[Prompt], *, interrupt_on_digit: bool = False) -> None:
        """Play the prompts back to back; one play at a time (a new one ends the old one).
        With `interrupt_on_digit` it returns as soon as a digit is queued, at once when one
        already is (type-ahead); the digit stays for `read_digit`. Raises CallEnded."""
        self._raise_if_closed()
        if not self._started:
            raise MediaError("play() before start()")
        pcm = b"".join(p.pcm for p in prompts)
        if not pcm or (interrupt_on_digit and self._digits):
            return
        if self._playback is not None:
            self._playback.finish()
        playback = _Playback(pcm, interrupt_on_digit)
        self._playback = playback
        try:
            await playback.done
        finally:
            if self._playback is playback:
                self._playback = None

    def send_digit(self, digit: str) -> None:
        """Queue one RFC 4733 key press (100 ms, then three end packets) for the next
        frames, in place of audio. Raises ValueError for a non-DTMF character, MediaError
        when telephone-event was not negotiated, CallEnded after close."""
        self._raise_if_closed()
        if self._negotiated is None or self._negotiated.telephone_event_pt is None:
            raise MediaError("the far end did not negotiate telephone-event")
        self._outgoing_digits.extend(enumerate(dtmf.digit_events(digit)))

    def tick(self) -> None:
        """Called by the media clock every 20 ms: send one frame."""
        negotiated = self._negotiated
        if self._closed or negotiated is None:
            return
        if self._outgoing_digits:
            packet = self._next_digit_packet(negotiated)
        else:
            payload = self._next_audio(negotiated.law)
            packet = RtpPacket(negotiated.payload_type, self._sequence, self._timestamp,
                               self._ssrc, payload, marker=self._first_packet)
            self._timestamp = (self._timestamp + SAMPLES_PER_FRAME) & 0xFFFFFFFF
        self._sequence = (self._sequence + 1) & 0xFFFF
        self._first_packet = False
        if negotiated.direction.sends and self._remote is not None:
            self._send(rtp.build(packet), self._remote)

    def _next_audio(self, law: g711.Law) -> bytes:
        playback = self._playback
        if playback is None:
            return bytes([law.silence]) * SAMPLES_PER_FRAME
        chunk = playback.pcm[playback.offset:playback.offset + _FRAME_BYTES]
        playback.offset += _FRAME_BYTES
        if playback.offset >= len(playback.pcm):
            playback.finish()
            self._playback = None
        return g711.encode(chunk.ljust(_FRAME_BYTES, b"\0"), law)

    def _next_digit_packet(self, negotiated: Negotiated) -> RtpPacket:
        """RFC 4733: every packet of a key press carries the timestamp of its start; the
        media timestamp runs on meanwhile, so audio resumes where real time is."""
        position, event = self._outgoing_digits.popleft()
        if position == 0:
            self._digit_start = self._timestamp
        packet = RtpPacket(negotiated.telephone_event_pt or 0, self._sequence, self._digit_start,
                           self._ssrc, dtmf.encode_event(event), marker=position == 0)
        self._timestamp = (self._timestamp + SAMPLES_PER_FRAME) & 0xFFFFFFFF
        return packet

    def _send(self, data: bytes, remote: tuple[str, int]) -> None:
        if self._transport.is_closing():
            self.lost()
            return
        if self._srtp is not None:
            protected = self._srtp.protect(data)
            if protected is None:
                return
            data = protected
        try:
            self._transport.sendto(data, remote)
        except OSError as error:
            _log.debug("RTP send failed: %s", error)
            return
        self._stats.packets_sent += 1

    # --- receiving -------------------------------------------------------------------

    def receive(self, data: bytes, source: tuple[str, int]) -> None:
        """One datagram from the socket; never raises (bad packets are counted)."""
        negotiated = self._negotiated
        if self._closed or negotiated is None:
            return
        if self._srtp is not None:
            clear = self._srtp.unprotect(data)
            if clear is None:
                return  # counted by the SRTP context
            data = clear
        try:
            packet = rtp.parse(data)
        except RtpParseError:
            self._stats.bad_packets += 1
            return
        if packet.payload_type == negotiated.payload_type:
            self._stats.packets_received += 1
            if self._record:
                self._received += g711.decode(packet.payload, negotiated.law)
        elif packet.payload_type == negotiated.telephone_event_pt:
            self._stats.packets_received += 1
            digit = self._decoder.feed(packet.ssrc, packet.timestamp, packet.payload)
            if digit is not None:
                self.push_digit(digit)
        else:
            self._stats.bad_packets += 1
            return
        if not self._latched:
            self._latched = True
            self._remote = source

    # --- digits ----------------------------------------------------------------------

    def push_digit(self, digit: str) -> None:
        """Queue a digit (from RFC 4733 or a SIP INFO); interrupts an interruptible prompt."""
        if self._closed:
            return
        self._digits.append(digit)
        self._stats.digits += 1
        self._digit_arrived.set()
        if self._playback is not None and self._playback.interrupt_on_digit:
            self._playback.finish()
            self._playback = None

    async def read_digit(self, timeout: float) -> str | None:  # noqa: ASYNC109 (Call API)
        """The next digit, or None after `timeout` seconds without one. Raises CallEnded."""
        self._raise_if_closed()
        if not self._digits:
            self._digit_arrived.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(timeout):
                    await self._digit_arrived.wait()
            self._raise_if_closed()
            if not self._digits:
                return None
        return self._digits.popleft()

    def clear_digits(self) -> None:
        """Forget digits received so far."""
        self._digits.clear()

    # --- end and state ---------------------------------------------------------------

    async def close(self) -> None:
        """Stop sending and receiving and free the port; idempotent. A pending play or
        read_digit raises CallEnded."""
        if self._closed:
            return
        self._stop(CallEnded("media closed"))
        self._transport.close()
        _log.debug("media closed on port %d: %s", self.local_port, self.stats)

    def lost(self) -> None:
        """The socket closed without `close` (an OS error): end as `close` would."""
        if not self._closed:
            _log.warning("RTP socket lost on port %d; the call's media has ended",
                         self.local_port)
            self._stop(CallEnded("media lost"))

    def _stop(self, reason: CallEnded) -> None:
        self._closed = True
        self._clock.unsubscribe(self)
        if self._playback is not None:
            self._playback.finish(reason)
            self._playback = None
        self._digit_arrived.set()

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def stats(self) -> MediaStats:
        """A snapshot of the counters."""
        return replace(self._stats, srtp_errors=self._srtp.errors if self._srtp else 0)

    @property
    def received_pcm(self) -> bytes:
        """Decoded audio received so far (only kept when opened with record=True)."""
        return bytes(self._received)

    def _raise_if_closed(self) -> None:
        if self._closed:
            raise CallEnded("media closed")
