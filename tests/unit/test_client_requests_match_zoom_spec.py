"""Every request the connector can send has the path, method, query and body fields that
Zoom's published specs document.

Each public method of `ZoomApi` is called with realistic arguments against a router that
records what it receives; a new method without an entry in CALLS fails the coverage test.
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest
import respx

from connector.billing.poll import FILTERS as POLL_FILTERS
from connector.settings import Plan
from connector.zoom.api import ZoomApi
from connector.zoom.catalogue import ENDPOINTS, Endpoint, Family
from connector.zoom.limiter import Limiters
from connector.zoom.models import CountryRule
from tests.support.fake_clock import FakeClock
from tests.support.zoom_factories import API_URL, zoom_client
from tests.zoom_spec import SpecViolation, ZoomSpec

Call = Callable[[ZoomApi], Awaitable[object]]

USER = "KDcuGIm1QgePTO8WbOqwIQ"
USER_EMAIL = "room1204@harbourview.test"
DEVICE = "8f71O6rWT8KFUGQmJIFAdQ"
COMMON_AREA = "Ug8nQ5zmRbSNIPhbbqBdXg"
VOICEMAIL = "a8a6c8b5d7b54b4db3b3c4f1b7b0a2f1"
MARCH_1, MARCH_10 = date(2026, 3, 1), date(2026, 3, 10)
RULES = [CountryRule(iso_code="US", rule=1), CountryRule(iso_code="GB", rule=2)]

CALLS: dict[str, list[Call]] = {
    "list_users": [lambda z: z.list_users()],
    "get_user": [lambda z: z.get_user(USER), lambda z: z.get_user(USER_EMAIL)],
    "update_user": [
        lambda z: z.update_user(USER, first_name="Room", last_name="1204 Smith",
                                display_name="1204 Smith", dept="Rooms"),
        lambda z: z.update_user(USER, display_name="1204 Vacant"),
    ],
    "set_presence": [
        lambda z: z.set_presence(USER, "Do_Not_Disturb", duration_minutes=480),
        lambda z: z.set_presence(USER_EMAIL, "Available"),
    ],
    "list_phone_users": [lambda z: z.list_phone_users()],
    "get_phone_user": [lambda z: z.get_phone_user(USER)],
    "set_international_calling": [
        lambda z: z.set_international_calling(USER, False),
        lambda z: z.set_international_calling(USER, True),
    ],
    "list_devices": [
        lambda z: z.list_devices(),
        lambda z: z.list_devices(assigned=False, device_type="other"),
    ],
    "get_device": [lambda z: z.get_device(DEVICE)],
    "rename_device": [lambda z: z.rename_device(DEVICE, "Room 1204 - 2204")],
    "list_common_areas": [lambda z: z.list_common_areas()],
    "get_common_area": [lambda z: z.get_common_area(COMMON_AREA)],
    "update_common_area": [
        lambda z: z.update_common_area(COMMON_AREA, display_name="Room 1204 - 2204",
                                       department="Rooms"),
        lambda z: z.update_common_area(COMMON_AREA, international_calling=False),
    ],
    "list_user_voicemails": [
        lambda z: z.list_user_voicemails(USER),
        lambda z: z.list_user_voicemails(USER, start=MARCH_1, end=MARCH_10),
    ],
    "list_account_voicemails": [
        lambda z: z.list_account_voicemails(),
        lambda z: z.list_account_voicemails(owner_type="commonArea", start=MARCH_1,
                                            end=MARCH_10),
    ],
    "delete_voicemail": [lambda z: z.delete_voicemail(VOICEMAIL)],
    "get_user_country_rules": [lambda z: z.get_user_country_rules(USER)],
    "set_user_country_rules": [lambda z: z.set_user_country_rules(USER, RULES)],
    "get_common_area_country_rules": [lambda z: z.get_common_area_country_rules(COMMON_AREA)],
    "set_common_area_country_rules": [
        lambda z: z.set_common_area_country_rules(COMMON_AREA, RULES)
    ],
    "list_account_call_history": [
        lambda z: z.list_account_call_history(),
        lambda z: z.list_account_call_history(start=MARCH_1, end=MARCH_10),
    ],
    "list_user_call_history": [
        lambda z: z.list_user_call_history(USER, start=MARCH_1, end=MARCH_10),
    ],
    "call_history_page": [
        lambda z: z.call_history_page(
            {**POLL_FILTERS, "from": "2026-03-10T07:00:00Z", "to": "2026-03-10T08:55:00Z"}),
        lambda z: z.call_history_page(
            {**POLL_FILTERS, "from": "2026-03-10T07:00:00Z", "to": "2026-03-10T08:55:00Z",
             "next_page_token": "Nx3kQ"}),
    ],
    "call_charges_page": [
        lambda z: z.call_charges_page(
            {"from": "2026-03-10T07:00:00Z", "to": "2026-03-10T08:55:01Z",
             "call_ids": "7214000000000000001,7214000000000000002"}),
        lambda z: z.call_charges_page(
            {"from": "2026-03-10T07:00:00Z", "to": "2026-03-10T08:55:01Z",
             "call_ids": "7214000000000000001", "next_page_token": "Nx3kQ"}),
    ],
}

CASES = [
    pytest.param(call, id=f"{name}-{index}")
    for name, calls in CALLS.items()
    for index, call in enumerate(calls)
]


@dataclass(frozen=True)
class Sent:
    """One request as Zoom received it."""

    endpoint: Endpoint
    method: str
    path: str
    query: dict[str, str | list[str]]
    body: Any


def _pattern(endpoint: Endpoint) -> re.Pattern[str]:
    path = re.sub(r"\{[^}]+\}", "[^/]+", endpoint.path)
    return re.compile(f"^/v2{path}$")


PATTERNS = [(endpoint, _pattern(endpoint)) for endpoint in ENDPOINTS]


def _endpoint_of(request: httpx.Request) -> Endpoint:
    for endpoint, pattern in PATTERNS:
        if endpoint.method == request.method and pattern.match(request.url.path):
            return endpoint
    raise AssertionError(f"{request.method} {request.url.path} is not in the catalogue")


def _an_object(endpoint: Endpoint) -> dict[str, Any]:
    if endpoint.items_field == "countries_regions":
        return {"iso_code": "US", "rule": 1}
    if endpoint.family is Family.USERS:
        return {"id": USER, "email": USER_EMAIL, "type": 1}  # required by the Users spec
    return {"id": "an-object-id"}


def _answer(endpoint: Endpoint, request: httpx.Request) -> httpx.Response:
    """A minimal answer: two pages for a listing (so the second page's query is checked
    too), an object for a read, nothing for a change."""
    if endpoint.items_field:
        if request.url.params.get("next_page_token"):
            return httpx.Response(200, json={endpoint.items_field: [], "next_page_token": ""})
        return httpx.Response(
            200,
            json={endpoint.items_field: [_an_object(endpoint)], "next_page_token": "Nx3kQ"},
        )
    if endpoint.method == "GET":
        return httpx.Response(200, json=_an_object(endpoint))
    return httpx.Response(204)


def _query(request: httpx.Request) -> dict[str, str | list[str]]:
    query: dict[str, str | list[str]] = {}
    for name, value in request.url.params.multi_items():
        if name in query:
            previous = query[name]
            query[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            query[name] = value
    return query


def _recording_zoom(router: respx.MockRouter) -> list[Sent]:
    sent: list[Sent] = []

    def zoom_side(request: httpx.Request) -> httpx.Response:
        endpoint = _endpoint_of(request)
        body = json.loads(request.content) if request.content else None
        sent.append(Sent(endpoint, request.method, request.url.path, _query(request), body))
        return _answer(endpoint, request)

    router.route(url__startswith=f"{API_URL}/v2/").mock(side_effect=zoom_side)
    return sent


async def _send(router: respx.MockRouter, calls: list[Call]) -> list[Sent]:
    sent = _recording_zoom(router)
    clock = FakeClock()
    # Pacing is not what is checked here: a hundred times Zoom's rates keeps the test quick.
    unpaced = Limiters(Plan.BUSINESS, 100.0, clock)
    async with zoom_client(router, clock, limiters=unpaced) as zoom:
        zoom_api = ZoomApi(zoom)
        for call in calls:
            await call(zoom_api)
    return sent


@pytest.fixture(scope="module")
def spec() -> ZoomSpec:
    return ZoomSpec.load()


def test_every_zoom_api_method_has_an_entry_in_the_call_table() -> None:
    methods = {
        name
        for name, member in inspect.getmembers(ZoomApi, inspect.iscoroutinefunction)
        if not name.startswith("_")
    }

    assert methods - set(CALLS) == set(), "add these ZoomApi methods to CALLS"
    assert set(CALLS) - methods == set(), "CALLS names methods ZoomApi no longer has"


@pytest.mark.parametrize("call", CASES)
async def test_the_request_matches_zooms_spec(
    router: respx.MockRouter, spec: ZoomSpec, call: Call
) -> None:
    sent = await _send(router, [call])

    assert sent, "the method sent no request"
    problems = []
    for request in sent:
        try:
            spec.validate_request(request.method, request.path, request.query, request.body)
        except SpecViolation as violation:
            problems.append(str(violation))
    assert problems == []


async def test_the_fake_answers_are_ones_zoom_could_give(
    router: respx.MockRouter, spec: ZoomSpec
) -> None:
    sent = await _send(router, [call for calls in CALLS.values() for call in calls])

    problems = []
    for request in sent:
        fake = httpx.Request(request.method, f"{API_URL}{request.path}", params=request.query)
        answer = _answer(request.endpoint, fake)
        body = answer.json() if answer.content else None
        try:
            spec.validate_response(request.method, request.path, answer.status_code, body)
        except SpecViolation as violation:
            problems.append(str(violation))
    assert problems == [], "\n".join(problems)


async def test_every_endpoint_in_the_catalogue_is_reached_by_some_method(
    router: respx.MockRouter,
) -> None:
    sent = await _send(router, [call for calls in CALLS.values() for call in calls])

    reached = {request.endpoint.name for request in sent}
    assert {endpoint.name for endpoint in ENDPOINTS} - reached == set()


def test_the_validator_would_catch_a_misspelled_body_field(spec: ZoomSpec) -> None:
    with pytest.raises(SpecViolation):
        spec.validate_request(
            "PATCH", f"/v2/phone/devices/{DEVICE}", body={"displayname": "Room 1204"}
        )
