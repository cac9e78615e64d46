"""Properties of the codec: it round-trips any record and never raises on any bytes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from connector.pms.fias.codec import Decoder, Malformed, Record, decode_all, encode

_ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789#+"
field_ids = st.text(alphabet=_ID_CHARS, min_size=2, max_size=2)
record_types = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2)
# Any printable text without the separator; control characters are framing, not data.
utf8_values = st.text(
    alphabet=st.characters(blacklist_categories=["Cs", "Cc"], blacklist_characters="|"),
    max_size=40,
)
cp850_values = st.text(
    alphabet=st.characters(
        codec="cp850", blacklist_categories=["Cc"], blacklist_characters="|"),
    max_size=40,
)


def records(values: st.SearchStrategy[str]) -> st.SearchStrategy[Record]:
    return st.builds(
        Record, record_types, st.lists(st.tuples(field_ids, values), max_size=12).map(tuple))


@given(records(utf8_values), st.booleans())
def test_utf8_records_round_trip(record: Record, lrc: bool) -> None:
    assert decode_all(encode(record, lrc=lrc), lrc=lrc) == [record]


@given(records(cp850_values), st.booleans())
def test_cp850_records_round_trip(record: Record, lrc: bool) -> None:
    wire = encode(record, charset="cp850", lrc=lrc)
    assert decode_all(wire, charset="cp850", lrc=lrc) == [record]


@given(st.lists(records(utf8_values), max_size=5), st.data())
def test_records_survive_any_split_into_reads(batch: list[Record], data: st.DataObject) -> None:
    wire = b"".join(encode(r) for r in batch)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(wire)), max_size=8)))
    decoder = Decoder()
    for start, end in zip([0, *cuts], [*cuts, len(wire)], strict=True):
        decoder.receive_data(wire[start:end])
    out = []
    while (event := decoder.next_record()) is not None:
        out.append(event)
    assert out == batch


@given(st.binary(max_size=2000),
       st.sampled_from(["utf-8", "cp850", "windows-1252", "iso-8859-2", "shift_jis"]),
       st.booleans())
def test_the_decoder_never_raises_on_any_bytes(data: bytes, charset: str, lrc: bool) -> None:
    decoder = Decoder(charset=charset, lrc=lrc)
    decoder.receive_data(data)
    while (event := decoder.next_record()) is not None:
        if isinstance(event, Malformed):
            assert event.raw


@given(st.binary(max_size=300), records(utf8_values))
def test_a_good_frame_after_any_garbage_is_still_read(garbage: bytes, record: Record) -> None:
    # Garbage may leave a frame open; the good frame's STX restarts the decoder there.
    events = decode_all(garbage + encode(record))
    assert events[-1] == record
