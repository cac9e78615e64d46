"""The Zoom client doing the hotel's work against the emulated Zoom, over real HTTP."""

from __future__ import annotations

import asyncio
import math
from datetime import timedelta

import pytest
from prometheus_client import CollectorRegistry

from connector.sandbox.server import SandboxServer
from connector.settings import Settings
from connector.settings.rooms_source import load_room_map
from connector.zoom.api import ZoomApi
from connector.zoom.catalogue import Category, Family, Feature
from connector.zoom.client import ZoomClient
from connector.zoom.directory import Directory
from connector.zoom.errors import FeatureDisabled, ZoomNotFound
from connector.zoom.metrics import ZoomMetrics

LIST_ENDPOINTS = ("list_users", "list_phone_users", "list_common_areas", "list_devices")


def _calls(served: SandboxServer, endpoint: str) -> int:
    return len(served.sandbox.log.entries(endpoint))


async def test_calls_go_to_the_api_host_the_token_names(
    zoom: ZoomApi, served: SandboxServer
) -> None:
    assert served.api_url != served.oauth_url
    assert await zoom.client.api_base() == served.api_url
    users = await zoom.list_users()
    assert users and _calls(served, "list_users") == 1


async def test_the_demo_hotel_directory_is_built_with_the_fewest_list_calls(
    zoom: ZoomApi, served: SandboxServer, settings: Settings
) -> None:
    account = served.sandbox.account
    phone_users = [u for u in account.users.values() if u.phone is not None]
    assigned = [d for d in account.devices.values() if d.assignee_ids]
    fewest = (
        math.ceil(len(account.users) / 2000)
        + math.ceil(len(phone_users) / 100)
        + math.ceil(len(account.common_areas) / 100)
        + math.ceil(len(assigned) / 300)
    )
    rooms = load_room_map(settings.rooms)
    directory = Directory(zoom, zoom.client.clock, rooms=rooms)

    stats = await directory.refresh()

    made = sum(_calls(served, name) for name in LIST_ENDPOINTS)
    assert made == fewest == stats.calls
    matched, unmatched = directory.room_matches()
    assert sorted(unmatched) == ["901", "902"]  # the demo's two rooms never created in Zoom
    assert len(matched) == len(rooms) - 2
    owner = directory.by_room("412")
    assert owner is not None and owner.extension == "2412" and owner.kind == "user"
    area = directory.by_room("126")
    assert area is not None and area.kind == "common_area" and area.devices


async def test_renaming_a_room_shows_in_zoom(zoom: ZoomApi, served: SandboxServer) -> None:
    owner = served.sandbox.owner(2412)
    await zoom.update_user(owner.id, first_name="Ana", last_name="Lima 2412",
                           display_name="Ana Lima 2412", dept="In house")
    user = await zoom.get_user(owner.id)
    assert (user.first_name, user.last_name, user.display_name, user.dept) == (
        "Ana", "Lima 2412", "Ana Lima 2412", "In house")


async def test_renaming_a_common_area_room_shows_in_zoom(
    zoom: ZoomApi, served: SandboxServer
) -> None:
    area = served.sandbox.owner(2126)
    await zoom.update_common_area(area.id, display_name="Room 126 2126", department="Vacant")
    assert (await zoom.get_common_area(area.id))["display_name"] == "Room 126 2126"


async def test_a_revoked_token_is_renewed_and_the_call_goes_through(
    zoom: ZoomApi, served: SandboxServer
) -> None:
    await zoom.list_users()
    served.sandbox.revoke_tokens()
    await zoom.get_user(served.sandbox.owner(2101).id)
    assert _calls(served, "oauth_token") == 2


async def test_a_burst_of_server_errors_is_ridden_out(
    zoom: ZoomApi, served: SandboxServer
) -> None:
    served.sandbox.faults.error_burst(2, status=503, endpoint="get_user")
    user = await zoom.get_user(served.sandbox.owner(2101).id)
    assert user.id
    assert [e.status for e in served.sandbox.log.entries("get_user")] == [503, 503, 200]


async def test_a_dropped_connection_is_retried(zoom: ZoomApi, served: SandboxServer) -> None:
    served.sandbox.faults.drop(1, endpoint="get_user")
    user = await zoom.get_user(served.sandbox.owner(2101).id)
    assert user.id


async def test_a_limit_lowered_by_another_app_is_obeyed_after_a_429(
    zoom: ZoomApi, served: SandboxServer
) -> None:
    # Another app on the account takes most of the Light phone budget mid-run.
    served.sandbox.limiter.set_limit(Family.PHONE, Category.LIGHT, 3)
    devices = [d.id for d in served.sandbox.account.devices.values()][:8]
    limiter = zoom.client.limiters.get(Family.PHONE, Category.LIGHT)

    # The sandbox's clock is frozen, so its per-second window only moves when we move it.
    async def tick() -> None:
        while True:
            await asyncio.sleep(0.25)
            served.sandbox.advance(1)

    ticker = asyncio.create_task(tick())
    try:
        results = await asyncio.gather(*(zoom.get_device(d) for d in devices))
    finally:
        ticker.cancel()
    assert [r.id for r in results] == devices
    statuses = [e.status for e in served.sandbox.log.entries("get_device")]
    assert 429 in statuses and statuses.count(200) == len(devices)
    assert limiter.factor < 1.0  # slowed down for the other app's sake


async def test_dnd_set_for_a_guest_lapses_when_its_duration_ends(
    zoom: ZoomApi, served: SandboxServer
) -> None:
    owner = served.sandbox.owner(2101)
    await zoom.set_presence(owner.id, "Do_Not_Disturb", duration_minutes=90)
    assert served.sandbox.presence(owner.id)["status"] == "Do_Not_Disturb"
    served.sandbox.advance(timedelta(minutes=91).total_seconds())
    assert served.sandbox.presence(owner.id)["status"] == "Available"


async def test_a_deleted_voicemail_is_gone_from_the_rooms_mailbox(
    zoom: ZoomApi, served: SandboxServer
) -> None:
    owner = served.sandbox.owner(2102)
    left = served.sandbox.add_voicemail(2102)
    assert left.id in {v.id for v in await zoom.list_user_voicemails(owner.id)}
    await zoom.delete_voicemail(left.id)
    assert left.id not in {v.id for v in await zoom.list_user_voicemails(owner.id)}
    assert left.id not in {v.id for v in await zoom.list_account_voicemails()}
    with pytest.raises(ZoomNotFound):
        await zoom.delete_voicemail(left.id)


async def test_common_area_voicemail_is_found_in_the_account_listing(
    zoom: ZoomApi, served: SandboxServer
) -> None:
    left = served.sandbox.add_voicemail(2126)
    found = await zoom.list_account_voicemails(owner_type="commonArea")
    mine = [v for v in found if v.id == left.id]
    assert mine and mine[0].owner is not None and mine[0].owner.extension_number == 2126


async def test_sip_lines_are_read_from_the_other_device(
    zoom: ZoomApi, served: SandboxServer
) -> None:
    others = await zoom.list_devices(device_type="other")
    assert others
    detail = await zoom.get_device(others[0].id)
    assert detail.provision is not None and detail.provision.type == "manual"
    account = detail.provision.sip_accounts[0]
    assert account.user_name and account.password is not None
    assert "***" not in account.password.get_secret_value()
    assert account.password.get_secret_value() not in repr(detail)


async def test_a_missing_optional_scope_turns_its_feature_off(
    served: SandboxServer, settings: Settings
) -> None:
    scopes = served.sandbox.issuer.scopes - {"user:update:presence_status:admin"}
    served.sandbox.set_scopes(frozenset(scopes))
    async with ZoomClient(settings.zoom, settings.scheduling,
                          metrics=ZoomMetrics(CollectorRegistry())) as client:
        report = await client.start()
        assert not report.enabled(Feature.DND)
        assert report.enabled(Feature.VOICEMAIL_PURGE)
        with pytest.raises(FeatureDisabled, match="user:update:presence_status:admin"):
            await ZoomApi(client).set_presence(served.sandbox.owner(2101).id, "Available")
    assert _calls(served, "set_presence") == 0
