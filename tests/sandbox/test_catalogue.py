"""The emulator serves every endpoint the client calls, in the shape Zoom's specs give."""

from __future__ import annotations

from typing import Any

from connector.sandbox import Sandbox
from connector.sandbox.app import HANDLERS
from connector.sandbox.routing import EXTRA_ENDPOINTS, resolve
from connector.zoom.catalogue import ENDPOINTS, Endpoint
from tests.sandbox.sandbox_support import SpecChecker, Zoom
from tests.zoom_spec import ZoomSpec


def _request(sandbox: Sandbox, e: Endpoint) -> tuple[dict[str, str], dict[str, Any], Any]:
    """Path params, query and body for a valid call of `e` against the demo hotel."""
    room, area = sandbox.owner(2101), sandbox.owner(2126)
    device = sandbox.hotel.connector_device_id
    voicemail = sandbox.add_voicemail(2101)
    params = {"userId": room.id, "commonAreaId": area.id, "deviceId": device,
              "voicemailId": voicemail.id}
    query: dict[str, Any] = {}
    if e.max_page_size:
        query["page_size"] = e.max_page_size
    if e.name == "list_devices":
        query["type"] = "assigned"
    bodies: dict[str, Any] = {
        "update_user": {"first_name": "Room", "last_name": "2101", "display_name": "Room 2101",
                        "dept": "Guest Rooms"},
        "set_presence": {"status": "Do_Not_Disturb", "duration": 1440},
        "update_phone_user": {"policy": {"international_calling": False}},
        "update_device": {"display_name": "Connector SIP lines"},
        "update_common_area": {"display_name": "Room 2126", "department": "Guest Rooms"},
        "update_user_outbound_countries": {"country_regions": [{"iso_code": "GB", "rule": 2}]},
        "update_common_area_outbound_countries": {
            "country_regions": [{"iso_code": "GB", "rule": 2}]},
    }
    return params, query, bodies.get(e.name)


async def test_every_catalogue_endpoint_answers_in_zooms_shape(
    zoom: Zoom, sandbox: Sandbox, checker: SpecChecker
) -> None:
    for e in ENDPOINTS + EXTRA_ENDPOINTS:
        params, query, body = _request(sandbox, e)
        response = await zoom.call(e.method, e.url_path(**{
            k: v for k, v in params.items() if "{" + k + "}" in e.path}),
            params=query, json=body)
        assert response.status_code in (200, 204), (e.name, response.text)
        if e.items_field:
            assert isinstance(response.json()[e.items_field], list), e.name
    assert checker.checked >= len(ENDPOINTS) + len(EXTRA_ENDPOINTS)


def test_every_catalogue_endpoint_has_a_handler_and_a_route() -> None:
    for e in ENDPOINTS + EXTRA_ENDPOINTS:
        assert e.name in HANDLERS, e.name
        sample = e.path.replace("{", "x").replace("}", "")
        found = resolve(e.method, sample)
        assert found is not None and found[0] is e, e.name


def test_extra_endpoints_carry_zooms_labels_and_scopes(spec: ZoomSpec) -> None:
    for e in EXTRA_ENDPOINTS:
        op = spec.operation(e.method, e.path)
        assert op.rate_limit_label == e.category.value, e.name
        assert set(e.granular_scopes) <= set(op.granular_scopes), e.name


def test_the_limiter_reads_categories_from_the_catalogue(sandbox: Sandbox) -> None:
    # The rate limiter is keyed by the resolved catalogue entry, so a relabel there moves it.
    found = resolve("GET", "/phone/voice_mails")
    assert found is not None
    assert found[0].category.value == "heavy"
