"""Voicemail: per-user and account-wide listings; deleted voicemails disappear from both."""

from __future__ import annotations

from connector.sandbox import Sandbox
from tests.sandbox.sandbox_support import Zoom


async def test_deleted_voicemail_disappears_from_both_listings(
    zoom: Zoom, sandbox: Sandbox
) -> None:
    room = sandbox.owner(2121)
    left = sandbox.add_voicemail(2121, caller_name="LONDON", caller_number="+442075550199")
    mine = (await zoom.get(f"/phone/users/{room.id}/voice_mails", page_size=300)).json()
    assert left.id in [vm["id"] for vm in mine["voice_mails"]]
    everyone = await zoom.list_all("/phone/voice_mails", "voice_mails", page_size=300)
    assert left.id in [vm["id"] for vm in everyone]

    assert (await zoom.delete(f"/phone/voice_mails/{left.id}")).status_code == 204

    mine = (await zoom.get(f"/phone/users/{room.id}/voice_mails", page_size=300)).json()
    assert left.id not in [vm["id"] for vm in mine["voice_mails"]]
    everyone = await zoom.list_all("/phone/voice_mails", "voice_mails", page_size=300)
    assert left.id not in [vm["id"] for vm in everyone]
    again = await zoom.delete(f"/phone/voice_mails/{left.id}")
    assert again.status_code == 404


async def test_account_listing_by_owner_type_finds_common_area_voicemail(
    zoom: Zoom, sandbox: Sandbox
) -> None:
    left = sandbox.add_voicemail(2126)  # room 126 is a common-area phone
    areas = await zoom.list_all("/phone/voice_mails", "voice_mails", page_size=300,
                                owner_type="commonArea")
    assert left.id in [vm["id"] for vm in areas]
    assert {vm["owner"]["type"] for vm in areas} == {"commonArea"}
    mine = next(vm for vm in areas if vm["id"] == left.id)
    assert mine["owner"]["extension_number"] == 2126
    users = await zoom.list_all("/phone/voice_mails", "voice_mails", page_size=300,
                                owner_type="user")
    assert left.id not in [vm["id"] for vm in users]


async def test_demo_hotel_has_voicemails_on_some_rooms(zoom: Zoom, sandbox: Sandbox) -> None:
    everyone = await zoom.list_all("/phone/voice_mails", "voice_mails", page_size=300)
    assert len(everyone) == len(sandbox.account.voicemails) > 10
    kinds = {vm["owner"]["type"] for vm in everyone}
    assert kinds == {"user", "commonArea"}


async def test_default_window_is_the_last_30_days(zoom: Zoom, sandbox: Sandbox) -> None:
    old = sandbox.add_voicemail(2122, minutes_ago=31 * 24 * 60)
    room = sandbox.owner(2122)
    recent = (await zoom.get(f"/phone/users/{room.id}/voice_mails")).json()
    assert old.id not in [vm["id"] for vm in recent["voice_mails"]]
    when = old.date_time.strftime("%Y-%m-%d")
    dated = (await zoom.get(f"/phone/users/{room.id}/voice_mails",
                            **{"from": when, "to": when})).json()
    assert old.id in [vm["id"] for vm in dated["voice_mails"]]


async def test_unknown_user_voicemails_is_code_1001(zoom: Zoom) -> None:
    response = await zoom.get("/phone/users/nobody/voice_mails")
    assert (response.status_code, response.json()["code"]) == (404, 1001)


async def test_every_delete_is_recorded_so_a_second_one_shows(
    zoom: Zoom, sandbox: Sandbox
) -> None:
    room = sandbox.owner(2121)
    left = sandbox.add_voicemail(2121)

    await zoom.delete(f"/phone/voice_mails/{left.id}")
    await zoom.delete(f"/phone/voice_mails/{left.id}")

    deletions = [d for d in sandbox.account.voicemail_deletions if d.voicemail_id == left.id]
    assert [(d.owner_id, d.found) for d in deletions] == [(room.id, True), (None, False)]
    assert deletions[0].at <= deletions[1].at
