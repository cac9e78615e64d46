"""What the PMS sends that the connector does not use, and how it keys its guests: noticed
per link session, so the integrator reads each once in the log."""

from __future__ import annotations

from connector.pms.fias.config import DEFAULT_SUBSCRIPTIONS
from connector.pms.fias.fields_used import USED_FIELDS, unused_fields
from connector.pms.fias.inbound import GuestKey, InboundTranslator
from tests.fias.test_mapping_in import HOTEL, rec


def translator() -> InboundTranslator:
    t = InboundTranslator(tz=HOTEL)
    t.link_up()
    return t


def test_every_field_we_subscribe_to_in_a_mapped_record_is_used_or_knowingly_not() -> None:
    knowingly_unused = {("GI", "SF"), ("GC", "SF"), ("GO", "SF"), ("GO", "GS")}
    for subscription in DEFAULT_SUBSCRIPTIONS:
        used = USED_FIELDS.get(subscription.record_type)
        if used is None:
            continue
        left = {(subscription.record_type, f) for f in subscription.fields} - {
            (subscription.record_type, f) for f in used}
        assert left <= knowingly_unused, left


def test_a_profile_number_and_a_swap_flag_outside_a_resync_are_not_used() -> None:
    assert unused_fields(rec("GI|RN101|G#1|G+77|GNRossi|SFY|"), in_resync=False) == ("G+", "SF")
    assert unused_fields(rec("GI|RN101|G#1|GNRossi|SFY|"), in_resync=True) == ()


def test_a_record_type_we_never_read_is_unused_as_a_whole() -> None:
    assert unused_fields(rec("XL|RN101|G#1|"), in_resync=False) == ("*",)
    assert unused_fields(rec("PA|ASOK|P#1|RN101|"), in_resync=False) == ()  # postings read it


def test_a_guest_service_code_in_rs_is_unused_but_a_maid_status_is_used() -> None:
    assert unused_fields(rec("RE|RN101|RS8|"), in_resync=False) == ("RS",)
    assert unused_fields(rec("RE|RN101|RS3|MLY|"), in_resync=False) == ()


def test_an_unused_field_is_new_once_per_link_session() -> None:
    t = translator()
    first = t.notice(rec("GI|RN101|G#1|G+77|"))
    again = t.notice(rec("GI|RN102|G#2|G+78|"))
    assert (first.unused, first.first_unused) == (("G+",), ("G+",))
    assert (again.unused, again.first_unused) == (("G+",), ())
    t.link_up()
    assert t.notice(rec("GI|RN103|G#3|G+79|")).first_unused == ("G+",)


def test_the_first_guest_record_of_a_session_tells_how_guests_are_keyed() -> None:
    t = translator()
    assert t.notice(rec("RE|RN101|MLY|")).guest_key is None
    assert t.notice(rec("GI|RN101|GNRossi|")).guest_key is GuestKey.ROOM
    assert t.notice(rec("GI|RN102|G#2|")).guest_key is None  # said once per session
    t.link_up()
    assert t.notice(rec("GO|RN101|G#1|")).guest_key is GuestKey.RESERVATION
