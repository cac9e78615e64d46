"""Scopes: missing required ones stop start-up; missing optional ones switch a feature off."""

from __future__ import annotations

import pytest
import respx

from connector.zoom.api import ZoomApi
from connector.zoom.catalogue import Feature, endpoint
from connector.zoom.client import ZoomClient
from connector.zoom.errors import FeatureDisabled, ZoomScopeError
from connector.zoom.scopes import evaluate_scopes
from tests.support.zoom_factories import ALL_SCOPES, api, token_response

REQUIRED = frozenset(
    {
        "user:read:list_users:admin",
        "user:read:user:admin",
        "user:update:user:admin",
        "phone:read:list_users:admin",
        "phone:read:list_devices:admin",
        "phone:read:device:admin",
    }
)


def _grant(router: respx.MockRouter, scopes: frozenset[str]) -> None:
    router["token"].mock(return_value=token_response(scopes=scopes))


async def test_missing_required_scopes_stop_start_up_naming_them_and_where_to_add_them(
    router: respx.MockRouter, zoom: ZoomClient
) -> None:
    _grant(router, ALL_SCOPES - {"user:update:user:admin", "phone:read:list_devices:admin"})

    with pytest.raises(ZoomScopeError) as caught:
        await zoom.start()

    assert sorted(caught.value.missing) == [
        "phone:read:list_devices:admin",
        "user:update:user:admin",
    ]
    message = str(caught.value)
    assert "user:update:user:admin" in message
    assert "phone:read:list_devices:admin" in message
    assert "Zoom App Marketplace" in message


async def test_the_required_scopes_alone_start_the_connector_with_optional_features_off(
    router: respx.MockRouter, zoom: ZoomClient
) -> None:
    _grant(router, REQUIRED)

    report = await zoom.start()

    assert report.missing_required == ()
    assert set(report.disabled) == set(Feature) - {Feature.CORE}
    assert report.disabled[Feature.DND] == ("user:update:presence_status:admin",)
    lines = report.describe_disabled()
    assert any("do-not-disturb" in line and "OFF" in line for line in lines)


async def test_without_the_voicemail_scopes_only_voicemail_purge_is_off(
    router: respx.MockRouter, zoom: ZoomClient
) -> None:
    voicemail_scopes = {"phone:read:list_voicemails:admin", "phone:delete:voicemail:admin"}
    _grant(router, ALL_SCOPES - voicemail_scopes)

    report = await zoom.start()

    assert list(report.disabled) == [Feature.VOICEMAIL_PURGE]
    assert set(report.disabled[Feature.VOICEMAIL_PURGE]) == voicemail_scopes
    assert report.enabled(Feature.DND)


async def test_a_call_to_a_switched_off_feature_fails_without_asking_zoom(
    router: respx.MockRouter, zoom: ZoomClient
) -> None:
    _grant(router, REQUIRED)
    anything = router.route(host="api.zoom.us").respond(204)
    await zoom.start()

    with pytest.raises(FeatureDisabled) as caught:
        await ZoomApi(zoom).set_presence("u1204", "Do_Not_Disturb", duration_minutes=60)

    assert caught.value.feature == "dnd"
    assert caught.value.scope == "user:update:presence_status:admin"
    assert "set user u1204 to Do_Not_Disturb" in str(caught.value)
    assert anything.call_count == 0


async def test_the_macro_phone_read_scope_grants_the_granular_reads(
    router: respx.MockRouter, zoom: ZoomClient
) -> None:
    _grant(router, frozenset({"user:read:admin", "user:write:admin", "phone:read:admin"}))

    report = await zoom.start()

    assert report.missing_required == ()
    assert report.enabled(Feature.COMMON_AREAS) is False  # updating needs phone:write:admin
    assert report.allows(endpoint("list_common_areas"))
    assert report.allows(endpoint("list_account_voicemails"))
    assert not report.allows(endpoint("delete_voicemail"))


async def test_without_a_scope_list_every_feature_is_assumed_on(
    router: respx.MockRouter, zoom: ZoomClient
) -> None:
    router["token"].mock(return_value=token_response(scopes=None))
    presence = router.put(api("/users/u1204/presence_status")).respond(204)

    report = await zoom.start()
    await ZoomApi(zoom).set_presence("u1204", "Available")

    assert report.granted is None
    assert report.disabled == {}
    assert presence.call_count == 1


def test_every_scope_the_connector_asks_for_switches_everything_on() -> None:
    report = evaluate_scopes(ALL_SCOPES)

    assert report.missing_required == ()
    assert report.disabled == {}
