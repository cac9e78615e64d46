"""G.711: ITU reference values and round-trip quality on speech-like audio."""

from __future__ import annotations

import struct

import pytest

from connector.sip.media import g711
from connector.sip.media.g711 import Law
from tests.sip.media.signals import from_pcm, snr_db, speech_like, to_pcm


@pytest.mark.parametrize(("sample", "code"), [
    (0, 0xFF), (-1, 0x7E), (32767, 0x80), (-32768, 0x00), (1000, 0xCE), (-1000, 0x4E),
])
def test_ulaw_encodes_known_samples_like_g711(sample: int, code: int) -> None:
    assert g711.linear_to_ulaw(sample) == code


@pytest.mark.parametrize(("code", "sample"), [
    (0xFF, 0), (0x7F, 0), (0x80, 32124), (0x00, -32124), (0xCE, 988), (0xF0, 120),
])
def test_ulaw_decodes_known_codes_like_g711(code: int, sample: int) -> None:
    assert g711.ulaw_to_linear(code) == sample


@pytest.mark.parametrize(("sample", "code"), [
    (0, 0xD5), (-1, 0x55), (32767, 0xAA), (-32768, 0x2A), (1000, 0xFA), (-1000, 0x7A),
])
def test_alaw_encodes_known_samples_like_g711(sample: int, code: int) -> None:
    assert g711.linear_to_alaw(sample) == code


@pytest.mark.parametrize(("code", "sample"), [
    (0xD5, 8), (0x55, -8), (0xAA, 32256), (0x2A, -32256), (0xFA, 1008),
])
def test_alaw_decodes_known_codes_like_g711(code: int, sample: int) -> None:
    assert g711.alaw_to_linear(code) == sample


@pytest.mark.parametrize("law", list(Law))
def test_every_code_survives_decode_then_encode(law: Law) -> None:
    codes = bytes(range(256))
    again = g711.encode(g711.decode(codes, law), law)
    # µ-law has two zeros (0x7F and 0xFF); both decode to 0, which encodes as 0xFF.
    differing = {c for c, d in zip(codes, again, strict=True) if c != d}
    assert differing == ({0x7F} if law is Law.ULAW else set())


@pytest.mark.parametrize("law", list(Law))
def test_speech_round_trip_keeps_snr_above_35_db(law: Law) -> None:
    speech = speech_like(2.0)
    received = from_pcm(g711.decode(g711.encode(to_pcm(speech), law), law))
    assert snr_db(speech, received) > 35


@pytest.mark.parametrize("law", list(Law))
def test_silence_code_decodes_to_silence_level(law: Law) -> None:
    assert abs(g711.decode(bytes([law.silence]), law)[0]) <= 8


def test_encoding_reads_little_endian_samples_and_ignores_an_odd_byte() -> None:
    pcm = struct.pack("<2h", 1000, -1000) + b"\x01"
    assert g711.encode(pcm, Law.ULAW) == bytes([0xCE, 0x4E])


def test_payload_types_are_the_static_ones() -> None:
    assert (Law.ULAW.payload_type, Law.ALAW.payload_type) == (0, 8)
