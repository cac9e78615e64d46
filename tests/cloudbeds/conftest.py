"""A Cloudbeds property as its v1.3 spec shapes the answers (respx), and the adapter on it.

The Harbour View (property 4242): rooms 101-104, a key that allows 5 requests a second."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from datetime import UTC, datetime
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

import httpx
import pytest
import respx
from prometheus_client import CollectorRegistry

from connector.pms.cloudbeds.adapter import CloudbedsPms
from connector.settings.cloud_pms import CloudbedsSettings
from connector.store import Report, ReportKind
from tests.support.fake_clock import FakeClock

API = "https://api.cloudbeds.test/api/v1.3"
PROPERTY = "4242"
SECRET = "s" * 40
KEY = "cbat_harbourview_key_0123456789"
PUBLIC = "https://phones.harbourview.example"
ENDPOINT = f"{PUBLIC}/cloudbeds/{SECRET}/events"
HOTEL_TZ = ZoneInfo("Europe/Lisbon")
ROOMS = {"101": "r-101", "102": "r-102", "103": "r-103", "104": "r-104"}


def settings(**overrides: object) -> CloudbedsSettings:
    return CloudbedsSettings.model_validate({
        "api_url": API, "api_key": KEY, "property_id": PROPERTY, "public_url": PUBLIC,
        "webhook_secret": SECRET, **overrides})


def ok(data: object = None, **extra: object) -> httpx.Response:
    body: dict[str, object] = {"success": True, **extra}
    if data is not None:
        body["data"] = data
    return httpx.Response(200, json=body, headers={"X-Request-ID": "req-1"})


def rooms_answer(rooms: Mapping[str, str] = ROOMS) -> httpx.Response:
    """getRooms: one entry per property, its rooms inside."""
    named = [{"roomID": room_id, "roomName": name, "roomTypeName": "Double",
               "isPrivate": True} for name, room_id in rooms.items()]
    return ok([{"propertyID": PROPERTY, "rooms": named}], count=len(named), total=len(named))


def hotel_details(currency: str = "EUR") -> httpx.Response:
    return ok({"propertyID": PROPERTY, "propertyName": "Harbour View",
               "propertyCurrency": {"currencyCode": currency, "currencySymbol": "€",
                                    "currencyPosition": "before"}})


def listed(*subs: tuple[str, str, str, str]) -> httpx.Response:
    """getWebhooks as its spec shapes it."""
    return ok([{"id": sub_id, "key": {"type": "property", "id": PROPERTY},
                "event": {"entity": obj, "action": action},
                "owner": {"type": "client", "id": "77"}, "subscriptionType": "webhook",
                "subscriptionData": {"endpoint": endpoint}}
               for sub_id, obj, action, endpoint in subs])


def form(request: httpx.Request) -> dict[str, str]:
    """A form-encoded body as the PMS reads it."""
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    return dict(parse_qsl(request.content.decode()))


def report(kind: ReportKind, room: str, payload: Mapping[str, object],
           report_id: int = 31) -> Report:
    at = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    return Report(id=report_id, channel=None, kind=kind, room=room, payload=payload,
                  created_at=at, state="pending", attempts=0, next_attempt_at=at,
                  sent_at=None, last_error=None, p_number=None, answer=None)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def cloudbeds() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=API, assert_all_called=False) as router:
        router.get("/getRooms", name="getRooms").mock(return_value=rooms_answer())
        yield router


@pytest.fixture
async def pms(clock: FakeClock, cloudbeds: respx.MockRouter) -> AsyncIterator[CloudbedsPms]:
    adapter = CloudbedsPms(settings(), tz=HOTEL_TZ, clock=clock, registry=CollectorRegistry())
    await adapter.rooms.load()
    yield adapter
    await adapter.close()
