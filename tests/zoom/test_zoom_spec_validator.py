"""The spec validator itself: it passes what Zoom documents and fails what it does not."""

from __future__ import annotations

import pytest

from tests.zoom_spec import SpecOperation, SpecViolation, ZoomSpec


@pytest.fixture(scope="module")
def spec() -> ZoomSpec:
    return ZoomSpec.load()


# -- lookup ------------------------------------------------------------------------------


def test_load_is_cached() -> None:
    assert ZoomSpec.load() is ZoomSpec.load()


@pytest.mark.parametrize(
    "path",
    [
        "/v2/phone/users/abc",
        "/phone/users/abc",
        "https://api.zoom.us/v2/phone/users/abc",
        "http://localhost:8080/v2/phone/users/abc?x=1",
        "/phone/users/{userId}",
    ],
)
def test_concrete_and_template_paths_find_the_operation(spec: ZoomSpec, path: str) -> None:
    op = spec.operation("get", path)
    assert (op.method, op.path_template) == ("GET", "/phone/users/{userId}")


def test_literal_segment_beats_parameter(spec: ZoomSpec) -> None:
    assert spec.operation("POST", "/v2/phone/users/batch").path_template == "/phone/users/batch"


def test_operation_facts(spec: ZoomSpec) -> None:
    op = spec.operation("GET", "/v2/phone/users")
    assert op == SpecOperation(
        method="GET",
        path_template="/phone/users",
        operation_id="listPhoneUsers",
        rate_limit_label="medium",
        granular_scopes=("phone:read:list_users:admin",),
        macro_scopes=("phone:read:admin",),
        max_page_size=100,
        raw=op.raw,
    )


def test_labels_are_normalised(spec: ZoomSpec) -> None:
    labels = {op.rate_limit_label for op in spec.operations()}
    # "" is the two phone operations whose description gives no label.
    assert labels == {"light", "medium", "heavy", "resource_intensive", ""}


def test_unknown_path_fails(spec: ZoomSpec) -> None:
    with pytest.raises(SpecViolation, match="no such path"):
        spec.validate_request("GET", "/v2/phone/userz")


def test_wrong_method_fails(spec: ZoomSpec) -> None:
    with pytest.raises(SpecViolation, match="allows only"):
        spec.validate_request("PUT", "/v2/phone/users/abc", body={"extension_number": "101"})


def test_method_on_literal_path_is_not_rerouted_to_parameter(spec: ZoomSpec) -> None:
    # GET /phone/users/{userId} exists, but `batch` is the literal POST/PUT path.
    with pytest.raises(SpecViolation, match="allows only POST, PUT"):
        spec.operation("GET", "/v2/phone/users/batch")


# -- requests ----------------------------------------------------------------------------


def test_good_request_passes(spec: ZoomSpec) -> None:
    op = spec.validate_request(
        "PATCH",
        "/v2/users/jane%40hotel.example",
        body={"first_name": "Room", "last_name": "101"},
    )
    assert op.path_template == "/users/{userId}"
    spec.validate_request(
        "GET", "/v2/phone/users", query={"page_size": "100", "next_page_token": "abc"}
    )
    spec.validate_request("GET", "/v2/phone/call_history", query={"directions": ["inbound"]})


def test_misspelled_body_field_fails(spec: ZoomSpec) -> None:
    with pytest.raises(SpecViolation, match=r"body\.last_nme: field not declared"):
        spec.validate_request("PATCH", "/v2/users/abc", body={"last_nme": "101"})


def test_misspelled_nested_body_field_fails(spec: ZoomSpec) -> None:
    body = {"policy": {"ad_hoc_call_recording": {"enabel": True}}}
    with pytest.raises(SpecViolation, match=r"ad_hoc_call_recording\.enabel"):
        spec.validate_request("PATCH", "/v2/phone/users/abc", body=body)


def test_misspelled_field_passes_without_strict_fields(spec: ZoomSpec) -> None:
    spec.validate_request("PATCH", "/v2/users/abc", body={"last_nme": "101"}, strict_fields=False)


def test_wrong_body_type_fails(spec: ZoomSpec) -> None:
    with pytest.raises(SpecViolation, match=r"body\.first_name: 101 is not of type 'string'"):
        spec.validate_request("PATCH", "/v2/users/abc", body={"first_name": 101})


def test_body_on_operation_without_request_body_fails(spec: ZoomSpec) -> None:
    with pytest.raises(SpecViolation, match="takes no request body"):
        spec.validate_request("GET", "/v2/phone/users/abc", body={"x": 1})


def test_unknown_query_parameter_fails(spec: ZoomSpec) -> None:
    with pytest.raises(SpecViolation, match="query pagesize: not a parameter"):
        spec.validate_request("GET", "/v2/phone/users", query={"pagesize": "100"})


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"page_size": "301"}, "greater than the maximum of 100"),
        ({"page_size": "ten"}, "'ten' is not of type 'integer'"),
        ({"status": "gone"}, "'gone' is not one of"),
        ({"page_size": ["10", "20"]}, "given 2 times"),
    ],
)
def test_bad_query_value_fails(spec: ZoomSpec, query: dict[str, str], message: str) -> None:
    with pytest.raises(SpecViolation, match=message):
        spec.validate_request("GET", "/v2/phone/users", query=query)


def test_missing_required_query_parameter_fails(spec: ZoomSpec) -> None:
    with pytest.raises(SpecViolation, match="member_type: required but missing"):
        spec.validate_request(
            "POST", "/v2/phone/monitoring_groups/g1/monitor_members", body={"members": []}
        )


# -- responses ---------------------------------------------------------------------------


def test_good_response_passes(spec: ZoomSpec) -> None:
    body = {
        "next_page_token": "",
        "page_size": 100,
        "total_records": 1,
        "users": [{"id": "u1", "email": "room101@hotel.example", "extension_number": 101}],
    }
    spec.validate_response("GET", "/v2/phone/users", 200, body, strict_fields=True)
    spec.validate_response("DELETE", "/v2/phone/voice_mails/vm1", 204, None)
    spec.validate_response("GET", "/v2/phone/users/abc", 404, {"code": 1001, "message": "no"})


def test_200_body_with_wrong_type_fails(spec: ZoomSpec) -> None:
    body = {"users": [{"id": "u1", "extension_number": "101"}]}
    with pytest.raises(SpecViolation, match=r"users\[0\]\.extension_number: '101' is not of"):
        spec.validate_response("GET", "/v2/phone/users", 200, body)


def test_response_field_strictness_is_opt_in(spec: ZoomSpec) -> None:
    body = {"users": [{"id": "u1", "extention_number": 101}]}
    spec.validate_response("GET", "/v2/phone/users", 200, body)
    with pytest.raises(SpecViolation, match="extention_number: field not declared"):
        spec.validate_response("GET", "/v2/phone/users", 200, body, strict_fields=True)


def test_404_body_without_code_fails(spec: ZoomSpec) -> None:
    with pytest.raises(SpecViolation, match=r"body\.code: must be an integer"):
        spec.validate_response("GET", "/v2/phone/users/abc", 404, {"message": "User not found"})


def test_error_shape_is_checked_where_spec_has_only_a_generic_error(spec: ZoomSpec) -> None:
    with pytest.raises(SpecViolation, match=r"body\.message: must be a string"):
        spec.validate_response("GET", "/v2/users/abc", 404, {"code": 1001})


def test_undeclared_status_fails(spec: ZoomSpec) -> None:
    with pytest.raises(SpecViolation, match="status 500 is not declared"):
        spec.validate_response("GET", "/v2/phone/users", 500, {"code": 1, "message": "x"})
    # The user spec's `default` covers errors only, not an unexpected success status.
    with pytest.raises(SpecViolation, match="status 201 is not declared"):
        spec.validate_response("GET", "/v2/users/abc", 201, {"id": "abc"})


def test_204_with_body_fails(spec: ZoomSpec) -> None:
    with pytest.raises(SpecViolation, match="documents no body"):
        spec.validate_response("DELETE", "/v2/phone/voice_mails/vm1", 204, {"ok": True})


def test_2xx_without_body_fails_where_one_is_documented(spec: ZoomSpec) -> None:
    with pytest.raises(SpecViolation, match="documents a JSON body, got none"):
        spec.validate_response("GET", "/v2/phone/users", 200, None)


def test_oneof_branches_sharing_no_required_fields_pass(spec: ZoomSpec) -> None:
    # Zoom's oneOf branches overlap; under JSON Schema's oneOf this object would match both.
    body = {
        "manage_call_routing_for_unassigned_numbers": {
            "incoming_call_routing_setting": {"audio_id": "a1", "audio_name": "x.mp3"}
        }
    }
    spec.validate_response("GET", "/v2/phone/account_settings", 200, body, strict_fields=True)


def test_refs_and_nullable_in_a_small_document() -> None:
    doc = {
        "openapi": "3.0.0",
        "paths": {
            "/things/{id}": {
                "get": {
                    "operationId": "getThing",
                    "description": "**Rate Limit Label:** `Resource-intensive`",
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Thing"}
                                }
                            },
                        }
                    },
                }
            }
        },
        "components": {
            "schemas": {
                "Thing": {
                    "type": "object",
                    "properties": {"name": {"type": "string", "nullable": True}},
                }
            }
        },
    }
    small = ZoomSpec({"small.json": doc})
    op = small.validate_response("GET", "/v2/things/1", 200, {"name": None}, strict_fields=True)
    assert op.rate_limit_label == "resource_intensive"
    with pytest.raises(SpecViolation, match=r"body\.name: 1 is not of type"):
        small.validate_response("GET", "/v2/things/1", 200, {"name": 1})
    with pytest.raises(SpecViolation, match=r"body\.nmae: field not declared"):
        small.validate_response("GET", "/v2/things/1", 200, {"nmae": "x"}, strict_fields=True)
