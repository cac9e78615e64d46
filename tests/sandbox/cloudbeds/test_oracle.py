"""The Cloudbeds oracle can fail: a wrong field, enum, type, body encoding, operation or
webhook body is caught, and the message names the field."""

from __future__ import annotations

import pytest

from tests.cloudbeds_spec import CloudbedsSpec, SpecViolation, check_webhook, decode_form

STATUS_CHANGED = {"version": "1.0", "event": "reservation/status_changed",
                  "timestamp": 1773133200.25, "propertyID": 198765,
                  "reservationID": "7000000001", "status": "checked_in"}


def test_operations_are_found_with_or_without_the_base_path(cb_spec: CloudbedsSpec) -> None:
    for path in ("/getReservation", "/api/v1.3/getReservation",
                 "https://api.cloudbeds.com/api/v1.3/getReservation?reservationID=1"):
        assert str(cb_spec.operation("GET", path)) == "GET /getReservation"


@pytest.mark.parametrize(("method", "path", "query", "body", "content_type", "names"), [
    ("GET", "/getReservation", {}, None, "", "query reservationID: required but missing"),
    ("GET", "/getGuestsByStatus", {"status": "inhouse"}, None, "", "query status"),
    ("GET", "/getGuestsByStatus", {"status": "in_house", "pageSize": "ten"}, None, "",
     "query pageSize"),
    ("GET", "/getReservations", {"room": "101"}, None, "", "query room: not a parameter"),
    ("POST", "/postHousekeepingStatus", {}, "roomID=1&roomCondition=sparkling",
     "application/x-www-form-urlencoded", "body.roomCondition"),
    ("POST", "/postHousekeepingStatus", {}, "roomID=1&doNotDisturb=yes",
     "application/x-www-form-urlencoded", "body.doNotDisturb"),
    ("POST", "/postHousekeepingStatus", {}, "roomID=1&dnd=true",
     "application/x-www-form-urlencoded", "body.dnd: field not declared"),
    ("POST", "/postCustomItem", {}, "reservationID=1&items[0][itemPrice]=cheap",
     "application/x-www-form-urlencoded", "body.items[0].itemPrice"),
    ("POST", "/postCustomItem", {}, "reservationID=1&items[0][itemID]=9",
     "application/x-www-form-urlencoded", "body.items[0].itemID: field not declared"),
    ("POST", "/postCustomItem", {}, "reservationID=1&items[1][itemName]=x",
     "application/x-www-form-urlencoded", "indexes must count"),
    ("POST", "/postWebhook", {}, '{"object": "reservation"}', "application/json",
     "not application/json"),
    ("GET", "/getWebhooks", {}, "object=reservation", "application/x-www-form-urlencoded",
     "takes no request body"),
    ("POST", "/getReservation", {}, None, "", "allows only GET"),
    ("GET", "/getWakeUpCalls", {}, None, "", "no such operation"),
])
def test_a_request_off_the_spec_is_caught_naming_the_field(
        cb_spec: CloudbedsSpec, method: str, path: str, query: dict[str, str],
        body: str | None, content_type: str, names: str) -> None:
    with pytest.raises(SpecViolation, match=names.replace("[", r"\[").replace("]", r"\]")):
        cb_spec.validate_request(method, path, query, body,
                                 content_type=content_type or "application/x-www-form-urlencoded")


def test_a_good_form_with_bracketed_items_passes(cb_spec: CloudbedsSpec) -> None:
    cb_spec.validate_request("POST", "/postCustomItem", body=(
        "reservationID=7000000001&referenceID=zp-1&items[0][itemName]=Telephone"
        "&items[0][itemQuantity]=1&items[0][itemPrice]=4.20"
        "&items[1][itemName]=Telephone&items[1][itemQuantity]=2&items[1][itemPrice]=0.5"))


@pytest.mark.parametrize(("status", "body", "names"), [
    (200, {"success": True, "data": {"reservationID": "1", "status": "in_house"}},
     "body.data.status"),
    (200, {"success": True, "data": {"reservationID": 1}}, "body.data.reservationID"),
    (200, {"success": True, "data": {"reservationID": "1", "roomNumber": "101"}},
     "body.data.roomNumber: field not declared"),
    (200, {"success": False}, "body.message"),
    (401, {"success": True, "message": "no"}, "body.success"),
    (200, [], "a JSON object"),
])
def test_an_answer_off_the_spec_is_caught_naming_the_field(
        cb_spec: CloudbedsSpec, status: int, body: object, names: str) -> None:
    with pytest.raises(SpecViolation, match=names):
        cb_spec.validate_response("GET", "/getReservation", status, body)


def test_lists_are_checked_item_by_item(cb_spec: CloudbedsSpec) -> None:
    with pytest.raises(SpecViolation, match=r"body.count: '1' is not of type 'integer'"):
        cb_spec.validate_response("GET", "/getGuestsByStatus", 200,
                                  {"success": True, "data": [], "count": "1", "total": 1})
    with pytest.raises(SpecViolation, match=r"body.data\[0\].currentStatus"):
        cb_spec.validate_response("GET", "/getGuestsByStatus", 200, {
            "success": True, "data": [{"guestID": "1", "currentStatus": "checked_in"}]})


def test_a_documented_webhook_passes() -> None:
    assert check_webhook(STATUS_CHANGED) == "reservation/status_changed"
    assert check_webhook({"version": "1.0", "event": "housekeeping/room_condition_changed",
                          "timestamp": 1.5, "propertyID": 1, "roomID": "198765-1",
                          "roomCondition": "clean"}) == "housekeeping/room_condition_changed"


@pytest.mark.parametrize(("change", "names"), [
    ({"status": "in_house"}, "body.status"),
    ({"propertyID": "198765"}, "body.propertyID"),
    ({"timestamp": "2026-03-10T09:00:00Z"}, "body.timestamp"),
    ({"event": "reservation/checked_in"}, "body.event"),
    ({"reservationID": None}, "reservationID"),
    ({"status": None}, "'status' is a required property"),
    ({"version": None}, "'version' is a required property"),
    ({"event": "reservation/dates_changed", "startDate": "10/03/2026"}, "body.startDate"),
])
def test_a_webhook_off_the_schema_is_caught_naming_the_field(
        change: dict[str, object], names: str) -> None:
    body = {k: v for k, v in {**STATUS_CHANGED, **change}.items() if v is not None}
    with pytest.raises(SpecViolation, match=names):
        check_webhook(body)


def test_forms_decode_by_the_bracket_convention() -> None:
    assert decode_form("a=1&items[0][n]=x&items[0][q]=2&items[1][n]=y&tags[]=p&tags[]=q") == {
        "a": "1", "items": [{"n": "x", "q": "2"}, {"n": "y"}], "tags": ["p", "q"]}
    with pytest.raises(SpecViolation, match="given twice"):
        decode_form("a=1&a=2")
