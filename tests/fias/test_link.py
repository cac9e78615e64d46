"""The PBX side of the FIAS link without sockets: handshake, the alive check of each PMS
profile, dead link, LE, ACK/NAK, pacing."""

from __future__ import annotations

import logging

import pytest

from connector.pms.fias.codec import Control, Malformed, Record
from connector.pms.fias.config import PROFILES, AliveCheck, AliveRecord, Profile
from connector.pms.fias.errors import LinkNotUp
from connector.pms.fias.link_events import (
    Delivered,
    LinkDown,
    LinkState,
    LinkUp,
    RecordReceived,
    Undelivered,
)
from tests.fias.linkkit import bring_up, events, frame, new_link, sent, state, types

WAKEUP_ANSWER = Record("WA", (("RN", "101"), ("DA", "260314"), ("TI", "070000"), ("AS", "OK")))
ORACLE, PROTEL, QUIET = (PROFILES[p] for p in (Profile.ORACLE, Profile.PROTEL, Profile.QUIET))


def test_the_handshake_follows_ls_ld_lr_la_and_the_link_is_up_on_the_pms_la() -> None:
    link = new_link()
    link.connection_made(0.0)
    assert link.state is LinkState.AWAITING_LS
    assert link.data_to_send() == b""

    link.receive_data(frame(link, "LS", ("DA", "260314"), ("TI", "073000")), 0.1)
    out = sent(link)
    assert types(out) == ["LD"] + ["LR"] * len(link.config.subscriptions) + ["LA"]
    ld = out[0]
    assert isinstance(ld, Record)
    assert ld.fields == (("DA", "260314"), ("TI", "073005"), ("V#", "1.0"), ("IF", "PB"))
    lr_types = [r.get("RI") for r in out[1:-1] if isinstance(r, Record)]
    assert {"GI", "GO", "GC", "RE", "WR", "WC", "PA", "DS", "DE"} <= set(lr_types)
    gi = next(r for r in out if isinstance(r, Record) and r.get("RI") == "GI")
    assert gi.get("FL") == "RNG#GNGFGTGLGVGSSFGAGDCS"
    assert state(link) is LinkState.AWAITING_LA
    assert events(link) == []

    link.receive_data(frame(link, "LA"), 0.2)
    assert state(link) is LinkState.UP
    assert events(link) == [LinkUp()]
    assert link.data_to_send() == b""  # no DR of its own: the door's policy decides


def test_dr_goes_out_only_when_the_application_asks() -> None:
    link = new_link()
    bring_up(link)
    link.tick(1.0)
    assert link.data_to_send() == b""
    link.request_resync(1.0)
    assert types(sent(link)) == ["DR"]


def test_a_pms_silent_for_3_s_after_connect_is_not_waited_for_we_start_the_handshake() -> None:
    link = new_link()
    link.connection_made(100.0)
    assert link.next_deadline() == 103.0
    link.tick(102.9)
    assert link.data_to_send() == b""
    link.tick(103.0)
    out = types(sent(link))
    assert out == ["LS", "LD"] + ["LR"] * len(link.config.subscriptions) + ["LA"]
    assert state(link) is LinkState.AWAITING_LA
    link.tick(160.0)
    assert link.data_to_send() == b""  # once only
    link.receive_data(frame(link, "LA"), 160.1)
    assert events(link) == [LinkUp()]


def test_a_pms_that_answers_our_ls_with_its_own_gets_our_description_again() -> None:
    link = new_link()
    link.connection_made(0.0)
    link.tick(3.0)
    link.data_to_send()
    link.receive_data(frame(link, "LS"), 3.1)
    assert types(sent(link))[0] == "LD"
    link.receive_data(frame(link, "LA"), 3.2)
    assert link.is_up


def test_application_records_before_the_pms_la_bring_the_link_up() -> None:
    link = new_link()
    link.connection_made(0.0)
    link.receive_data(frame(link, "LS"), 0.0)
    link.data_to_send()
    link.receive_data(frame(link, "GI", ("RN", "101"), ("G#", "1")), 0.5)
    assert link.is_up
    got = events(link)
    assert got[0] == LinkUp()
    assert isinstance(got[1], RecordReceived)


def test_records_are_passed_up_and_link_records_are_not() -> None:
    link = new_link()
    bring_up(link)
    link.receive_data(frame(link, "LD") + frame(link, "GO", ("RN", "101")), 1.0)
    assert events(link) == [RecordReceived(Record("GO", (("RN", "101"),)))]


def test_oracle_the_alive_check_is_our_ls_every_5_minutes_answered_by_la() -> None:
    link = new_link(alive=ORACLE)
    bring_up(link, now=0.0)
    assert link.next_deadline() == 300.0
    link.tick(299.0)
    assert link.data_to_send() == b""
    link.tick(300.0)
    assert types(sent(link)) == ["LS"]
    link.receive_data(frame(link, "LA"), 300.1)  # IFC8's answer: the link stays up
    assert link.is_up
    assert link.data_to_send() == b""
    assert events(link) == []
    link.tick(599.0)
    assert link.data_to_send() == b""
    link.tick(600.0)
    assert types(sent(link)) == ["LS"]


def test_oracle_an_la_from_the_pms_is_never_echoed() -> None:
    link = new_link(alive=ORACLE)
    bring_up(link)
    for at in (10.0, 10.1, 70.0):
        link.receive_data(frame(link, "LA"), at)
        assert link.data_to_send() == b""
    assert link.is_up


def test_oracle_a_pms_silent_for_6_minutes_fails_the_link() -> None:
    link = new_link(alive=ORACLE)
    bring_up(link, now=0.0)
    link.tick(300.0)
    assert types(sent(link)) == ["LS"]  # never answered
    link.tick(359.9)
    assert link.is_up
    link.tick(360.0)
    assert events(link) == [LinkDown("no byte from the PMS for 360 s")]


def test_protel_la_is_sent_every_minute_and_the_pms_la_answered_once() -> None:
    link = new_link(alive=PROTEL)
    bring_up(link, now=0.0)
    assert link.next_deadline() == 60.0
    link.tick(60.0)
    assert types(sent(link)) == ["LA"]
    link.receive_data(frame(link, "LA"), 60.1)  # its answer to ours: not answered again
    assert link.data_to_send() == b""
    link.receive_data(frame(link, "LA"), 90.0)  # its own poll: answered
    assert types(sent(link)) == ["LA"]
    # The PMS answers our answer: we have already spoken since its last LA, so no ping-pong.
    link.receive_data(frame(link, "LA"), 90.1)
    assert link.data_to_send() == b""
    assert link.next_deadline() == 150.0  # our answer at 90 s told it we are alive


def test_quiet_no_alive_record_and_no_dead_timer_however_long_the_silence() -> None:
    link = new_link(alive=QUIET)
    bring_up(link, now=0.0)
    assert link.next_deadline() is None
    link.tick(24 * 3600.0)
    assert link.is_up
    assert link.data_to_send() == b""
    assert events(link) == []
    link.receive_data(frame(link, "LA"), 24 * 3600.0 + 1)  # not answered either
    assert link.data_to_send() == b""


def test_a_pms_silent_for_too_long_fails_the_link() -> None:
    link = new_link(alive=AliveCheck(AliveRecord.LA, 60.0, 180.0, answer_la=True))
    bring_up(link, now=0.0)
    link.receive_data(b"\x06", 100.0)  # any byte counts as a sign of life
    link.tick(60.0)
    assert types(sent(link)) == ["LA"]  # the PMS never answers it
    assert link.next_deadline() == 120.0
    link.tick(120.0)
    link.tick(240.0)
    assert link.is_up
    assert link.next_deadline() == 280.0
    link.tick(280.0)
    assert link.state is LinkState.FAILED
    assert events(link) == [LinkDown("no byte from the PMS for 180 s")]


def test_a_silent_pms_during_the_handshake_also_fails_the_link() -> None:
    link = new_link(alive=PROTEL, self_start_after=None)
    link.connection_made(0.0)
    link.tick(180.0)
    assert link.state is LinkState.FAILED
    assert events(link) == []  # it never came up, so it never went down


def test_quiet_a_pms_that_never_answers_our_description_is_dialled_again() -> None:
    link = new_link(alive=QUIET)
    link.connection_made(0.0)
    link.receive_data(frame(link, "LS"), 1.0)
    assert types(sent(link))[-1] == "LA"  # our description went out
    assert link.next_deadline() == 61.0
    link.tick(60.9)
    assert link.state is LinkState.AWAITING_LA
    link.tick(61.0)
    assert link.state is LinkState.FAILED  # the transport drops it and dials again
    assert events(link) == []  # it never came up, so it never went down


def test_a_pms_that_answers_our_description_in_time_is_up_with_no_handshake_timer() -> None:
    link = new_link(alive=QUIET)
    link.connection_made(0.0)
    link.receive_data(frame(link, "LS"), 1.0)
    link.receive_data(frame(link, "LA"), 59.0)
    assert link.is_up
    assert link.next_deadline() is None  # quiet: nothing left to time
    link.tick(3600.0)
    assert link.is_up


def test_le_from_the_pms_is_answered_with_le_and_the_connection_closed() -> None:
    link = new_link(pacing=0.5)
    now = bring_up(link) + 0.5
    link.send(WAKEUP_ANSWER, ref="a", now=now)
    link.send(WAKEUP_ANSWER, ref="b", now=now)  # held back by pacing
    link.data_to_send()
    link.receive_data(frame(link, "LE"), now + 0.1)
    assert types(sent(link)) == ["LE"]  # at once, ahead of the queued record
    assert link.state is LinkState.CLOSED  # the transport drops the connection
    assert events(link) == [
        Delivered("a"),
        LinkDown("the PMS ended the link (LE)"),
        Undelivered("b", "the PMS ended the link (LE)", maybe_delivered=False),
    ]
    with pytest.raises(LinkNotUp):
        link.send(WAKEUP_ANSWER, ref=1, now=now + 0.2)


def test_ls_while_up_restarts_the_handshake() -> None:
    link = new_link()
    bring_up(link)
    link.receive_data(frame(link, "LS"), 5.0)
    assert events(link) == [LinkDown("the PMS restarted the link (LS)")]
    assert types(sent(link))[0] == "LD"
    assert link.state is LinkState.AWAITING_LA


def test_close_sends_le_at_once_and_settles_queued_records() -> None:
    link = new_link(pacing=0.5)
    now = bring_up(link) + 0.5
    link.send(WAKEUP_ANSWER, ref="a", now=now)
    link.send(WAKEUP_ANSWER, ref="b", now=now)  # held back by pacing
    link.data_to_send()
    link.close(now + 0.1)
    assert types(sent(link)) == ["LE"]
    assert link.state is LinkState.CLOSED
    assert events(link) == [
        Delivered("a"),
        LinkDown("link closed by the connector (LE)"),
        Undelivered("b", "link closed by the connector (LE)", maybe_delivered=False),
    ]


def test_connection_loss_reports_down_and_nothing_is_sent_while_down() -> None:
    link = new_link()
    bring_up(link)
    link.connection_lost(3.0)
    assert link.state is LinkState.DISCONNECTED
    assert events(link) == [LinkDown("connection lost")]
    with pytest.raises(LinkNotUp):
        link.send(WAKEUP_ANSWER, ref=1, now=3.0)
    assert link.next_deadline() is None


def test_records_are_paced() -> None:
    link = new_link(pacing=0.5)
    link.connection_made(0.0)
    link.receive_data(frame(link, "LS"), 0.0)
    assert types(sent(link)) == ["LD"]  # the handshake is paced too
    link.tick(0.5)
    assert types(sent(link)) == ["LR"]
    now = bring_up(link)  # our LA went out at `now`
    link.send(WAKEUP_ANSWER, ref=1, now=now + 0.1)
    link.send(WAKEUP_ANSWER, ref=2, now=now + 0.1)
    assert link.data_to_send() == b""
    assert link.next_deadline() == now + 0.5
    link.tick(now + 0.5)
    assert types(sent(link)) == ["WA"]
    link.tick(now + 0.9)
    assert link.data_to_send() == b""
    link.tick(now + 1.0)
    assert types(sent(link)) == ["WA"]
    assert events(link) == [Delivered(1), Delivered(2)]


def test_malformed_input_is_reported_and_the_link_stays_up() -> None:
    link = new_link()
    bring_up(link)
    link.receive_data(b"\x02GI|R\x03" + frame(link, "GO", ("RN", "1")), 1.0)
    got = events(link)
    assert isinstance(got[0], Malformed)
    assert got[1] == RecordReceived(Record("GO", (("RN", "1"),)))
    assert link.is_up


def test_a_value_the_charset_cannot_carry_is_refused_before_queueing() -> None:
    link = new_link(charset="cp850")
    bring_up(link)
    with pytest.raises(UnicodeEncodeError):
        link.send(Record("WR", (("RN", "Щ"),)), ref=1, now=1.0)


# -- ACK/NAK mode -------------------------------------------------------------------------


def ack_link(**overrides: object):  # type: ignore[no-untyped-def]
    link = new_link(ack_mode=True, lrc=True, ack_timeout=2.0, max_tries=3, **overrides)
    link.connection_made(0.0)
    link.receive_data(frame(link, "LS"), 0.0)
    assert types(sent(link)) == ["ACK", "LD"]  # one frame at a time
    for _ in range(len(link.config.subscriptions) + 2):  # the LRs, then LA
        assert types(sent(link)) in (["LR"], ["LA"], [])
        link.receive_data(b"\x06", 0.0)
    link.receive_data(frame(link, "LA"), 0.0)
    assert sent(link) == [Control.ACK]
    events(link)
    return link


def test_ack_mode_acks_good_frames_and_naks_bad_ones() -> None:
    link = ack_link()
    link.receive_data(frame(link, "GO", ("RN", "1")), 1.0)
    assert sent(link) == [Control.ACK]
    bad = bytearray(frame(link, "GO", ("RN", "1")))
    bad[-1] ^= 0x55
    link.receive_data(bytes(bad), 1.1)
    assert sent(link) == [Control.NAK]
    link.receive_data(b"junk", 1.2)  # not a frame: no answer
    assert link.data_to_send() == b""


def test_enq_is_answered_with_ack_in_any_mode() -> None:
    link = new_link()
    bring_up(link)
    link.receive_data(b"\x05", 1.0)
    assert sent(link) == [Control.ACK]


def test_ack_mode_waits_for_each_ack_before_the_next_record() -> None:
    link = ack_link()
    link.send(WAKEUP_ANSWER, ref=1, now=1.0)
    link.send(WAKEUP_ANSWER, ref=2, now=1.0)
    assert types(sent(link)) == ["WA"]
    assert events(link) == []
    link.receive_data(b"\x06", 1.1)
    assert events(link) == [Delivered(1)]
    assert types(sent(link)) == ["WA"]
    link.receive_data(b"\x06", 1.2)
    assert events(link) == [Delivered(2)]


def test_a_nak_resends_the_record() -> None:
    link = ack_link()
    link.send(WAKEUP_ANSWER, ref=1, now=1.0)
    first = link.data_to_send()
    link.receive_data(b"\x15", 1.1)
    assert link.data_to_send() == first
    link.receive_data(b"\x06", 1.2)
    assert events(link) == [Delivered(1)]


def test_three_naks_give_up_on_the_record_but_keep_the_link() -> None:
    link = ack_link()
    link.send(WAKEUP_ANSWER, ref=1, now=1.0)
    link.send(WAKEUP_ANSWER, ref=2, now=1.0)
    for _ in range(3):
        assert types(sent(link)) == ["WA"]
        link.receive_data(b"\x15", 1.1)
    assert events(link) == [
        Undelivered(1, "WA sent 3 times, refused (NAK) each time", maybe_delivered=False)]
    assert link.is_up
    assert types(sent(link)) == ["WA"]  # the next one goes


def test_a_missing_ack_resends_after_the_timeout_then_fails_the_link() -> None:
    link = ack_link(alive=QUIET)
    link.send(WAKEUP_ANSWER, ref=1, now=10.0)
    link.send(WAKEUP_ANSWER, ref=2, now=10.0)
    assert types(sent(link)) == ["WA"]
    assert link.next_deadline() == 12.0
    link.tick(12.0)
    assert types(sent(link)) == ["WA"]
    link.tick(14.0)
    assert types(sent(link)) == ["WA"]
    link.tick(16.0)
    assert link.state is LinkState.FAILED
    assert events(link) == [
        Undelivered(1, "WA sent 3 times, never acknowledged", maybe_delivered=True),
        LinkDown("the PMS stopped acknowledging (WA sent 3 times)"),
        Undelivered(2, "the PMS stopped acknowledging (WA sent 3 times)",
                    maybe_delivered=False),
    ]


def test_a_stray_ack_is_ignored() -> None:
    link = ack_link()
    link.receive_data(b"\x06\x15", 1.0)
    assert link.data_to_send() == b""
    assert events(link) == []


def test_every_record_in_and_out_is_in_the_debug_log_and_only_there(
    caplog: pytest.LogCaptureFixture,
) -> None:
    link = new_link(alive=ORACLE)
    with caplog.at_level(logging.INFO, logger="connector.pms.fias"):
        bring_up(link)
        link.receive_data(frame(link, "GI", ("RN", "101"), ("GN", "Rossi")), 1.0)
    assert "Rossi" not in caplog.text
    with caplog.at_level(logging.DEBUG, logger="connector.pms.fias"):
        link.receive_data(frame(link, "GI", ("RN", "102"), ("GN", "Verdi")), 2.0)
        link.tick(300.0)  # the alive check
        link.receive_data(frame(link, "LA"), 300.1)
    lines = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    assert lines == ["FIAS in:  GI|RN102|GNVerdi|", "FIAS out: LS|DA260314|TI073005|",
                     "FIAS in:  LA|"]
