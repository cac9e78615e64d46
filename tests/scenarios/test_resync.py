"""A full resync (FIAS DS … DE): the PMS's list of every guest in house is the truth."""

from __future__ import annotations

from tests.scenarios.hotel import Hotel


async def test_a_resync_vacates_rooms_missing_from_it_and_keeps_the_rest(hotel: Hotel) -> None:
    hotel.check_in("120", "Ana", "Lima")
    hotel.check_in("121", "Bo", "Chen")
    gone = hotel.check_in("123", "Cy", "Diaz")
    await hotel.settle()
    hotel.advance(hours=3)
    left_for_cy = hotel.leave_voicemail("123", minutes_ago=15)
    before = hotel.mark()

    hotel.resync(("120", "R120-Lima", "Ana", "Lima"), ("121", "R121-Chen", "Bo", "Chen"))
    await hotel.settle()

    assert hotel.shown_name("120") == "Ana Lima 2120"
    assert hotel.shown_name("121") == "Bo Chen 2121"
    assert hotel.shown_name("123") == "Room 123 2123"
    assert hotel.may_call("123") == {"international": False, "domestic": False}
    assert left_for_cy not in hotel.voicemail_ids("123")
    assert hotel.status(gone).rooms == ["123"]
    # Rooms already right cost nothing: every call since the resync was for room 123.
    user_123 = hotel.user("123").id
    touched = {e.path for e in hotel.sandbox.log.entries() if e.seq > before
               and e.endpoint not in ("oauth_token", "list_user_voicemails",
                                      "list_account_voicemails", "delete_voicemail")}
    assert touched and all(user_123 in path for path in touched), touched


async def test_a_resync_checks_in_a_guest_the_connector_never_heard_of(hotel: Hotel) -> None:
    hotel.resync(("122", "R122-Egan", "Di", "Egan"))
    await hotel.settle()
    assert hotel.shown_name("122") == "Di Egan 2122"


async def test_a_resync_that_never_ends_vacates_nothing(hotel: Hotel) -> None:
    from connector.events.models import ResyncStart

    hotel.check_in("124", "Ana", "Lima")
    await hotel.settle()
    hotel.send(ResyncStart(id="ev-resync-lost", occurred_at=hotel.now, resync_id="lost"))
    await hotel.settle()
    assert hotel.shown_name("124") == "Ana Lima 2124"


async def test_a_guest_renamed_in_the_resync_is_renamed(hotel: Hotel) -> None:
    hotel.check_in("125", "Ana", "Lima")
    await hotel.settle()
    hotel.resync(("125", "R125-Lima", "Ana", "Lima-Souza"))
    await hotel.settle()
    assert hotel.shown_name("125") == "Ana Lima-Souza 2125"
