"""Prompt files: any-rate PCM WAVs become 8 kHz mono s16le once, with clear errors."""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

import pytest

from connector.sip.media.errors import WavError
from connector.sip.media.wav import load_wav
from tests.sip.media.signals import from_pcm, snr_db


def tones(rate: int, seconds: float, freqs: tuple[float, ...], level: float = 6000.0
          ) -> list[float]:
    return [sum(level * math.sin(2 * math.pi * f * n / rate) for f in freqs)
            for n in range(int(rate * seconds))]


def write_wav(path: Path, frames: bytes, *, rate: int, channels: int, width: int) -> Path:
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(width)
        writer.setframerate(rate)
        writer.writeframes(frames)
    return path


def rms(samples: list[int]) -> float:
    return math.sqrt(sum(s * s for s in samples) / len(samples))


VOICE_BAND = (300.0, 1000.0, 2500.0)


def test_a_16_khz_stereo_prompt_becomes_8_khz_mono_with_the_voice_intact(tmp_path: Path) -> None:
    voice = tones(16000, 1.0, VOICE_BAND)
    # The two channels differ by a 500 Hz tone that cancels when mixed down.
    difference = tones(16000, 1.0, (500.0,), level=3000)
    interleaved = [round(s) for v, d in zip(voice, difference, strict=True)
                   for s in (v + d, v - d)]
    path = write_wav(tmp_path / "greeting.wav", struct.pack(f"<{len(interleaved)}h", *interleaved),
                     rate=16000, channels=2, width=2)

    prompt = load_wav(path, "greeting")

    assert prompt.name == "greeting"
    assert prompt.seconds == pytest.approx(1.0)
    expected = [round(s) for s in tones(8000, 1.0, VOICE_BAND)]
    # The filter's edges need a few ms to settle; judge the steady part.
    assert snr_db(expected[200:-200], from_pcm(prompt.pcm)[200:-200]) > 35


def test_an_8_bit_unsigned_prompt_becomes_signed_16_bit(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "beep.wav", bytes([128, 255, 0, 64]), rate=8000, channels=1,
                     width=1)
    assert from_pcm(load_wav(path, "beep").pcm) == [0, 127 << 8, -128 << 8, -64 << 8]


def test_a_44_1_khz_prompt_keeps_speech_and_drops_what_would_alias(tmp_path: Path) -> None:
    def convert(freq: float) -> list[int]:
        samples = [round(s) for s in tones(44100, 0.5, (freq,))]
        path = write_wav(tmp_path / f"{freq}.wav", struct.pack(f"<{len(samples)}h", *samples),
                         rate=44100, channels=1, width=2)
        return from_pcm(load_wav(path, "tone").pcm)[400:-400]

    kept, dropped = convert(1000.0), convert(6000.0)
    assert len(kept) == 4000 - 800
    assert rms(kept) == pytest.approx(6000 / math.sqrt(2), rel=0.02)
    assert rms(dropped) < 0.01 * rms(kept)  # a 6 kHz tone would alias to 2 kHz


def test_an_8_khz_mono_16_bit_prompt_is_taken_as_it_is(tmp_path: Path) -> None:
    pcm = struct.pack("<4h", 1, -2, 300, -32768)
    path = write_wav(tmp_path / "ready.wav", pcm, rate=8000, channels=1, width=2)
    assert load_wav(path, "ready").pcm == pcm


def test_a_24_bit_prompt_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "studio.wav", b"\0" * 30, rate=48000, channels=1, width=3)
    with pytest.raises(WavError, match=r"studio\.wav.*24-bit"):
        load_wav(path, "studio")


def test_a_mu_law_wav_is_refused_naming_the_file(tmp_path: Path) -> None:
    data = b"\xff" * 80
    fmt = struct.pack("<HHIIHH", 7, 1, 8000, 8000, 1, 8)  # format 7: G.711 µ-law
    riff = (b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
            + b"data" + struct.pack("<I", len(data)) + data)
    path = tmp_path / "ulaw.wav"
    path.write_bytes(b"RIFF" + struct.pack("<I", len(riff)) + riff)
    with pytest.raises(WavError, match=r"ulaw\.wav"):
        load_wav(path, "ulaw")


@pytest.mark.parametrize("content", [b"", b"not a wav at all", b"RIFF\x10\0\0\0WAVEjunk"])
def test_files_that_are_not_wavs_are_refused_naming_the_file(tmp_path: Path,
                                                             content: bytes) -> None:
    path = tmp_path / "broken.wav"
    path.write_bytes(content)
    with pytest.raises(WavError, match=r"broken\.wav"):
        load_wav(path, "broken")


def test_a_missing_file_is_refused_naming_it(tmp_path: Path) -> None:
    with pytest.raises(WavError, match=r"absent\.wav"):
        load_wav(tmp_path / "absent.wav", "absent")


def test_a_wav_without_audio_is_refused(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "empty.wav", b"", rate=8000, channels=1, width=2)
    with pytest.raises(WavError, match=r"empty\.wav.*no audio"):
        load_wav(path, "empty")
