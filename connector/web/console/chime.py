"""The alert's sound: a short two-note chime, made here with the standard library's `wave`
(no binary in the repository, nothing from the internet), once per process."""

from __future__ import annotations

import io
import math
import struct
import wave
from functools import cache

RATE = 16000
# Two notes (E6 then C6), 0.18 s each, with a soft start and end so the speaker does not
# click: short enough not to startle a guest standing at the desk, clear over a lobby.
NOTES = ((1318.5, 0.18), (1046.5, 0.18))
VOLUME = 0.35


@cache
def chime_wav() -> bytes:
    """The chime as a 16-bit mono WAV file (about 11 KiB)."""
    frames = bytearray()
    for frequency, seconds in NOTES:
        count = int(RATE * seconds)
        for n in range(count):
            envelope = min(1.0, n / (0.01 * RATE), (count - n) / (0.05 * RATE))
            sample = VOLUME * envelope * math.sin(2 * math.pi * frequency * n / RATE)
            frames += struct.pack("<h", int(sample * 32767))
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(bytes(frames))
    return out.getvalue()
