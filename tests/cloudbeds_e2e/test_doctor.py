"""`connector doctor` for a hotel on Cloudbeds, against the emulator over loopback: it says in
words what to ask for when the key, the property, the webhooks or the room names are not
right, and stays inside the headroom the running connector leaves under Cloudbeds' limit."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from unittest import mock

import pytest

from connector.doctor.cloud_check import check_cloud_pms
from connector.doctor.report import DoctorReport, Status
from connector.sandbox.clock import SandboxClock
from connector.sandbox.cloudbeds import CloudbedsEmulator, CloudbedsServer, serve_cloudbeds
from connector.settings import Settings, load_settings
from tests.cloudbeds_e2e.hotel import API_KEY, PROPERTY, SECRET

PUBLIC = "https://phones.harbourview.example"


@pytest.fixture
def emulator() -> CloudbedsEmulator:
    return CloudbedsEmulator(clock=SandboxClock(), api_key=API_KEY, property_id=PROPERTY,
                             rooms=("101", "102", "103"))


@pytest.fixture
async def cloudbeds(emulator: CloudbedsEmulator) -> AsyncIterator[CloudbedsServer]:
    async with serve_cloudbeds(emulator) as server:
        yield server


def hotel_settings(cloudbeds: CloudbedsServer, tmp_path: Path, **env: str) -> Settings:
    values = {"CONNECTOR_PMS__KIND": "cloudbeds",
              "CONNECTOR_CLOUDBEDS__API_URL": cloudbeds.api_url,
              "CONNECTOR_CLOUDBEDS__API_KEY": API_KEY,
              "CONNECTOR_CLOUDBEDS__PROPERTY_ID": PROPERTY,
              "CONNECTOR_CLOUDBEDS__PUBLIC_URL": PUBLIC,
              "CONNECTOR_CLOUDBEDS__WEBHOOK_SECRET": SECRET,
              "CONNECTOR_STORE__PATH": str(tmp_path / "none.sqlite3"),
              "CONNECTOR_ZOOM__ACCOUNT_ID": "acct", "CONNECTOR_ZOOM__CLIENT_ID": "client",
              "CONNECTOR_ZOOM__CLIENT_SECRET": "zoom-secret", **env}
    with mock.patch.dict(os.environ, values):
        return load_settings(_env_file=None)


async def doctor(cloudbeds: CloudbedsServer, tmp_path: Path, **env: str) -> DoctorReport:
    report = DoctorReport()
    await check_cloud_pms(hotel_settings(cloudbeds, tmp_path, **env), report,
                          clock=cloudbeds.emulator.clock)
    return report


def said(report: DoctorReport, name: str) -> tuple[Status, str]:
    check = next(c for c in report.checks if c.name == name)
    return check.status, " ".join([check.summary, *check.details])


async def test_a_wrong_key_says_what_to_ask_the_hotel_for(
        cloudbeds: CloudbedsServer, tmp_path: Path) -> None:
    report = await doctor(cloudbeds, tmp_path, CONNECTOR_CLOUDBEDS__API_KEY="cbat_old_key")
    status, words = said(report, "Cloudbeds API key")
    assert status is Status.FAIL
    assert "HTTP 401" in words
    assert "ask the hotel for a Cloudbeds API key for property 4242 with the scopes" in words
    assert "write:housekeeping" in words and "write:item" in words
    assert "cbat_old_key" not in report.render()


async def test_another_property_is_named(cloudbeds: CloudbedsServer, tmp_path: Path) -> None:
    report = await doctor(cloudbeds, tmp_path, CONNECTOR_CLOUDBEDS__PROPERTY_ID="999")
    status, words = said(report, "Cloudbeds API key")
    assert status is Status.FAIL and "CONNECTOR_CLOUDBEDS__PROPERTY_ID" in words


async def test_webhooks_not_yet_subscribed_and_a_room_name_the_phones_cannot_carry(
        cloudbeds: CloudbedsServer, emulator: CloudbedsEmulator, tmp_path: Path) -> None:
    emulator.state.add_room("Garden Suite with Terrace")
    report = await doctor(cloudbeds, tmp_path)

    assert said(report, "Cloudbeds API key") == (
        Status.OK, "property 4242 (Hotel Sandbox) readable The key needs the scopes read:hotel, "
        "read:reservation, read:guest, read:room, write:housekeeping, write:item.")
    # Before the first start: not a fault, `connector serve` subscribes them.
    status, words = said(report, "Cloudbeds webhooks")
    assert status is Status.OK and "none subscribed yet" in words and "connector serve" in words
    assert SECRET not in report.render()
    status, words = said(report, "Cloudbeds rooms")
    assert status is Status.FAIL
    assert "'Garden Suite with Terrace', longer than 16 characters" in words
    assert "rename it in Cloudbeds to the room number the phones use" in words
    assert emulator.suspensions == 0 and emulator.gate.busiest_second() <= 1


async def test_unsubscribe_removes_the_connectors_webhooks_and_leaves_the_others(
        cloudbeds: CloudbedsServer, emulator: CloudbedsEmulator, tmp_path: Path) -> None:
    from connector.cli.cloudbeds_cmd import unsubscribe

    theirs = emulator.state.subscribe("reservation", "created", "https://crm.example/hook")
    emulator.state.subscribe("reservation", "created", f"{PUBLIC}/cloudbeds/{'o' * 40}/events")
    settings = hotel_settings(cloudbeds, tmp_path)
    assert await unsubscribe(settings) == 1  # an old secret's, still the connector's
    assert list(emulator.state.subscriptions) == [theirs.subscription_id]
