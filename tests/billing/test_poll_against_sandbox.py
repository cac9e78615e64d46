"""The call-history poll against the Zoom emulator over real HTTP, every exchange checked
against Zoom's published spec: it finds exactly the rooms' outside calls, including the one
whose webhook was lost and the long one that began before the last listing."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry

from connector.billing.call import CallSource, ZoomCall
from connector.billing.poll import CallHistoryPoll
from connector.billing.poll_plan import FIRST_LOOKBACK, SETTLE
from connector.doctor.checks import run_doctor
from connector.doctor.report import Status
from connector.sandbox import Sandbox, SandboxConfig
from connector.sandbox.sandbox import default_scopes
from connector.sandbox.server import SandboxServer
from connector.settings import load_settings
from connector.settings.model import BillingSettings
from connector.settings.rooms_source import load_room_map
from connector.store import Store
from connector.zoom.api import ZoomApi
from connector.zoom.client import ZoomClient
from connector.zoom.metrics import ZoomMetrics
from tests.sandbox.sandbox_support import SpecChecker
from tests.zoom_spec import ZoomSpec

ROOM_USER, ROOM_COMMON_AREA = 2101, 2126


class Intake:
    def __init__(self) -> None:
        self.calls: dict[str, ZoomCall] = {}

    def take(self, call: ZoomCall, source: CallSource) -> str:
        known = call.call_id in self.calls
        self.calls[call.call_id] = call
        return "duplicate" if known else "new"


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    sandbox = Sandbox(SandboxConfig(frozen_clock=True))
    checker = SpecChecker(sandbox.app(), ZoomSpec.load())
    async with SandboxServer(sandbox, app=checker):
        yield sandbox
    assert not checker.violations, "\n\n".join(checker.violations)


@pytest.fixture
async def zoom(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[ZoomApi]:
    for name, value in sandbox.environment().items():
        monkeypatch.setenv(name, value)
    settings = load_settings(_env_file=None)
    async with ZoomClient(settings.zoom, settings.scheduling, clock=sandbox.clock,
                          metrics=ZoomMetrics(CollectorRegistry())) as client:
        await client.start()
        yield ZoomApi(client)


@pytest.fixture
def store(sandbox: Sandbox) -> Iterator[Store]:
    with Store(":memory:", clock=sandbox.clock) as store:
        yield store


def _poll(zoom: ZoomApi, intake: Intake, store: Store, sandbox: Sandbox) -> CallHistoryPoll:
    return CallHistoryPoll(zoom, intake, store, settings=BillingSettings(),
                           plan=sandbox.config.plan, clock=sandbox.clock)


def _chargeable(sandbox: Sandbox, start: datetime, end: datetime) -> set[str]:
    """What Zoom holds that a room might be charged for, ended within [start, end]."""
    return {c.call_id for c in sandbox.account.calls.values()
            if c.direction == "outbound" and c.connect_type == "external"
            and start <= c.end_time <= end}


async def test_the_first_listing_finds_every_outside_call_from_a_room_of_the_last_two_hours(
    sandbox: Sandbox, zoom: ZoomApi, store: Store,
) -> None:
    london = sandbox.add_call(ROOM_USER, "+442075550199", duration=125, international=True,
                              country_iso_code="GB", minutes_ago=30)
    lobby_phone = sandbox.add_call(ROOM_COMMON_AREA, "+12125550143", minutes_ago=40)
    incoming = sandbox.add_call(ROOM_USER, "+12125550143", direction="inbound", minutes_ago=20)
    internal = sandbox.add_call(ROOM_USER, "2126", minutes_ago=10)
    sandbox.account.calls[internal.id] = dataclasses.replace(internal, connect_type="internal")
    intake = Intake()

    done = await _poll(zoom, intake, store, sandbox).poll_once()

    now = sandbox.clock.now()
    assert done.outcome == "done"
    assert set(intake.calls) == _chargeable(sandbox, now - SETTLE - FIRST_LOOKBACK,
                                            now - SETTLE)
    assert {london.call_id, lobby_phone.call_id} <= set(intake.calls)
    assert incoming.call_id not in intake.calls and internal.call_id not in intake.calls
    call = intake.calls[london.call_id]
    assert (call.caller_extension, call.dialled, call.talk_seconds) == (
        "2101", "+442075550199", 125)
    assert intake.calls[lobby_phone.call_id].caller_extension_type == "common_area"


async def test_the_next_listing_brings_the_lost_webhooks_call_and_the_long_call(
    sandbox: Sandbox, zoom: ZoomApi, store: Store,
) -> None:
    intake = Intake()
    poll = _poll(zoom, intake, store, sandbox)
    await poll.poll_once()
    before = set(intake.calls)
    sandbox.advance(30 * 60)
    lost_webhook = sandbox.add_call(ROOM_USER, "+33142685300", international=True,
                                    country_iso_code="FR", minutes_ago=15)
    # Two hours on the phone: it began long before the last listing and ended after it.
    long_call = sandbox.add_call(ROOM_COMMON_AREA, "+12125550143", duration=7200,
                                 minutes_ago=12)
    assert long_call.start_time < (poll.watermark or long_call.start_time)

    done = await poll.poll_once()

    assert set(intake.calls) - before == {lost_webhook.call_id, long_call.call_id}
    assert done.missed_by_webhooks == 2
    assert done.pages == 1


async def test_the_doctor_shows_the_polls_share_and_what_the_hotel_needs(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    for name, value in sandbox.environment(
            str(sandbox.hotel.write_room_map(tmp_path / "rooms.csv"))).items():
        monkeypatch.setenv(name, value)
    settings = load_settings(_env_file=None)
    rooms = len(load_room_map(settings.rooms))
    sandbox.set_scopes(default_scopes() - {"phone:read:list_call_logs:admin"})

    report = await run_doctor(settings, clock=sandbox.clock)

    line = next(c for c in report.checks if c.name == "Call poll")
    assert line.status is Status.WARN
    assert line.summary == ("call history listed every 60 min, up to 300 Heavy calls a "
                            "day, about 24 needed")
    assert "the Zoom app lacks phone:read:list_call_logs:admin" in line.details[0]
    assert f"for {rooms} rooms" in line.details[-1]
