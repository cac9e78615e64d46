"""Zoom's voicemail webhooks keep an index of who has which message, so a check-out deletes
the guest's voicemails with no listing; the nightly sweep repairs what a lost webhook missed."""

from __future__ import annotations

import json
from pathlib import Path

from connector.sandbox import SandboxConfig
from connector.web.zoom_signing import zoom_headers
from tests.reconcile.voicemail_hotel import SECRET_TOKEN, VoicemailHotel, voicemail_hotel

LISTINGS = ("list_user_voicemails", "list_account_voicemails")


def listing_calls(vh: VoicemailHotel, since: int) -> int:
    return sum(vh.hotel.calls(endpoint, since=since) for endpoint in LISTINGS)


async def guest_stays(vh: VoicemailHotel, room: str) -> str:
    """A guest checks in and spends the day; returns the reservation."""
    stay = vh.hotel.check_in(room, "Ana", "Lima")
    await vh.hotel.settle()
    vh.hotel.advance(hours=6)
    return stay.reservation


async def test_a_voicemail_left_is_indexed_once_though_zoom_sends_it_twice(
    tmp_path: Path,
) -> None:
    async with voicemail_hotel(tmp_path) as vh:
        vh.hotel.sandbox.webhooks.faults.twice()
        message = vh.hotel.leave_voicemail("114", minutes_ago=5)
        await vh.delivered()

        deliveries = [d for d in vh.hotel.sandbox.webhooks.deliveries
                      if d.event == "phone.voicemail_received"]
        assert [d.attempts[-1].status for d in deliveries] == [200, 200]
        assert sorted(d.answer for d in deliveries) == [
            '{"status":"duplicate"}', '{"status":"indexed"}']
        assert vh.indexed("114") == {message}


async def test_a_voicemail_event_not_signed_by_zoom_is_refused_and_not_kept(
    tmp_path: Path,
) -> None:
    async with voicemail_hotel(tmp_path) as vh:
        owner = vh.hotel.zoom_owner("114")
        body = json.dumps({"event": "phone.voicemail_received", "event_ts": 1, "payload": {
            "account_id": "x", "object": {
                "id": "forged-1", "date_time": "2026-01-01T00:00:00Z", "callee_id": owner.id,
                "callee_user_id": owner.id, "callee_extension_type": "user"}}}).encode()
        headers = zoom_headers(body, "not-the-apps-secret-token",
                               int(vh.hotel.now.timestamp()))
        answer = await vh.http.post("/zoom/events", content=body, headers={
            "content-type": "application/json", **headers})

        assert answer.status_code == 401
        assert vh.indexed("114") == set()
        assert SECRET_TOKEN  # the app's own token signs the sandbox's events


async def test_a_check_out_with_a_trusted_index_lists_nothing_and_deletes_the_guests_messages(
    tmp_path: Path,
) -> None:
    async with voicemail_hotel(tmp_path) as vh:
        hotel = vh.hotel
        reservation = await guest_stays(vh, "114")
        first = await vh.sweep_now()
        assert first.trusted == {"user": True, "common_area": True}
        messages = {hotel.leave_voicemail("114", minutes_ago=m) for m in (5, 60, 240)}
        neighbour = hotel.leave_voicemail("115", minutes_ago=60)
        await vh.delivered()
        assert vh.indexed("114") == messages

        before = hotel.mark()
        hotel.check_out("114", reservation)
        await hotel.settle()

        assert hotel.voicemail_ids("114") == set()
        assert neighbour in hotel.voicemail_ids("115")
        assert listing_calls(vh, before) == 0
        assert hotel.calls("delete_voicemail", since=before) == 3
        assert vh.indexed("114") == set()


async def test_a_message_left_after_check_out_time_survives_the_index_purge(
    tmp_path: Path,
) -> None:
    async with voicemail_hotel(tmp_path) as vh:
        hotel = vh.hotel
        reservation = await guest_stays(vh, "114")
        await vh.sweep_now()
        for_ana = hotel.leave_voicemail("114", minutes_ago=30)
        await vh.delivered()
        hotel.check_out("114", reservation)
        hotel.advance(minutes=1)
        for_nobody = hotel.leave_voicemail("114", minutes_ago=0)  # after the check-out
        await vh.delivered()
        await hotel.settle()

        assert hotel.voicemail_ids("114") == {for_nobody}
        assert for_ana not in vh.indexed("114")


async def test_a_lost_webhook_leaves_a_message_that_the_nightly_sweep_deletes(
    tmp_path: Path,
) -> None:
    async with voicemail_hotel(tmp_path) as vh:
        hotel = vh.hotel
        first = await vh.sweep_now()  # indexes the demo hotel's earlier messages
        reservation = await guest_stays(vh, "116")
        hotel.sandbox.webhooks.faults.lose()
        lost = hotel.leave_voicemail("116", minutes_ago=50)
        came = hotel.leave_voicemail("116", minutes_ago=40)
        await vh.delivered()
        assert vh.indexed("116") == {came}

        hotel.check_out("116", reservation)
        await hotel.settle()
        assert hotel.voicemail_ids("116") == {lost}  # the index did not know it

        hotel.advance(hours=12)
        before = hotel.mark()
        night = await vh.sweep_now()

        assert hotel.voicemail_ids("116") == set()
        assert (night.added, night.purged) >= (1, 1)
        assert night.trusted["user"]  # one lost webhook among those that came
        assert hotel.calls("delete_voicemail", since=before) == night.purged
        assert vh.registry.get_sample_value(
            "connector_voicemail_sweep_repairs_total", {"repair": "added"}
        ) == first.added + night.added


async def test_a_deletion_zoom_told_of_is_not_deleted_again(tmp_path: Path) -> None:
    async with voicemail_hotel(tmp_path) as vh:
        hotel = vh.hotel
        reservation = await guest_stays(vh, "114")
        await vh.sweep_now()
        heard = hotel.leave_voicemail("114", minutes_ago=30)
        await vh.delivered()
        hotel.sandbox.delete_voicemail_on_phone(heard)  # the guest deleted it on the phone
        await vh.delivered()
        assert vh.indexed("114") == set()

        before = hotel.mark()
        hotel.check_out("114", reservation)
        await hotel.settle()
        assert not {"delete_voicemail", *LISTINGS} & set(hotel.calls_since(before))


async def test_without_a_sweep_the_index_is_not_trusted_and_the_purge_lists(
    tmp_path: Path,
) -> None:
    async with voicemail_hotel(tmp_path) as vh:
        hotel = vh.hotel
        reservation = await guest_stays(vh, "114")
        messages = {hotel.leave_voicemail("114", minutes_ago=m) for m in (5, 60)}
        await vh.delivered()
        assert vh.indexed("114") == messages

        before = hotel.mark()
        hotel.check_out("114", reservation)
        await hotel.settle()
        assert hotel.voicemail_ids("114") == set()
        assert hotel.calls("list_user_voicemails", since=before) == 1


async def test_a_common_area_room_is_purged_from_the_index_without_the_heavy_listing(
    tmp_path: Path,
) -> None:
    async with voicemail_hotel(tmp_path) as vh:
        hotel = vh.hotel
        reservation = await guest_stays(vh, "127")
        await vh.sweep_now()
        messages = {hotel.leave_voicemail("127", minutes_ago=m) for m in (10, 120)}
        other_area = hotel.leave_voicemail("128", minutes_ago=10)
        await vh.delivered()

        before = hotel.mark()
        hotel.check_out("127", reservation)
        await hotel.settle()
        assert hotel.voicemail_ids("127") == set()
        assert other_area in hotel.voicemail_ids("128")
        assert listing_calls(vh, before) == 0
        assert hotel.calls("delete_voicemail", since=before) == len(messages)


async def test_when_zoom_sends_no_common_area_voicemail_events_their_purges_list_again(
    tmp_path: Path,
) -> None:
    config = SandboxConfig(common_area_voicemail_events=False)
    async with voicemail_hotel(tmp_path, config) as vh:
        hotel = vh.hotel
        await vh.sweep_now()
        reservation = await guest_stays(vh, "127")
        unheard = hotel.leave_voicemail("127", minutes_ago=60)
        hotel.leave_voicemail("114", minutes_ago=60)
        await vh.delivered()
        night = await vh.sweep_now()
        assert night.trusted == {"user": True, "common_area": False}

        before = hotel.mark()
        hotel.check_out("127", reservation)
        await hotel.settle()
        assert unheard not in hotel.voicemail_ids("127")
        assert hotel.calls("list_account_voicemails", since=before) == 1
