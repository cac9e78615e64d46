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
