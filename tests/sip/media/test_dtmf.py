"""Digits: RFC 4733 decoding that survives loss, repeats and reordering; SIP INFO bodies."""

from __future__ import annotations

import pytest

from connector.sip.media import dtmf
from connector.sip.media.dtmf import DtmfDecoder, TelephoneEvent
from connector.sip.media.errors import DtmfParseError

SSRC = 0x1234


def press(digit: str, timestamp: int) -> list[tuple[int, bytes]]:
    """The (timestamp, payload) packets a phone sends for one key press."""
    return [(timestamp, dtmf.encode_event(e)) for e in dtmf.digit_events(digit)]


def decode(packets: list[tuple[int, bytes]], decoder: DtmfDecoder | None = None) -> str:
    decoder = decoder or DtmfDecoder()
    return "".join(d for ts, payload in packets if (d := decoder.feed(SSRC, ts, payload)))


def test_a_clean_key_press_gives_its_digit_once() -> None:
    assert decode(press("1", 1000)) == "1"


def test_every_dtmf_key_is_decoded() -> None:
    packets = [p for i, key in enumerate(dtmf.DIGITS) for p in press(key, 1000 + 2000 * i)]
    assert decode(packets) == "0123456789*#ABCD"


def test_57_with_the_marker_packet_of_the_5_lost_is_still_57() -> None:
    five, seven = press("5", 1000), press("7", 3000)
    assert decode(five[1:] + seven) == "57"


def test_a_lost_end_packet_neither_loses_nor_merges_digits() -> None:
    first, second = press("5", 1000), press("7", 3000)
    without_ends = [p for p in first if p[1] != first[-1][1]]
    assert len(without_ends) == len(first) - 3
    assert decode(without_ends + second) == "57"


def test_repeated_end_packets_do_not_double_a_digit() -> None:
    packets = press("9", 1000)
    assert decode(packets + packets[-1:] * 5) == "9"


def test_two_presses_of_the_same_key_give_two_digits() -> None:
    assert decode(press("5", 1000) + press("5", 3000)) == "55"


def test_the_same_key_twice_is_two_digits_even_when_both_markers_are_lost() -> None:
    assert decode(press("5", 1000)[1:] + press("5", 3000)[1:]) == "55"


def test_reordered_packets_within_a_press_give_the_digit_once() -> None:
    packets = press("3", 1000)
    assert decode(list(reversed(packets))) == "3"


def test_a_late_packet_of_the_previous_press_is_ignored() -> None:
    one, two = press("1", 1000), press("2", 3000)
    assert decode(one[:2] + two[:2] + one[2:] + two[2:]) == "12"


def test_an_entirely_duplicated_press_counts_once() -> None:
    packets = press("8", 1000)
    assert decode(packets + packets) == "8"


def test_event_timestamps_wrapping_past_2_to_the_32_keep_working() -> None:
    assert decode(press("1", 0xFFFFFF00) + press("2", 0x00000200)) == "12"


def test_a_new_sender_restarts_the_timestamp_history() -> None:
    decoder = DtmfDecoder()
    assert decode(press("4", 50_000), decoder) == "4"
    other = [d for ts, p in press("4", 10) if (d := decoder.feed(SSRC + 1, ts, p))]
    assert other == ["4"]


def test_a_key_held_past_the_longest_duration_is_one_digit() -> None:
    segment_one = [(1000, dtmf.encode_event(TelephoneEvent(5, False, 10, d)))
                   for d in (160, 32000, 0xFFFF)]
    segment_two = [(1000 + 0xFFFF, dtmf.encode_event(TelephoneEvent(5, e, 10, d)))
                   for e, d in ((False, 160), (True, 800))]
    assert decode(segment_one + segment_two) == "5"


def test_flash_and_other_non_digit_events_are_ignored() -> None:
    flash = [(1000, dtmf.encode_event(TelephoneEvent(16, False, 10, 160)))]
    assert decode(flash + press("6", 3000)) == "6"


def test_a_payload_too_short_for_an_event_is_ignored() -> None:
    assert DtmfDecoder().feed(SSRC, 1000, b"\x05\x80") is None


def test_event_payload_round_trips() -> None:
    event = TelephoneEvent(event=11, end=True, volume=10, duration=1280)
    assert dtmf.parse_event(dtmf.encode_event(event)) == event


def test_a_key_press_lasts_the_requested_duration_and_ends_three_times() -> None:
    events = dtmf.digit_events("#", duration=800)
    assert [e.duration for e in events] == [160, 320, 480, 640, 800, 800, 800]
    assert [e.end for e in events] == [False] * 4 + [True] * 3
    assert {e.event for e in events} == {11}


def test_only_dtmf_keys_can_be_encoded() -> None:
    with pytest.raises(ValueError, match="DTMF"):
        dtmf.digit_events("x")


# --- SIP INFO ----------------------------------------------------------------------------

@pytest.mark.parametrize(("content_type", "body", "digit"), [
    ("application/dtmf-relay", "Signal=5\r\nDuration=160\r\n", "5"),
    ("application/dtmf-relay", "Signal= #\r\nDuration= 250", "#"),
    ("Application/DTMF-Relay; charset=utf-8", "signal=*\nduration=100", "*"),
    ("application/dtmf-relay", "Signal=11\r\nDuration=160", "#"),
    ("application/dtmf-relay", "Signal=10\r\nDuration=160", "*"),
    ("application/dtmf-relay", "Signal=d\r\n", "D"),
    ("application/dtmf", "7", "7"),
    ("application/dtmf", " 0\r\n", "0"),
])
def test_sip_info_bodies_carry_a_digit(content_type: str, body: str, digit: str) -> None:
    assert dtmf.parse_info_body(content_type, body) == digit


@pytest.mark.parametrize(("content_type", "body"), [
    ("application/dtmf-relay", ""),
    ("application/dtmf-relay", "Duration=160"),
    ("application/dtmf-relay", "Signal=\r\nDuration=160"),
    ("application/dtmf-relay", "Signal=16\r\n"),
    ("application/dtmf-relay", "Signal=55\r\n"),
    ("application/dtmf-relay", "Signal=1\r\nSignal=2\r\n"),
    ("application/dtmf", "12"),
    ("application/dtmf", "x"),
    ("application/sdp", "v=0"),
    ("", "Signal=1"),
])
def test_malformed_sip_info_bodies_are_refused(content_type: str, body: str) -> None:
    with pytest.raises(DtmfParseError):
        dtmf.parse_info_body(content_type, body)
