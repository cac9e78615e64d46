"""Each Zoom event and listing row goes to the hotel that owns it, by site, extension or
e-mail domain; what no hotel owns goes nowhere."""

from __future__ import annotations

import pytest

from connector.account.group import GroupFileError, parse_csv, parse_yaml
from connector.account.routing import call_row_hotel, event_hotel, voicemail_row_hotel
from connector.zoom.webhooks import ZoomEvent
from tests.account.group_factory import group


def _event(name: str, obj: dict[str, object]) -> ZoomEvent:
    return ZoomEvent(event=name, event_ts=1, payload={"account_id": "acc", "object": obj})


def test_a_call_from_a_porto_room_goes_to_porto_by_its_site() -> None:
    event = _event("phone.caller_call_history_completed", {"user_id": "u1", "call_logs": [
        {"caller_site_id": "site-porto", "caller_ext_number": "150",
         "callee_did_number": "+351210000000"}]})
    found = event_hotel(group(), event)
    assert found is not None and found.hotel_id == "porto"


def test_a_call_from_faro_goes_to_faro_by_its_extension_when_faro_has_no_site() -> None:
    event = _event("phone.caller_call_history_completed", {"call_logs": [
        {"caller_ext_number": "312"}]})
    found = event_hotel(group(), event)
    assert found is not None and found.hotel_id == "faro"


def test_a_call_to_a_room_is_the_callees_hotel() -> None:
    event = _event("phone.callee_call_history_completed", {"call_logs": [
        {"caller_ext_number": "120", "callee_ext_number": "250"}]})
    found = event_hotel(group(), event)
    assert found is not None and found.hotel_id == "porto"


def test_a_voicemail_left_for_room_105_goes_to_lisbon() -> None:
    event = _event("phone.voicemail_received", {"id": "vm1", "callee_number": "105",
                                                "callee_user_id": "u105"})
    found = event_hotel(group(), event)
    assert found is not None and found.hotel_id == "lisbon"


def test_a_presence_change_goes_by_the_users_email_domain() -> None:
    event = _event("user.presence_status_updated", {"id": "u1", "email":
                                                    "room105@Lisbon.example.com"})
    found = event_hotel(group(), event)
    assert found is not None and found.hotel_id == "lisbon"


def test_what_no_hotel_owns_goes_nowhere() -> None:
    assert event_hotel(group(), _event("phone.voicemail_received", {
        "id": "vm1", "callee_number": "555"})) is None
    assert event_hotel(group(), _event("user.presence_status_updated", {
        "id": "u1", "email": "ceo@head-office.example.com"})) is None
    assert event_hotel(group(), _event("phone.voicemail_deleted", {
        "voice_mails": [{"id": "vm1"}]})) is None


def test_listing_rows_are_routed_by_owner_and_by_leg() -> None:
    lisbon = voicemail_row_hotel(group(), {"id": "vm", "owner": {"extension_number": 101}})
    porto = call_row_hotel(group(), {"caller_ext_number": "900"})
    assert lisbon is not None and lisbon.hotel_id == "lisbon"
    assert porto is not None and porto.hotel_id == "porto"


def test_the_group_file_may_be_csv() -> None:
    found = parse_csv("id,url,site_id,extensions\nlisbon,http://l.hotels,s1,100-199\n")
    assert found.hotels[0].owns_extension("150")


@pytest.mark.parametrize(("text", "says"), [
    ("hotels:\n - {id: a, url: 'http://a', extensions: 100-199}\n"
     " - {id: b, url: 'http://b', extensions: 150-250}\n", "overlapping"),
    ("hotels:\n - {id: a, url: 'http://a'}\n", "site_id"),
    ("hotels:\n - {id: a, url: 'ftp://a', extensions: '1'}\n", "url"),
    ("hotels:\n - {id: a, url: 'http://a', site_id: s}\n - {id: b, url: 'http://b', "
     "site_id: s}\n", "same site_id"),
])
def test_a_group_file_that_cannot_route_is_refused_with_the_reason(text: str, says: str) -> None:
    with pytest.raises(GroupFileError, match=says):
        parse_yaml(text)
