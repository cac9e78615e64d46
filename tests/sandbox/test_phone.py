"""Phone API: devices and SIP lines, common areas, outbound rules, call history."""

from __future__ import annotations

from connector.sandbox import Sandbox
from tests.sandbox.sandbox_support import SpecChecker, Zoom


async def test_devices_need_a_type(zoom: Zoom, checker: SpecChecker) -> None:
    with checker.off_spec_requests():
        response = await zoom.get("/phone/devices")
    assert (response.status_code, response.json()["code"]) == (400, 300)


async def test_other_device_carries_manual_sip_accounts(zoom: Zoom, sandbox: Sandbox) -> None:
    others = (await zoom.get("/phone/devices", type="assigned", device_type="other")).json()
    assert [d["display_name"] for d in others["devices"]] == ["Connector SIP lines"]
    device = (await zoom.get(f"/phone/devices/{others['devices'][0]['id']}")).json()
    assert device["provision"]["type"] == "manual"
    accounts = device["provision"]["sip_accounts"]
    assert [a["shared_line"]["line_subscription"]["extension_number"] for a in accounts] == [
        2901, 2902, 2903, 2904]
    assert all(a["password"] and a["sip_domain"] and a["outbound_proxy"] for a in accounts)


async def test_rename_desk_phone(zoom: Zoom, sandbox: Sandbox) -> None:
    phone = sandbox.account.devices_of(sandbox.owner(2101).id)[0]
    response = await zoom.patch(f"/phone/devices/{phone.id}", {"display_name": "Room 101 Smith"})
    assert response.status_code == 204
    assert (await zoom.get(f"/phone/devices/{phone.id}")).json()["display_name"] == (
        "Room 101 Smith")


async def test_unknown_device_is_400(zoom: Zoom) -> None:
    response = await zoom.get("/phone/devices/nope")
    assert (response.status_code, response.json()["code"]) == (400, 400)


async def test_devices_by_assignee_type(zoom: Zoom, sandbox: Sandbox) -> None:
    areas = await zoom.list_all("/phone/devices", "devices", type="assigned",
                                assignee_type="commonArea", page_size=300)
    assert len(areas) == len(sandbox.account.common_areas)
    assert {d["assignee"]["extension_type"] for d in areas} == {"commonArea"}


async def test_rename_common_area_then_get(zoom: Zoom, sandbox: Sandbox) -> None:
    area = sandbox.owner(2127)
    response = await zoom.patch(f"/phone/common_areas/{area.id}",
                                {"display_name": "Lee 2127", "department": "Occupied"})
    assert response.status_code == 204
    detail = (await zoom.get(f"/phone/common_areas/{area.id}")).json()
    assert (detail["display_name"], detail["department"]) == ("Lee 2127", "Occupied")
    listed = await zoom.list_all("/phone/common_areas", "common_areas", page_size=100)
    assert next(a for a in listed if a["id"] == area.id)["display_name"] == "Lee 2127"


async def test_common_area_by_extension_id(zoom: Zoom, sandbox: Sandbox) -> None:
    area = sandbox.owner(2128)
    response = await zoom.get(f"/phone/common_areas/{area.extension_id}")  # type: ignore[union-attr]
    assert response.json()["id"] == area.id


async def test_unknown_common_area(zoom: Zoom) -> None:
    response = await zoom.get("/phone/common_areas/nope")
    assert (response.status_code, response.json()["code"]) == (400, 400)
    response = await zoom.patch("/phone/common_areas/nope", {"display_name": "Room 1"})
    assert (response.status_code, response.json()["code"]) == (400, 404)


async def test_block_international_for_a_room_user(zoom: Zoom, sandbox: Sandbox) -> None:
    room = sandbox.owner(2102)
    path = f"/phone/users/{room.id}/outbound_calling/countries_regions"
    response = await zoom.patch(path, {"country_regions": [{"iso_code": "GB", "rule": 2},
                                                           {"iso_code": "JP", "rule": 2}]})
    assert response.status_code == 204
    rules = {r["iso_code"]: r["rule"] for r in (await zoom.get(path)).json()["countries_regions"]}
    assert rules["GB"] == rules["JP"] == 2
    assert rules["US"] == 1


async def test_international_toggle_for_user_and_common_area(
    zoom: Zoom, sandbox: Sandbox
) -> None:
    room, area = sandbox.owner(2103), sandbox.owner(2126)
    await zoom.patch(f"/phone/users/{room.id}", {"policy": {"international_calling": False}})
    assert (await zoom.get(f"/phone/users/{room.id}")).json()["policy"][
        "international_calling"] is False
    await zoom.patch(f"/phone/common_areas/{area.id}",
                     {"policy": {"international_calling": {"enable": False}}})
    assert (await zoom.get(f"/phone/common_areas/{area.id}")).json()["policy"][
        "international_calling"]["enable"] is False


async def test_rules_need_the_outbound_policy_on(zoom: Zoom, sandbox: Sandbox) -> None:
    area = sandbox.owner(2129)  # room 129: the outbound calling policy is off
    path = f"/phone/common_areas/{area.id}/outbound_calling/countries_regions"
    response = await zoom.get(path)
    assert (response.status_code, response.json()["code"]) == (400, 13504)
    response = await zoom.patch(path, {"country_regions": [{"iso_code": "GB", "rule": 2}]})
    assert (response.status_code, response.json()["code"]) == (400, 13504)


async def test_rules_for_unknown_targets_are_13500(zoom: Zoom) -> None:
    response = await zoom.get("/phone/users/nobody/outbound_calling/countries_regions")
    assert (response.status_code, response.json()["code"]) == (404, 13500)


async def test_unknown_country_is_code_300(zoom: Zoom, sandbox: Sandbox) -> None:
    area = sandbox.owner(2126)
    response = await zoom.patch(
        f"/phone/common_areas/{area.id}/outbound_calling/countries_regions",
        {"country_regions": [{"iso_code": "XX", "rule": 2}]})
    assert (response.status_code, response.json()["code"]) == (400, 300)


async def test_call_history_accumulates(zoom: Zoom, sandbox: Sandbox) -> None:
    before = await zoom.list_all("/phone/call_history", "call_history", page_size=300)
    assert len(before) == len(sandbox.account.calls)  # the demo's calls are from today
    call = sandbox.add_call(2101, "+442075550199", duration=125, international=True,
                            country_iso_code="GB")
    after = (await zoom.get("/phone/call_history", page_size=300)).json()
    assert len(after["call_history"]) == len(before) + 1
    row = next(r for r in after["call_history"] if r["call_id"] == call.call_id)
    assert (row["direction"], row["international"], row["duration"]) == ("outbound", True, 125)
    assert row["caller_ext_number"] == "2101"
    assert [r["id"] for r in after["call_logs"]] == [
        r["call_history_uuid"] for r in after["call_history"]]
    room = sandbox.owner(2101)
    mine = (await zoom.get(f"/phone/users/{room.id}/call_history", page_size=300)).json()
    assert call.id in [r["id"] for r in mine["call_logs"]]


async def test_call_history_defaults_to_the_last_day(zoom: Zoom, sandbox: Sandbox) -> None:
    sandbox.add_call(2101, "+12125550143", minutes_ago=25 * 60)
    rows = await zoom.list_all("/phone/call_history", "call_history", page_size=300)
    assert len(rows) == len(sandbox.account.calls) - 1


async def test_call_history_by_direction(zoom: Zoom, sandbox: Sandbox) -> None:
    rows = await zoom.list_all("/phone/call_history", "call_history", page_size=300,
                               directions="inbound")
    assert rows and {r["direction"] for r in rows} == {"inbound"}


async def test_unknown_user_call_history_is_404_code_300(zoom: Zoom) -> None:
    response = await zoom.get("/phone/users/nobody/call_history")
    assert (response.status_code, response.json()["code"]) == (404, 300)
