"""What the PMS says over FIAS about guests, kept in the store as the front desk sees it."""

from __future__ import annotations

from connector.store import Store
from tests.store.fias_hotel import FiasHotel


def test_a_sharer_moving_out_over_fias_leaves_the_room_to_the_other_guest(
    store: Store,
) -> None:
    hotel = FiasHotel(store)
    hotel.pms_sends("GI|RN101|G#1|GNLima|GFAna|GSN|", "GI|RN101|G#2|GNCruz|GFBen|GSY|")
    hotel.pms_sends("GC|RN202|GSN|RO101|GSY|G#1|GNLima|GFAna|")
    assert hotel.guests("101") == ["Ben Cruz"]
    assert hotel.guests("202") == ["Ana Lima"]


def test_a_pms_without_reservation_numbers_checks_guests_in_moves_and_out_by_room(
    store: Store,
) -> None:
    hotel = FiasHotel(store)
    hotel.pms_sends("GI|RN101|GNLima|GFAna|GSN|", "GI|RN101|GNCruz|GFBen|GSY|")
    assert hotel.guests("101") == ["Ana Lima", "Ben Cruz"]
    hotel.pms_sends("GC|RN202|GSN|RO101|GSN|GNLima|GFAna|")
    assert hotel.guests("202") == ["Ana Lima", "Ben Cruz"]
    assert not hotel.room("101").occupied
    hotel.pms_sends("GO|RN202|")
    assert not hotel.room("202").occupied


def test_a_resync_keyed_by_room_keeps_the_rooms_it_lists_and_vacates_the_others(
    store: Store,
) -> None:
    hotel = FiasHotel(store)
    hotel.pms_sends("GI|RN101|GNLima|GFAna|", "GI|RN102|GNCruz|GFBen|")
    hotel.pms_sends("DS|", "GI|RN101|GNLima|GFAna|SFY|", "DE|")
    assert hotel.guests("101") == ["Ana Lima"]
    assert not hotel.room("102").occupied
