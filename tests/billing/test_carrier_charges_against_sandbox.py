"""A guest's call abroad, in a class that marks up Zoom's charge, against the Zoom emulator
over real HTTP (every exchange checked against Zoom's spec): the call-history poll brings the
call whose webhook was lost, reads Zoom's charge for it from the same Heavy share, and posts
the marked-up amount."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import timedelta

import pytest
from prometheus_client import CollectorRegistry

from connector.billing.charge_reader import ChargeReader, charge_reader_for
from connector.billing.poll import HEAVY_USED_KEY, CallHistoryPoll
from connector.billing.tariff_rater import rate_by
from connector.sandbox import Sandbox, SandboxConfig
from connector.sandbox.sandbox import default_scopes
from connector.sandbox.server import SandboxServer
from connector.settings import load_settings
from connector.settings.model import BillingSettings
from connector.zoom.api import ZoomApi
from connector.zoom.client import ZoomClient
from connector.zoom.metrics import ZoomMetrics
from tests.billing.front_desk import FrontDesk
from tests.billing.test_carrier_charges import TARIFF
from tests.sandbox.sandbox_support import SpecChecker
from tests.zoom_spec import ZoomSpec

ROOM_PHONE = 2101  # room 101's extension in the front desk's room map


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    sandbox = Sandbox(SandboxConfig(frozen_clock=True))
    checker = SpecChecker(sandbox.app(), ZoomSpec.load())
    async with SandboxServer(sandbox, app=checker):
        yield sandbox
    assert not checker.violations, "\n\n".join(checker.violations)


@pytest.fixture
def scopes() -> frozenset[str]:
    """What the hotel's Zoom app holds."""
    return default_scopes()


@pytest.fixture
async def zoom(sandbox: Sandbox, scopes: frozenset[str],
               monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[ZoomApi]:
    sandbox.set_scopes(scopes)
    for name, value in sandbox.environment().items():
        monkeypatch.setenv(name, value)
    settings = load_settings(_env_file=None)
    async with ZoomClient(settings.zoom, settings.scheduling, clock=sandbox.clock,
                          metrics=ZoomMetrics(CollectorRegistry())) as client:
        await client.start()
        yield ZoomApi(client)


@pytest.fixture
def desk(sandbox: Sandbox) -> Iterator[FrontDesk]:
    desk = FrontDesk(rate=rate_by(TARIFF))
    desk.clock.set_now(sandbox.clock.now())
    desk.check_in("101", "R1", sandbox.clock.now() - timedelta(hours=3))
    yield desk
    desk.store.close()


def _poll(zoom: ZoomApi, desk: FrontDesk, sandbox: Sandbox,
          reader: ChargeReader | None) -> CallHistoryPoll:
    return CallHistoryPoll(zoom, desk.intake, desk.store, settings=BillingSettings(),
                           plan=sandbox.config.plan, clock=sandbox.clock, charges=reader)


async def test_the_poll_brings_the_call_reads_zoom_charge_and_posts_it_marked_up(
    sandbox: Sandbox, zoom: ZoomApi, desk: FrontDesk,
) -> None:
    london = sandbox.add_call(ROOM_PHONE, "+442075550199", duration=125, international=True,
                              country_iso_code="GB", minutes_ago=30)
    reader = charge_reader_for(zoom, desk.store, desk.pipeline, clock=sandbox.clock,
                               wait_hours=6)
    assert reader.listing

    done = await _poll(zoom, desk, sandbox, reader).poll_once()

    assert done.outcome == "done"
    call = desk.store.call(london.call_id)
    assert call is not None and call.state == "posted"
    # Zoom: 3 started minutes to GB at 0.0290 = 0.087 USD; + 50% + 0.50 = 0.6305, up: 0.64
    assert call.rating is not None and call.rating.amount_minor == 64
    assert desk.postings()[0].startswith("PS|RN101|PTC|TA64|DD442075550199|DU000205|")
    # One page of call history and one of the charges report, both from the poll's share.
    assert (desk.store.meta(HEAVY_USED_KEY) or "").endswith(" 2")


@pytest.mark.parametrize("scopes", [default_scopes() - {"phone:read:call_charges:admin"}])
async def test_without_the_report_scope_the_call_waits_then_is_held_with_the_reason(
    sandbox: Sandbox, zoom: ZoomApi, desk: FrontDesk,
) -> None:
    london = sandbox.add_call(ROOM_PHONE, "+442075550199", duration=125, international=True,
                              country_iso_code="GB", minutes_ago=30)
    reader = charge_reader_for(zoom, desk.store, desk.pipeline, clock=sandbox.clock,
                               wait_hours=6)
    assert not reader.listing
    poll = _poll(zoom, desk, sandbox, reader)

    await poll.poll_once()
    call = desk.store.call(london.call_id)
    assert call is not None and call.state == "waiting_charge"
    assert desk.store.count_open_calls()["waiting_charge"] == 1
    assert desk.store.count_open_calls()["no_rate"] == 0

    sandbox.advance(6 * 3600)
    await poll.poll_once()

    call = desk.store.call(london.call_id)
    assert call is not None and call.state == "no_rate"
    assert (call.reason or "").startswith(
        "Zoom's call charges report did not list the call within 6 h of its end")
    assert desk.postings() == []
