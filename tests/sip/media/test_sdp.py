"""SDP offer/answer: codecs, telephone-event, the SRTP modes, and the SDPs real peers send."""

from __future__ import annotations

import pytest

from connector.settings.phone import SrtpMode
from connector.sip.media import sdp, sdp_parse, srtp
from connector.sip.media.errors import MediaError, SdpError
from connector.sip.media.g711 import Law
from connector.sip.media.sdp import LocalMedia
from connector.sip.media.sdp_parse import Direction

OFF, OPTIONAL, MANDATORY = SrtpMode.OFF, SrtpMode.OPTIONAL, SrtpMode.MANDATORY
KEY_A = bytes(range(30))
KEY_B = bytes(range(100, 130))
INLINE_B = srtp.encode_inline(KEY_B)


def local(mode: SrtpMode, *, key: bytes = KEY_A, port: int = 40000,
          host: str = "192.0.2.10") -> LocalMedia:
    return LocalMedia(host=host, port=port, session_id=1234, mode=mode,
                      key=None if mode is OFF else key)


def remote_sdp(*media: str, session: str = "c=IN IP4 198.51.100.7\r\n") -> str:
    return "v=0\r\no=- 1 1 IN IP4 198.51.100.7\r\ns=-\r\n" + session + "t=0 0\r\n" + "".join(media)


def audio(formats: str = "0 8 101", *, port: int = 30000, profile: str = "RTP/AVP",
          extra: str = "") -> str:
    return (f"m=audio {port} {profile} {formats}\r\n"
            "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n" + extra)


def crypto(tag: int = 1, suite: str = "AES_CM_128_HMAC_SHA1_80", inline: str = INLINE_B) -> str:
    return f"a=crypto:{tag} {suite} inline:{inline}\r\n"


# --- our offer -------------------------------------------------------------------------

def test_plain_offer_lists_pcmu_pcma_and_telephone_event_without_crypto() -> None:
    text = sdp.build_offer(local(OFF))
    assert "m=audio 40000 RTP/AVP 0 8 101\r\n" in text
    for line in ("a=rtpmap:0 PCMU/8000", "a=rtpmap:8 PCMA/8000",
                 "a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-16", "a=ptime:20",
                 "a=sendrecv", "c=IN IP4 192.0.2.10"):
        assert line + "\r\n" in text
    assert "a=crypto" not in text


def test_optional_srtp_offers_plain_profile_with_a_crypto_line() -> None:
    text = sdp.build_offer(local(OPTIONAL))
    assert "m=audio 40000 RTP/AVP 0 8 101" in text
    assert f"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:{srtp.encode_inline(KEY_A)}\r\n" in text


def test_mandatory_srtp_offers_the_secure_profile() -> None:
    text = sdp.build_offer(local(MANDATORY))
    assert "m=audio 40000 RTP/SAVP 0 8 101" in text
    assert "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" in text


def test_an_ipv6_address_is_advertised_as_ip6() -> None:
    assert "c=IN IP6 2001:db8::5\r\n" in sdp.build_offer(local(OFF, host="2001:db8::5"))


def test_our_offer_parses_back_to_what_we_built() -> None:
    parsed = sdp_parse.parse(sdp.build_offer(local(MANDATORY)))
    (section,) = parsed.media
    assert (section.media, section.port, section.profile) == ("audio", 40000, "RTP/SAVP")
    assert section.host == "192.0.2.10"
    assert [section.law_of(pt) for pt in section.payload_types] == [Law.ULAW, Law.ALAW, None]
    assert section.telephone_event_pt == 101
    assert section.direction is Direction.SENDRECV
    assert [(c.tag, c.suite, c.key) for c in section.crypto] == [
        (1, "AES_CM_128_HMAC_SHA1_80", KEY_A)]


def test_srtp_modes_other_than_off_need_a_local_key() -> None:
    with pytest.raises(MediaError):
        LocalMedia(host="192.0.2.10", port=4000, session_id=1, mode=MANDATORY)


# --- the mode matrix: our offer answered by another of us ------------------------------

@pytest.mark.parametrize(("offerer", "answerer", "encrypted"), [
    (OFF, OFF, False), (OFF, OPTIONAL, False),
    (OPTIONAL, OFF, False), (OPTIONAL, OPTIONAL, True), (OPTIONAL, MANDATORY, True),
    (MANDATORY, OPTIONAL, True), (MANDATORY, MANDATORY, True),
])
def test_offer_and_answer_agree_on_codec_digits_and_keys(
        offerer: SrtpMode, answerer: SrtpMode, encrypted: bool) -> None:
    caller = local(offerer, key=KEY_A, port=40000, host="192.0.2.10")
    callee = local(answerer, key=KEY_B, port=50000, host="192.0.2.20")

    answer_text, callee_side = sdp.answer_offer(callee, sdp.build_offer(caller))
    caller_side = sdp.accept_answer(caller, answer_text)

    assert (caller_side.remote_host, caller_side.remote_port) == ("192.0.2.20", 50000)
    assert (callee_side.remote_host, callee_side.remote_port) == ("192.0.2.10", 40000)
    assert caller_side.law is callee_side.law is Law.ULAW
    assert caller_side.telephone_event_pt == callee_side.telephone_event_pt == 101
    if encrypted:
        assert caller_side.srtp is not None and callee_side.srtp is not None
        assert (caller_side.srtp.tx_key, caller_side.srtp.rx_key) == (KEY_A, KEY_B)
        assert (callee_side.srtp.tx_key, callee_side.srtp.rx_key) == (KEY_B, KEY_A)
    else:
        assert caller_side.srtp is None and callee_side.srtp is None
        assert "a=crypto" not in answer_text


@pytest.mark.parametrize(("offerer", "answerer"), [(OFF, MANDATORY), (MANDATORY, OFF)])
def test_srtp_policies_that_cannot_meet_refuse_the_call_with_488(
        offerer: SrtpMode, answerer: SrtpMode) -> None:
    with pytest.raises(SdpError) as refused:
        sdp.answer_offer(local(answerer, key=KEY_B), sdp.build_offer(local(offerer)))
    assert refused.value.status == 488


# --- answering offers from real peers ----------------------------------------------------

def test_plain_offer_to_an_optional_line_is_answered_without_crypto() -> None:
    text, negotiated = sdp.answer_offer(local(OPTIONAL), remote_sdp(audio()))
    assert negotiated.srtp is None
    assert "m=audio 40000 RTP/AVP 0 101\r\n" in text
    assert "a=crypto" not in text


def test_the_first_supported_crypto_suite_is_chosen_and_answered_with_its_tag() -> None:
    offer = remote_sdp(audio(profile="RTP/SAVP", extra=(
        crypto(1, "AES_256_CM_HMAC_SHA1_80")
        + crypto(2, "AES_CM_128_HMAC_SHA1_80", inline="c2hvcnQ=")  # 5 bytes: not a key
        + crypto(3, "AES_CM_128_HMAC_SHA1_32")
        + crypto(4, "AES_CM_128_HMAC_SHA1_80"))))
    text, negotiated = sdp.answer_offer(local(MANDATORY), offer)
    assert negotiated.srtp is not None
    assert (negotiated.srtp.suite, negotiated.srtp.rx_key) == ("AES_CM_128_HMAC_SHA1_32", KEY_B)
    assert f"a=crypto:3 AES_CM_128_HMAC_SHA1_32 inline:{srtp.encode_inline(KEY_A)}" in text
    assert "m=audio 40000 RTP/SAVP 0 101" in text


def test_crypto_lines_with_mki_or_session_parameters_are_not_usable() -> None:
    offer = remote_sdp(audio(profile="RTP/SAVP", extra=(
        f"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:{INLINE_B}|2^20|1:4\r\n"
        + f"a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:{INLINE_B} UNENCRYPTED_SRTP\r\n")))
    with pytest.raises(SdpError) as refused:
        sdp.answer_offer(local(MANDATORY), offer)
    assert refused.value.status == 488


def test_a_key_lifetime_does_not_stop_the_crypto_line_being_used() -> None:
    line = f"a=crypto:7 AES_CM_128_HMAC_SHA1_80 inline:{INLINE_B}|2^31\r\n"
    offer = remote_sdp(audio(profile="RTP/SAVP", extra=line))
    _, negotiated = sdp.answer_offer(local(MANDATORY), offer)
    assert negotiated.srtp is not None and negotiated.srtp.rx_key == KEY_B


def test_srtp_only_offer_without_usable_crypto_is_refused_even_when_optional() -> None:
    with pytest.raises(SdpError) as refused:
        sdp.answer_offer(local(OPTIONAL), remote_sdp(audio(profile="RTP/SAVP")))
    assert refused.value.status == 488


def test_offerer_codec_preference_is_kept() -> None:
    text, negotiated = sdp.answer_offer(local(OFF), remote_sdp(audio("18 8 0 101")))
    assert (negotiated.law, negotiated.payload_type) == (Law.ALAW, 8)
    assert "m=audio 40000 RTP/AVP 8 101\r\n" in text
    assert "a=rtpmap:8 PCMA/8000" in text


def test_pcmu_on_a_dynamic_payload_type_is_recognised_by_its_rtpmap() -> None:
    offer = remote_sdp(audio("97 101", extra="a=rtpmap:97 PCMU/8000\r\n"))
    _, negotiated = sdp.answer_offer(local(OFF), offer)
    assert (negotiated.law, negotiated.payload_type) == (Law.ULAW, 97)


def test_no_common_codec_is_refused_with_488_and_a_reason() -> None:
    offer = remote_sdp(audio("18 101", extra="a=rtpmap:18 G729/8000\r\n"))
    with pytest.raises(SdpError) as refused:
        sdp.answer_offer(local(OFF), offer)
    assert refused.value.status == 488
    assert "codec" in refused.value.reason


def test_telephone_event_uses_the_offered_payload_type() -> None:
    offer = remote_sdp("m=audio 30000 RTP/AVP 0 96\r\na=rtpmap:96 telephone-event/8000\r\n")
    text, negotiated = sdp.answer_offer(local(OFF), offer)
    assert negotiated.telephone_event_pt == 96
    assert "m=audio 40000 RTP/AVP 0 96\r\n" in text
    assert "a=fmtp:96 0-16" in text


def test_without_telephone_event_in_the_offer_none_is_answered() -> None:
    text, negotiated = sdp.answer_offer(local(OFF), remote_sdp("m=audio 30000 RTP/AVP 0\r\n"))
    assert negotiated.telephone_event_pt is None
    assert "telephone-event" not in text


@pytest.mark.parametrize(("offered", "answered", "we_send"), [
    ("a=sendonly\r\n", "recvonly", False),
    ("a=recvonly\r\n", "sendonly", True),
    ("a=inactive\r\n", "inactive", False),
    ("", "sendrecv", True),
])
def test_the_answer_mirrors_the_offered_direction(offered: str, answered: str,
                                                  we_send: bool) -> None:
    text, negotiated = sdp.answer_offer(local(OFF), remote_sdp(audio(extra=offered)))
    assert f"a={answered}\r\n" in text
    assert negotiated.direction == answered
    assert negotiated.direction.sends is we_send


def test_a_session_level_direction_applies_to_the_audio() -> None:
    offer = remote_sdp(audio(), session="c=IN IP4 198.51.100.7\r\na=sendonly\r\n")
    _, negotiated = sdp.answer_offer(local(OFF), offer)
    assert negotiated.direction is Direction.RECVONLY


def test_a_null_connection_address_means_hold() -> None:
    _, negotiated = sdp.answer_offer(local(OFF), remote_sdp(audio(),
                                                            session="c=IN IP4 0.0.0.0\r\n"))
    assert not negotiated.direction.sends


def test_a_media_level_connection_overrides_the_session_one() -> None:
    offer = remote_sdp(audio(extra="c=IN IP4 203.0.113.9/127\r\n"))
    _, negotiated = sdp.answer_offer(local(OFF), offer)
    assert (negotiated.remote_host, negotiated.remote_port) == ("203.0.113.9", 30000)


def test_a_connection_given_only_at_media_level_is_enough() -> None:
    offer = remote_sdp(audio(extra="c=IN IP4 203.0.113.9\r\n"), session="")
    assert sdp.answer_offer(local(OFF), offer)[1].remote_host == "203.0.113.9"


def test_no_connection_address_at_all_is_a_bad_request() -> None:
    with pytest.raises(SdpError) as refused:
        sdp.answer_offer(local(OFF), remote_sdp(audio(), session=""))
    assert refused.value.status == 400


def test_other_media_lines_are_refused_with_port_zero_in_their_place() -> None:
    offer = remote_sdp("m=video 30002 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n", audio())
    text, negotiated = sdp.answer_offer(local(OFF), offer)
    lines = [line for line in text.splitlines() if line.startswith("m=")]
    assert lines == ["m=video 0 RTP/AVP 96", "m=audio 40000 RTP/AVP 0 101"]
    assert negotiated.remote_port == 30000


def test_a_disabled_audio_stream_is_skipped_for_the_next_one() -> None:
    offer = remote_sdp(audio(port=0), audio(port=30004))
    text, negotiated = sdp.answer_offer(local(OFF), offer)
    assert negotiated.remote_port == 30004
    assert [line for line in text.splitlines() if line.startswith("m=")] == [
        "m=audio 0 RTP/AVP 0 8 101", "m=audio 40000 RTP/AVP 0 101"]


def test_an_offer_whose_only_audio_is_disabled_is_refused() -> None:
    with pytest.raises(SdpError) as refused:
        sdp.answer_offer(local(OFF), remote_sdp(audio(port=0)))
    assert refused.value.status == 488


@pytest.mark.parametrize("profile", ["RTP/SAVPF", "UDP/TLS/RTP/SAVPF"])
def test_profiles_we_do_not_speak_are_refused(profile: str) -> None:
    with pytest.raises(SdpError) as refused:
        sdp.answer_offer(local(OPTIONAL), remote_sdp(audio(profile=profile,
                                                           extra=crypto())))
    assert refused.value.status == 488


def test_an_offer_without_audio_is_refused() -> None:
    with pytest.raises(SdpError) as refused:
        sdp.answer_offer(local(OFF), remote_sdp("m=video 30002 RTP/AVP 96\r\n"))
    assert refused.value.status == 488


# --- reading answers to our offer --------------------------------------------------------

def test_optional_offer_answered_without_crypto_runs_plain_rtp() -> None:
    negotiated = sdp.accept_answer(local(OPTIONAL), remote_sdp(audio("0 101")))
    assert negotiated.srtp is None
    assert (negotiated.remote_host, negotiated.remote_port) == ("198.51.100.7", 30000)


def test_optional_offer_answered_with_crypto_runs_srtp() -> None:
    negotiated = sdp.accept_answer(local(OPTIONAL), remote_sdp(audio("0 101", extra=crypto())))
    assert negotiated.srtp is not None
    assert (negotiated.srtp.tx_key, negotiated.srtp.rx_key) == (KEY_A, KEY_B)


def test_an_answer_with_the_32_bit_tag_suite_is_accepted() -> None:
    answer = remote_sdp(audio("0 101", profile="RTP/SAVP",
                              extra=crypto(suite="AES_CM_128_HMAC_SHA1_32")))
    negotiated = sdp.accept_answer(local(MANDATORY), answer)
    assert negotiated.srtp is not None and negotiated.srtp.suite == "AES_CM_128_HMAC_SHA1_32"


def test_mandatory_offer_answered_without_crypto_is_refused() -> None:
    with pytest.raises(SdpError) as refused:
        sdp.accept_answer(local(MANDATORY), remote_sdp(audio("0 101", profile="RTP/SAVP")))
    assert refused.value.status == 488


def test_plain_offer_ignores_crypto_in_a_plain_answer() -> None:
    assert sdp.accept_answer(local(OFF), remote_sdp(audio("0", extra=crypto()))).srtp is None


def test_an_answer_that_rejects_the_audio_is_refused() -> None:
    with pytest.raises(SdpError) as refused:
        sdp.accept_answer(local(OFF), remote_sdp(audio("0", port=0)))
    assert refused.value.status == 488


def test_an_answer_naming_no_codec_we_offered_is_refused() -> None:
    with pytest.raises(SdpError) as refused:
        sdp.accept_answer(local(OFF), remote_sdp(audio("18")))
    assert refused.value.status == 488


def test_a_sendonly_answer_means_we_only_receive() -> None:
    negotiated = sdp.accept_answer(local(OFF), remote_sdp(audio("0", extra="a=sendonly\r\n")))
    assert negotiated.direction is Direction.RECVONLY


# --- malformed input ---------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "",
    "hello world",
    "v=0\r\nthis is not sdp\r\n",
    remote_sdp("m=audio\r\n"),
    remote_sdp("m=audio seven RTP/AVP 0\r\n"),
    remote_sdp("m=audio 70000 RTP/AVP 0\r\n"),
    remote_sdp("m=audio 30000 RTP/AVP PCMU\r\n"),
    remote_sdp("m=audio 30000 RTP/AVP 300\r\n"),
    remote_sdp(audio(), session="c=IN IP4\r\n"),
    remote_sdp(audio(), session="c=XX IP4 198.51.100.7\r\n"),
])
def test_malformed_sdp_is_a_bad_request(text: str) -> None:
    with pytest.raises(SdpError) as refused:
        sdp.answer_offer(local(OFF), text)
    assert refused.value.status == 400


def test_odd_attributes_are_skipped_rather_than_failing_the_call() -> None:
    offer = remote_sdp(audio(extra=(
        "a=rtpmap:banana\r\na=rtpmap:0\r\na=crypto:x\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80\r\n"
        "a=rtcp:30001\r\na=X-nat:0\r\n")))
    _, negotiated = sdp.answer_offer(local(OFF), offer)
    assert negotiated.law is Law.ULAW


def test_lf_only_line_endings_are_accepted() -> None:
    offer = remote_sdp(audio()).replace("\r\n", "\n")
    assert sdp.answer_offer(local(OFF), offer)[1].remote_port == 30000
