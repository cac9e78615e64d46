"""SDES-SRTP: keys in SDP form, and two ends that encrypt for each other."""

from __future__ import annotations

import pytest

from connector.sip.media import rtp, srtp
from connector.sip.media.rtp import RtpPacket
from connector.sip.media.srtp import SrtpContext, SrtpKeys


def packet(sequence: int, payload: bytes = b"\xff" * 160) -> bytes:
    return rtp.build(RtpPacket(0, sequence, sequence * 160, 0xCAFE, payload))


def pair(suite: str = srtp.DEFAULT_SUITE) -> tuple[SrtpContext, SrtpContext]:
    alice_key, bob_key = srtp.generate_key(), srtp.generate_key()
    alice = SrtpContext(SrtpKeys(suite, tx_key=alice_key, rx_key=bob_key))
    bob = SrtpContext(SrtpKeys(suite, tx_key=bob_key, rx_key=alice_key))
    return alice, bob


def test_generated_keys_are_30_random_bytes() -> None:
    keys = {srtp.generate_key() for _ in range(10)}
    assert len(keys) == 10
    assert {len(k) for k in keys} == {30}


def test_inline_keys_round_trip() -> None:
    key = srtp.generate_key()
    assert srtp.decode_inline(srtp.encode_inline(key)) == key


@pytest.mark.parametrize("text", ["", "not base64!", "c2hvcnQ=", "A" * 60])
def test_inline_text_that_is_not_a_30_byte_key_is_rejected(text: str) -> None:
    assert srtp.decode_inline(text) is None


def test_keys_never_appear_in_a_repr() -> None:
    key = srtp.generate_key()
    assert srtp.encode_inline(key) not in repr(SrtpKeys(srtp.DEFAULT_SUITE, key, key))
    assert repr(key) not in repr(SrtpKeys(srtp.DEFAULT_SUITE, key, key))


@pytest.mark.parametrize("suite", sorted(srtp.SUITES))
def test_each_end_decrypts_what_the_other_encrypts(suite: str) -> None:
    alice, bob = pair(suite)
    for sequence in range(1, 4):
        sent = packet(sequence, bytes([sequence]) * 160)
        protected = alice.protect(sent)
        assert protected is not None and protected != sent
        assert bob.unprotect(protected) == sent
        reply = packet(sequence + 100)
        assert alice.unprotect(bob.protect(reply) or b"") == reply
    assert alice.errors == bob.errors == 0


def test_a_tampered_packet_is_counted_and_dropped() -> None:
    alice, bob = pair()
    protected = bytearray(alice.protect(packet(1)) or b"")
    protected[20] ^= 0x01
    assert bob.unprotect(bytes(protected)) is None
    assert bob.errors == 1


def test_a_replayed_packet_is_counted_and_dropped() -> None:
    alice, bob = pair()
    protected = alice.protect(packet(1)) or b""
    assert bob.unprotect(protected) is not None
    assert bob.unprotect(protected) is None
    assert bob.errors == 1


@pytest.mark.parametrize("garbage", [b"", b"\x80", b"\x80" * 11, b"hello, this is not srtp"])
def test_garbage_is_counted_not_raised(garbage: bytes) -> None:
    _, bob = pair()
    assert bob.unprotect(garbage) is None
    assert bob.errors == 1


def test_a_packet_from_someone_without_the_key_is_refused() -> None:
    _, bob = pair()
    stranger, _ = pair()
    assert bob.unprotect(stranger.protect(packet(1)) or b"") is None
    assert bob.errors == 1
