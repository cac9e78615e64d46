"""The OHIP spec oracle can fail: a wrong field, enum, type, header or status is caught, and
the facts sheet's own examples pass."""

from __future__ import annotations

import httpx
import pytest

from tests.ohip_spec import OhipSpec, SpecViolation

APP_KEY = "41ecd082-8997-4c69-af34-2f72b83645ff"
HEADERS = {"Authorization": "Bearer t", "x-app-key": APP_KEY, "x-hotelid": "H1"}
ROOM_STATUS = "/hsk/v1/hotels/H1/rooms/status"


def test_the_room_status_example_from_the_facts_sheet_is_a_valid_request(
        spec: OhipSpec) -> None:
    op = spec.validate_request("PUT", ROOM_STATUS, headers=HEADERS, body={
        "roomList": [{"roomId": "112"}], "housekeepingStatus": "Vacant",
        "housekeepingRoomStatus": "Clean"})
    assert op.operation_id == "putRoomRelatedStatus"


def test_a_misspelled_field_is_named(spec: OhipSpec) -> None:
    with pytest.raises(SpecViolation, match=r"body.roomList\[0\].roomNumber: field not declared"):
        spec.validate_request("PUT", ROOM_STATUS, headers=HEADERS, body={
            "roomList": [{"roomNumber": "112"}], "housekeepingRoomStatus": "Clean"})


def test_a_value_outside_the_enum_is_named(spec: OhipSpec) -> None:
    with pytest.raises(SpecViolation, match=r"body\.housekeepingRoomStatus: 'Tidy' is not one of"):
        spec.validate_request("PUT", ROOM_STATUS, headers=HEADERS,
                              body={"roomList": [{"roomId": "112"}],
                                    "housekeepingRoomStatus": "Tidy"})


def test_a_wrong_type_in_an_answer_is_named(spec: OhipSpec) -> None:
    with pytest.raises(SpecViolation, match=r"body\.expires_in: '3600' is not of type 'integer'"):
        spec.validate_response("POST", "/oauth/v1/tokens", 200,
                               {"access_token": "t", "expires_in": "3600"})


def test_a_missing_required_header_and_a_bad_app_key_are_named(spec: OhipSpec) -> None:
    with pytest.raises(SpecViolation) as caught:
        spec.validate_request("GET", "/rsv/v1/hotels/H1/reservations/1",
                              headers={"authorization": "Bearer t", "x-app-key": "not-a-uuid"})
    assert "header x-hotelid: required but missing" in str(caught.value)
    assert "header x-app-key: 'not-a-uuid' does not match" in str(caught.value)


def test_a_query_parameter_is_checked_for_name_type_and_enum(spec: OhipSpec) -> None:
    path = "/rsv/v1/hotels/H1/reservations"
    for query, problem in [({"searchType": "Inhouse"}, "query searchType: 'Inhouse'"),
                           ({"limit": "twenty"}, "query limit: 'twenty' is not of type"),
                           ({"pageSize": "20"}, "query pageSize: not a parameter")]:
        with pytest.raises(SpecViolation, match=problem):
            spec.validate_request("GET", path, query=query, headers=HEADERS)
    spec.validate_request("GET", path, query={"searchType": "InHouse", "limit": "20",
                                              "offset": "40"}, headers=HEADERS)


def test_a_form_body_is_checked_for_the_token(spec: OhipSpec) -> None:
    headers = {"x-app-key": APP_KEY}
    spec.validate_request("POST", "/oauth/v1/tokens", headers=headers,
                          form={"grant_type": "client_credentials"})
    with pytest.raises(SpecViolation, match="formData grant_type: 'refresh_token' is not one"):
        spec.validate_request("POST", "/oauth/v1/tokens", headers=headers,
                              form={"grant_type": "refresh_token"})


def test_an_undeclared_status_and_an_error_body_off_shape_are_caught(spec: OhipSpec) -> None:
    with pytest.raises(SpecViolation, match="status 418 is not declared"):
        spec.validate_response("GET", "/rsv/v1/hotels/H1/reservations/1", 418, None)
    with pytest.raises(SpecViolation, match="'type' is a required property"):
        spec.validate_response("GET", "/rsv/v1/hotels/H1/reservations/1", 404,
                               {"error": "not found"})


def test_a_path_or_method_oracle_does_not_publish_is_refused(spec: OhipSpec) -> None:
    with pytest.raises(SpecViolation, match="no such path"):
        spec.operation("GET", "/rsv/v1/hotels/H1/guests")
    with pytest.raises(SpecViolation, match="allows only"):
        spec.operation("PATCH", "/fof/v1/hotels/H1/reservations/1/wakeUpCalls")
    with pytest.raises(SpecViolation, match="no OHIP spec has this base path"):
        spec.operation("GET", "/xyz/v1/hotels")


def test_x_nullable_lets_null_through_only_where_declared() -> None:
    spec = OhipSpec({"t.json": {
        "swagger": "2.0", "basePath": "/t/v1",
        "paths": {"/things": {"get": {"operationId": "getThings", "responses": {"200": {
            "schema": {"type": "object", "properties": {
                "maybe": {"type": "string", "x-nullable": True},
                "never": {"type": "string"}}}}}}}},
        "definitions": {}}})
    spec.validate_response("GET", "/t/v1/things", 200, {"maybe": None})
    with pytest.raises(SpecViolation, match=r"body\.never: None is not of type 'string'"):
        spec.validate_response("GET", "/t/v1/things", 200, {"never": None})


def test_an_adapters_httpx_request_and_answer_can_be_checked_as_sent(spec: OhipSpec) -> None:
    good = httpx.Request(
        "PUT", "https://ohip.example/fof/v1/hotels/H1/reservations/7/wakeUpCalls",
        headers=HEADERS, json={"calls": [{"callTime": "2026-03-11T06:30:00",
                                          "status": "Completed"}]})
    assert spec.validate_httpx_request(good).operation_id == "putWakeUpCall"
    wrong = httpx.Request(
        "PUT", "https://ohip.example/fof/v1/hotels/H1/reservations/7/wakeUpCalls",
        headers=HEADERS, json={"calls": [{"callTime": "2026-03-11T06:30:00",
                                          "status": "Answered"}]})
    with pytest.raises(SpecViolation, match=r"body\.calls\[0\]\.status: 'Answered'"):
        spec.validate_httpx_request(wrong)
    token = httpx.Request("POST", "https://ohip.example/oauth/v1/tokens",
                          headers={"x-app-key": APP_KEY},
                          data={"grant_type": "client_credentials"})
    spec.validate_httpx_request(token)
    answer = httpx.Response(200, json={"access_token": "t", "expires_in": 3600},
                            request=token)
    assert spec.validate_httpx_response(answer).operation_id == "getToken"
