"""Test signals for audio quality checks: speech-like PCM, SNR and alignment."""

from __future__ import annotations

import math
import random
import struct


def speech_like(seconds: float, *, seed: int = 7, rate: int = 8000) -> list[int]:
    """Voiced-speech stand-in at a realistic telephone level (about -20 dBFS): harmonics
    of a wandering pitch, a 4 Hz syllable envelope, and some noise."""
    rng = random.Random(seed)
    tones = [(180.0, 0.5), (360.0, 0.35), (720.0, 0.25), (1400.0, 0.15), (2600.0, 0.08)]
    samples = []
    for n in range(int(seconds * rate)):
        t = n / rate
        envelope = 0.35 + 0.65 * abs(math.sin(2 * math.pi * 2 * t))
        wobble = 1 + 0.03 * math.sin(2 * math.pi * 3 * t)
        voice = sum(a * math.sin(2 * math.pi * f * wobble * t) for f, a in tones)
        value = 4500 * envelope * voice + rng.gauss(0, 120)
        samples.append(max(-32768, min(32767, round(value))))
    return samples


def to_pcm(samples: list[int]) -> bytes:
    return struct.pack(f"<{len(samples)}h", *samples)


def from_pcm(pcm: bytes) -> list[int]:
    return list(struct.unpack(f"<{len(pcm) // 2}h", pcm[: len(pcm) & ~1]))


def snr_db(reference: list[int], received: list[int]) -> float:
    signal = sum(s * s for s in reference)
    noise = sum((s - r) ** 2 for s, r in zip(reference, received, strict=True))
    return math.inf if noise == 0 else 10 * math.log10(signal / noise)


def best_aligned_snr(reference: list[int], received: list[int], *, step: int = 1) -> float:
    """The SNR of `reference` against the stretch of `received` it lines up with best
    (the offset is found on the first 800 samples, then the whole stretch is measured)."""
    probe = reference[:800]

    def probe_error(offset: int) -> int:
        return sum((s - r) ** 2 for s, r in zip(probe, received[offset:offset + len(probe)],
                                                strict=True))

    offsets = range(0, len(received) - len(reference) + 1, step)
    if not offsets:
        return -math.inf
    offset = min(offsets, key=probe_error)
    return snr_db(reference, received[offset:offset + len(reference)])
