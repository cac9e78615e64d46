"""The FIAS codec with plain byte strings: framing, junk, LRC, charsets."""

from __future__ import annotations

import pytest

from connector.pms.fias.codec import (
    Control,
    Decoder,
    Malformed,
    MalformedReason,
    Record,
    decode_all,
    encode,
    lrc_of,
)

STX, ETX = b"\x02", b"\x03"
CHECK_IN = Record("GI", (("RN", "101"), ("G#", "4711"), ("GN", "Smith"), ("GF", "Anna")))


def test_a_check_in_is_framed_with_a_trailing_separator() -> None:
    assert encode(CHECK_IN) == STX + b"GI|RN101|G#4711|GNSmith|GFAnna|" + ETX


def test_a_record_without_fields_still_ends_with_a_separator() -> None:
    assert encode(Record("LA")) == STX + b"LA|" + ETX


def test_lrc_is_the_xor_of_payload_and_etx() -> None:
    framed = encode(Record("LA"), lrc=True)
    body = b"LA|" + ETX
    assert framed == STX + body + bytes([lrc_of(body)])
    assert lrc_of(body) == ord("L") ^ ord("A") ^ ord("|") ^ 0x03


def test_decoding_gives_the_record_back_with_field_access() -> None:
    [record] = decode_all(encode(CHECK_IN))
    assert record == CHECK_IN
    assert isinstance(record, Record)
    assert record.get("GN") == "Smith"
    assert record.get("GT") is None
    assert record.mapping["G#"] == "4711"


def test_a_frame_split_across_reads_is_reassembled() -> None:
    wire = encode(CHECK_IN)
    decoder = Decoder()
    for byte in wire:
        assert decoder.next_record() is None
        decoder.receive_data(bytes([byte]))
    assert decoder.next_record() == CHECK_IN
    assert decoder.next_record() is None


def test_many_frames_in_one_read_come_out_in_order() -> None:
    records = [Record("LA"), CHECK_IN, Record("GO", (("RN", "101"), ("G#", "4711")))]
    assert decode_all(b"".join(encode(r) for r in records)) == records


def test_bytes_outside_frames_are_reported_as_junk_and_the_next_frame_survives() -> None:
    events = decode_all(b"hello" + encode(CHECK_IN) + b"\r\n")
    assert events == [
        Malformed(MalformedReason.JUNK, b"hello"),
        CHECK_IN,
        Malformed(MalformedReason.JUNK, b"\r\n"),
    ]


def test_an_stx_inside_a_frame_restarts_there_and_reports_the_cut_frame() -> None:
    events = decode_all(STX + b"GI|RN10" + encode(CHECK_IN))
    assert events == [Malformed(MalformedReason.RESTARTED, STX + b"GI|RN10"), CHECK_IN]


def test_control_bytes_between_frames_are_their_own_events() -> None:
    events = decode_all(b"\x05" + encode(Record("LA")) + b"\x06\x15")
    assert events == [Control.ENQ, Record("LA"), Control.ACK, Control.NAK]


def test_a_frame_with_a_wrong_lrc_is_refused() -> None:
    good = encode(CHECK_IN, lrc=True)
    bad = good[:-1] + bytes([good[-1] ^ 0xFF])
    [event] = decode_all(bad, lrc=True)
    assert event == Malformed(MalformedReason.BAD_LRC, bad)


def test_an_lrc_that_happens_to_be_stx_is_read_as_the_checksum() -> None:
    # Find a record whose LRC is 0x02: the decoder must not take it for a new frame.
    record = next(
        r for n in range(1000)
        if encode(r := Record("RE", (("RN", str(n)),)), lrc=True)[-1] == 0x02
    )
    assert decode_all(encode(record, lrc=True) * 2, lrc=True) == [record, record]


def test_a_frame_without_a_record_type_is_malformed() -> None:
    assert decode_all(STX + ETX) == [Malformed(MalformedReason.NO_TYPE, STX + ETX)]
    assert decode_all(STX + b"G|RN1|" + ETX)[0].reason is MalformedReason.NO_TYPE  # type: ignore[union-attr]
    assert decode_all(STX + b"gi|RN1|" + ETX)[0].reason is MalformedReason.NO_TYPE  # type: ignore[union-attr]


def test_a_field_with_a_bad_id_makes_the_frame_malformed() -> None:
    [event] = decode_all(STX + b"GI|R|" + ETX)
    assert isinstance(event, Malformed)
    assert event.reason is MalformedReason.BAD_FIELD


def test_field_ids_may_hold_hash_and_plus() -> None:
    [record] = decode_all(STX + b"GI|G#12|G+99|P#7|" + ETX)
    assert isinstance(record, Record)
    assert record.fields == (("G#", "12"), ("G+", "99"), ("P#", "7"))


def test_a_missing_trailing_separator_and_empty_fields_are_tolerated() -> None:
    assert decode_all(STX + b"GO|RN101||G#1" + ETX) == [
        Record("GO", (("RN", "101"), ("G#", "1")))
    ]


def test_an_over_long_frame_is_dropped_and_the_next_one_is_read() -> None:
    wire = STX + b"GI|GN" + b"x" * 9000 + ETX + encode(CHECK_IN)
    events = decode_all(wire)
    assert [type(e) for e in events] == [Malformed, Record]
    assert events[0].reason is MalformedReason.TOO_LONG  # type: ignore[union-attr]
    assert events[1] == CHECK_IN


def test_bytes_not_valid_in_the_code_page_are_replaced_and_the_record_kept() -> None:
    wire = STX + b"GI|RN1|GNM\xfcller|" + ETX  # Latin-1 bytes on a UTF-8 link
    assert decode_all(wire) == [
        Record("GI", (("RN", "1"), ("GN", "M\ufffdller")), undecodable=True)]


def test_a_latin1_name_reads_right_on_a_windows_1252_link() -> None:
    wire = STX + "GI|RN12|GNMüller|GFZoë|".encode("latin-1") + ETX
    [record] = decode_all(wire, charset="windows-1252")
    assert isinstance(record, Record)
    assert (record.get("GN"), record.get("GF"), record.undecodable) == ("Müller", "Zoë", False)


@pytest.mark.parametrize(("charset", "name"), [
    ("iso-8859-2", "Dvořák"), ("iso-8859-1", "Ñúñez"), ("cp1251", "Иванов"),
    ("cp850", "Müller"), ("utf-8", "太郎"),
])
def test_names_round_trip_in_any_code_page_a_site_agrees(charset: str, name: str) -> None:
    guest = Record("GI", (("RN", "12"), ("GN", name)))
    assert decode_all(encode(guest, charset=charset), charset=charset) == [guest]


def test_cp850_names_with_accents_round_trip() -> None:
    guest = Record("GI", (("RN", "12"), ("GN", "Müller"), ("GF", "Zoë"), ("GT", "Señora")))
    wire = encode(guest, charset="cp850")
    assert "Müller".encode("cp850") in wire
    assert decode_all(wire, charset="cp850") == [guest]
    # The same bytes read as UTF-8 are not valid: the record comes with the bad bytes marked.
    [misread] = decode_all(wire)
    assert isinstance(misread, Record) and misread.undecodable


def test_a_name_cp850_cannot_write_is_an_error_not_a_silent_question_mark() -> None:
    with pytest.raises(UnicodeEncodeError):
        encode(Record("GI", (("GN", "Иванов"),)), charset="cp850")


def test_utf8_names_in_any_script_round_trip() -> None:
    guest = Record("GI", (("RN", "12"), ("GN", "Иванов"), ("GF", "太郎")))
    assert decode_all(encode(guest)) == [guest]


def test_records_refuse_values_that_would_break_the_framing() -> None:
    with pytest.raises(ValueError, match="separator"):
        Record("GI", (("GN", "a|b"),))
    with pytest.raises(ValueError, match="record type"):
        Record("G1")
    with pytest.raises(ValueError, match="field id"):
        Record("GI", (("g#", "1"),))


@pytest.mark.parametrize("charset", ["klingon", "utf-16", "utf-32", "utf-7", "cp037", "hex"])
def test_a_code_page_that_cannot_carry_the_framing_is_refused_up_front(charset: str) -> None:
    with pytest.raises(ValueError, match="for example windows-1252, iso-8859-1"):
        Decoder(charset=charset)


def test_record_of_leaves_out_optional_fields() -> None:
    record = Record.of("PS", ("RN", "1"), None, ("TA", "100"))
    assert str(record) == "PS|RN1|TA100|"
