"""One hotel on OPERA Cloud, its OHIP gateway mocked with respx, time on a FakeClock; every
request the adapter sends is checked against Oracle's published specs."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from zoneinfo import ZoneInfo

import httpx
import pytest
import respx
from pydantic import SecretStr

from connector.pms.ohip.adapter import OhipPms
from connector.pms.ohip.client import OhipClient
from connector.settings.cloud_pms import OhipSettings
from tests.ohip.factories import APP_KEY, GATEWAY, HOTEL
from tests.ohip_spec import OhipSpec
from tests.support.fake_clock import FakeClock

HOTEL_TZ = ZoneInfo("Europe/Lisbon")
SECRET = "s3cr3t-of-the-client"


def ohip_settings(**changes: object) -> OhipSettings:
    values: dict[str, object] = {
        "gateway_url": GATEWAY, "client_id": "Hotel_Client",
        "client_secret": SecretStr(SECRET), "app_key": SecretStr(APP_KEY),
        "hotel_id": HOTEL, "chain_code": "CHAIN", "external_system_code": "ZOOMPHONE",
        "requests_per_second": 40, "charge_transaction_code": "9400"}
    values.update(changes)
    return OhipSettings.model_validate(values)


async def _conforms(request: httpx.Request) -> None:
    OhipSpec.load().validate_httpx_request(request)  # SpecViolation fails the test


def spec_checked_http(settings: OhipSettings) -> httpx.AsyncClient:
    """The adapter's HTTP client, holding each request it sends to OHIP's specs."""
    return httpx.AsyncClient(timeout=settings.timeout_seconds,
                             event_hooks={"request": [_conforms]})


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def gateway() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=GATEWAY, assert_all_called=False) as router:
        router.post("/oauth/v1/tokens", name="token").mock(return_value=httpx.Response(
            200, json={"access_token": "tok-1", "expires_in": 3600, "token_type": "Bearer"}))
        yield router


@pytest.fixture
async def client(clock: FakeClock, gateway: respx.MockRouter) -> AsyncIterator[OhipClient]:
    settings = ohip_settings()
    ohip = OhipClient(settings, clock=clock, http=spec_checked_http(settings))
    yield ohip
    await ohip.close()


@pytest.fixture
async def pms(clock: FakeClock, gateway: respx.MockRouter) -> AsyncIterator[OhipPms]:
    settings = ohip_settings()
    client = OhipClient(settings, clock=clock, http=spec_checked_http(settings))
    adapter = OhipPms(settings, client, tz=HOTEL_TZ, clock=clock,
                      currency=("EUR", 2))
    yield adapter
    await adapter.close()
