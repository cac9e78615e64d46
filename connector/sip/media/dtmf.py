"""Digits: RFC 4733 telephone-events (decode and encode) and SIP INFO bodies. Pure.

The decoder identifies an event by its RTP timestamp (every packet of one key press carries
the timestamp of its start), not by the marker bit, and emits the digit on the *first*
packet seen of an event. So a lost marker packet still yields the digit from the next
update, a lost end packet loses nothing, repeated end packets and late duplicates add
nothing, and two presses of one key ("55") have two timestamps and give two digits.
Emitting at the start also lets a prompt stop as soon as the guest presses.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from connector.sip.media.errors import DtmfParseError

DIGITS = "0123456789*#ABCD"  # events 0-15
SAMPLES_PER_PACKET = 160  # one update every 20 ms at 8 kHz
_PAYLOAD = struct.Struct("!BBH")
_MAX_DURATION = 0xFFFF
_HALF_RANGE = 1 << 31


@dataclass(frozen=True)
class TelephoneEvent:
    """One RFC 4733 payload: event code, end bit, volume (-dBm0) and duration in samples."""

    event: int
    end: bool
    volume: int
    duration: int


def parse_event(payload: bytes) -> TelephoneEvent | None:
    """The event in an RTP payload, or None if it is too short to be one."""
    if len(payload) < _PAYLOAD.size:
        return None
    event, flags, duration = _PAYLOAD.unpack_from(payload)
    return TelephoneEvent(event, bool(flags & 0x80), flags & 0x3F, duration)


def encode_event(event: TelephoneEvent) -> bytes:
    """The 4-byte RFC 4733 payload of an event packet."""
    return _PAYLOAD.pack(event.event, (0x80 if event.end else 0) | (event.volume & 0x3F),
                         event.duration & 0xFFFF)


def digit_events(digit: str, *, duration: int = 800, volume: int = 10,
                 end_repeats: int = 3) -> list[TelephoneEvent]:
    """The packets a sender emits for one key press, one per 20 ms, all sharing one RTP
    timestamp: updates with growing duration, then the end packet `end_repeats` times (RFC
    4733 retransmits the last packet). The first one goes out with the marker bit set."""
    if len(digit) != 1 or digit.upper() not in DIGITS:
        raise ValueError(f"not a DTMF digit: {digit!r}")
    code = DIGITS.index(digit.upper())
    steps = list(range(SAMPLES_PER_PACKET, duration, SAMPLES_PER_PACKET))
    updates = [TelephoneEvent(code, False, volume, d) for d in steps]
    return updates + [TelephoneEvent(code, True, volume, duration)] * end_repeats


class DtmfDecoder:
    """Turns a stream of telephone-event packets into digits, each exactly once."""

    def __init__(self) -> None:
        self._ssrc: int | None = None
        self._last: tuple[int, int] | None = None  # (timestamp, event) of the newest event
        self._last_duration = 0
        self._last_ended = False

    def feed(self, ssrc: int, timestamp: int, payload: bytes) -> str | None:
        """The digit a packet starts, or None (a continuation, duplicate, stale or
        unsupported event)."""
        event = parse_event(payload)
        if event is None:
            return None
        if ssrc != self._ssrc:
            self._ssrc, self._last = ssrc, None  # a new sender starts its own timestamps
        key = (timestamp, event.event)
        last = self._last
        if last is not None:
            if key == last:
                self._last_duration = max(self._last_duration, event.duration)
                self._last_ended = self._last_ended or event.end
                return None
            if not _is_newer(timestamp, last[0]) and timestamp != last[0]:
                return None  # a late packet of an event already passed
            if self._continues_long_event(last, timestamp, event):
                self._last = key
                return None
        self._last = key
        self._last_duration, self._last_ended = event.duration, event.end
        return DIGITS[event.event] if event.event < len(DIGITS) else None

    def _continues_long_event(self, last: tuple[int, int], timestamp: int,
                              event: TelephoneEvent) -> bool:
        """RFC 4733 long-duration events: a press longer than 0xFFFF samples goes on in a
        new segment whose timestamp is the old one plus 0xFFFF; it is the same key press."""
        return (not self._last_ended and event.event == last[1]
                and self._last_duration == _MAX_DURATION
                and (timestamp - last[0]) & 0xFFFFFFFF == _MAX_DURATION)


def _is_newer(timestamp: int, than: int) -> bool:
    """RFC 3550 timestamps wrap at 2**32: compare them as serial numbers."""
    return 0 < (timestamp - than) & 0xFFFFFFFF < _HALF_RANGE


_DTMF_CONTENT_TYPES = ("application/dtmf-relay", "application/dtmf")
_SIGNAL_ALIASES = {"10": "*", "11": "#", "12": "A", "13": "B", "14": "C", "15": "D"}


def parse_info_body(content_type: str, body: str) -> str:
    """The digit in a SIP INFO body: `application/dtmf-relay` (`Signal=5`, `Duration=160`)
    or `application/dtmf` (a bare digit). Raises DtmfParseError for anything else."""
    media_type = content_type.split(";")[0].strip().lower()
    if media_type not in _DTMF_CONTENT_TYPES:
        raise DtmfParseError(f"INFO content type {media_type!r} carries no DTMF")
    if media_type == "application/dtmf":
        signal = body.strip()
    else:
        signals = [value.strip() for name, sep, value in
                   (line.partition("=") for line in body.splitlines())
                   if sep and name.strip().lower() == "signal"]
        if len(signals) != 1:
            raise DtmfParseError("dtmf-relay body needs exactly one Signal= line")
        # Some phones send the event number: 10 for *, 11 for #.
        signal = _SIGNAL_ALIASES.get(signals[0], signals[0])
    digit = signal.upper()
    if len(digit) != 1 or digit not in DIGITS:
        raise DtmfParseError(f"INFO signal {signal[:10]!r} is not a DTMF digit")
    return digit
