"""Voicemail purge: a new guest never hears messages left for the last one."""

from __future__ import annotations

from pathlib import Path

from connector.events.models import ClassOfService
from tests.scenarios.hotel import Hotel, open_hotel

VACANT_NAME = "Room ${room} ${extension}"


async def test_check_out_purges_a_guest_rooms_mailbox_listing_only_that_user(
    hotel: Hotel,
) -> None:
    stay = hotel.check_in("114", "Ana", "Lima")
    await hotel.settle()
    hotel.advance(hours=6)
    messages = {hotel.leave_voicemail("114", minutes_ago=m) for m in (5, 60, 240)}
    neighbour = hotel.leave_voicemail("115", minutes_ago=60)
    assert hotel.voicemail_ids("114") == messages

    before = hotel.mark()
    hotel.check_out("114", stay.reservation)
    await hotel.settle()
    assert hotel.voicemail_ids("114") == set()
    assert neighbour in hotel.voicemail_ids("115")
    assert hotel.calls("list_user_voicemails", since=before) == 1
    assert hotel.calls("list_account_voicemails", since=before) == 0
    assert hotel.calls("delete_voicemail", since=before) == 3


async def test_a_message_left_after_check_out_waits_for_the_next_guest_check_in(
    hotel: Hotel,
) -> None:
    stay = hotel.check_in("116", "Ana", "Lima")
    await hotel.settle()
    hotel.advance(hours=1)
    hotel.check_out("116", stay.reservation)
    await hotel.settle()
    hotel.advance(hours=1)
    for_nobody = hotel.leave_voicemail("116", minutes_ago=30)  # the room was empty
    assert hotel.voicemail_ids("116") == {for_nobody}

    hotel.check_in("116", "Bo", "Chen")
    await hotel.settle()
    assert hotel.voicemail_ids("116") == set()


async def test_a_common_area_room_is_purged_through_the_account_listing(hotel: Hotel) -> None:
    stay = hotel.check_in("127", "Ana", "Lima")
    await hotel.settle()
    hotel.advance(hours=6)
    messages = {hotel.leave_voicemail("127", minutes_ago=m) for m in (10, 120)}
    other_area = hotel.leave_voicemail("128", minutes_ago=10)
    a_user_room = hotel.leave_voicemail("118", minutes_ago=10)

    before = hotel.mark()
    hotel.check_out("127", stay.reservation)
    await hotel.settle()
    assert hotel.voicemail_ids("127") == set()
    assert hotel.calls("list_account_voicemails", since=before) >= 1
    assert hotel.calls("list_user_voicemails", since=before) == 0
    assert hotel.calls("delete_voicemail", since=before) == len(messages)
    # Only this room's messages go, though the listing showed the whole account's.
    assert other_area in hotel.voicemail_ids("128")
    assert a_user_room in hotel.voicemail_ids("118")


async def test_messages_of_the_current_stay_survive_a_repeated_check_in(hotel: Hotel) -> None:
    stay = hotel.check_in("119", "Ana", "Lima")
    await hotel.settle()
    hotel.advance(hours=2)
    for_ana = hotel.leave_voicemail("119", minutes_ago=30)
    hotel.send(stay.model_copy(update={"id": "ev-repeat-119"}))  # the PMS sent it again
    await hotel.settle()
    assert hotel.voicemail_ids("119") == {for_ana}


async def test_a_check_out_rush_lists_the_account_once_instead_of_every_room(
    tmp_path: Path,
) -> None:
    # Phones named for the room, not the guest, and barred guests: a check-out changes
    # nothing but the mailbox, so every room asks for its purge at the same moment.
    async with open_hotel(tmp_path, CONNECTOR_ROOMS__OCCUPIED_NAME=VACANT_NAME) as hotel:
        rooms = [f"2{n:02d}" for n in range(1, 7)]
        stays = [hotel.check_in(room, "Guest", f"No{room}", cos=ClassOfService.BARRED)
                 for room in rooms]
        await hotel.settle()
        hotel.advance(hours=8)
        for room in rooms:
            hotel.leave_voicemail(room, minutes_ago=20)

        before = hotel.mark()
        for stay in stays:
            hotel.check_out(stay.room, stay.reservation)
        await hotel.settle()
        assert all(hotel.voicemail_ids(room) == set() for room in rooms)
        assert hotel.calls("list_account_voicemails", since=before) == 1
        assert hotel.calls("list_user_voicemails", since=before) == 0
        assert set(hotel.calls_since(before)) == {"list_account_voicemails", "delete_voicemail"}
