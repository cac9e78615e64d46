"""WAV files written on the spot, for prompt-library tests."""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path


def write_tone(
    path: Path, seconds: float, *, rate: int = 8000, channels: int = 1, width: int = 2
) -> Path:
    """A 440 Hz tone of `seconds` at half scale, in the given PCM format."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frames = bytearray()
    for i in range(round(seconds * rate)):
        level = 0.5 * math.sin(2 * math.pi * 440 * i / rate)
        if width == 1:
            sample = struct.pack("<B", 128 + round(level * 127))
        else:
            full = 2 ** (8 * width - 1) - 1
            sample = round(level * full).to_bytes(width, "little", signed=True)
        frames += sample * channels
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(width)
        out.setframerate(rate)
        out.writeframes(bytes(frames))
    return path
