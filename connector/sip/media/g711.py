"""G.711 µ-law and A-law between 8 kHz s16le PCM and one byte per sample.

Per ITU-T G.711 (the segment/quantisation rules of the classic Sun reference code): the
encoders take the top 14 (µ-law) or 13 (A-law) bits of a 16-bit sample. Both directions are
table lookups built once at import: 65536 entries to encode, 256 to decode.
"""

from __future__ import annotations

import enum
import sys
from array import array

_ULAW_BIAS = 0x84
_ULAW_CLIP = 8159  # in 14-bit units
_ULAW_SEGMENT_ENDS = (0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF)
_ALAW_SEGMENT_ENDS = (0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF)


class Law(enum.Enum):
    """A G.711 companding law with its static RTP payload type (RFC 3551)."""

    ULAW = 0
    ALAW = 8

    @property
    def payload_type(self) -> int:
        return self.value

    @property
    def encoding_name(self) -> str:
        return "PCMU" if self is Law.ULAW else "PCMA"

    @property
    def silence(self) -> int:
        """The code for a zero sample."""
        return 0xFF if self is Law.ULAW else 0xD5


def _segment(value: int, ends: tuple[int, ...]) -> int:
    for segment, end in enumerate(ends):
        if value <= end:
            return segment
    return len(ends)


def linear_to_ulaw(sample: int) -> int:
    """One signed 16-bit sample to a µ-law code."""
    value = sample >> 2
    if value < 0:
        value, mask = -value, 0x7F
    else:
        mask = 0xFF
    value = min(value, _ULAW_CLIP) + (_ULAW_BIAS >> 2)
    segment = _segment(value, _ULAW_SEGMENT_ENDS)
    if segment >= 8:
        return 0x7F ^ mask
    return ((segment << 4) | ((value >> (segment + 1)) & 0x0F)) ^ mask


def ulaw_to_linear(code: int) -> int:
    """One µ-law code to a signed 16-bit sample."""
    code = ~code & 0xFF
    magnitude = (((code & 0x0F) << 3) + _ULAW_BIAS) << ((code & 0x70) >> 4)
    return _ULAW_BIAS - magnitude if code & 0x80 else magnitude - _ULAW_BIAS


def linear_to_alaw(sample: int) -> int:
    """One signed 16-bit sample to an A-law code."""
    value = sample >> 3
    if value >= 0:
        mask = 0xD5
    else:
        mask = 0x55
        value = -value - 1
    segment = _segment(value, _ALAW_SEGMENT_ENDS)
    if segment >= 8:
        return 0x7F ^ mask
    shift = 1 if segment < 2 else segment
    return ((segment << 4) | ((value >> shift) & 0x0F)) ^ mask


def alaw_to_linear(code: int) -> int:
    """One A-law code to a signed 16-bit sample."""
    code ^= 0x55
    magnitude = (code & 0x0F) << 4
    segment = (code & 0x70) >> 4
    if segment == 0:
        magnitude += 8
    else:
        magnitude = (magnitude + 0x108) << (segment - 1)
    return magnitude if code & 0x80 else -magnitude


def _signed(unsigned: int) -> int:
    return unsigned - 0x10000 if unsigned >= 0x8000 else unsigned


# Encoder tables are indexed by the sample read as unsigned 16-bit.
_ENCODE = {
    Law.ULAW: bytes(linear_to_ulaw(_signed(u)) for u in range(0x10000)),
    Law.ALAW: bytes(linear_to_alaw(_signed(u)) for u in range(0x10000)),
}
_DECODE = {
    Law.ULAW: [ulaw_to_linear(c).to_bytes(2, "little", signed=True) for c in range(256)],
    Law.ALAW: [alaw_to_linear(c).to_bytes(2, "little", signed=True) for c in range(256)],
}


def encode(pcm: bytes, law: Law) -> bytes:
    """s16le PCM to G.711; a trailing odd byte is ignored."""
    samples = array("H")
    samples.frombytes(pcm[: len(pcm) & ~1])
    if sys.byteorder == "big":
        samples.byteswap()
    return bytes(map(_ENCODE[law].__getitem__, samples))


def decode(data: bytes, law: Law) -> bytes:
    """G.711 to s16le PCM."""
    return b"".join(map(_DECODE[law].__getitem__, data))
