"""`connector doctor` on Cloudbeds: each check says in words what to ask for."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest
import respx
from prometheus_client import CollectorRegistry

from connector.pms.cloudbeds import build
from connector.pms.cloudbeds.adapter import CloudbedsPms
from connector.pms.cloudbeds.webhooks import EVENTS
from connector.settings import load_settings
from tests.cloudbeds.conftest import (
    ENDPOINT,
    HOTEL_TZ,
    KEY,
    PROPERTY,
    PUBLIC,
    SECRET,
    hotel_details,
    listed,
    rooms_answer,
    settings,
)
from tests.support.fake_clock import FakeClock


def said(checks: list[tuple[str, bool, str, list[str]]]) -> str:
    return " ".join(f"{name} {summary} {' '.join(details)}"
                    for name, _, summary, details in checks)


async def test_all_well_says_the_property_the_webhooks_and_the_rooms(
        pms: CloudbedsPms, cloudbeds: respx.MockRouter) -> None:
    cloudbeds.get("/getHotelDetails").mock(return_value=hotel_details())
    cloudbeds.get("/getWebhooks").mock(return_value=listed(*(
        (f"s{n}", obj, action, ENDPOINT) for n, (obj, action) in enumerate(EVENTS))))
    checks = await pms.doctor()
    assert [(name, ok_) for name, ok_, _, _ in checks] == [
        ("Cloudbeds API key", True), ("Cloudbeds webhooks", True), ("Cloudbeds rooms", True)]
    text = said(checks)
    assert "property 4242 (Harbour View) readable" in text
    assert f"7 events subscribed to {PUBLIC}/cloudbeds/…/events" in text
    assert "4 rooms mapped" in text
    assert SECRET not in text and KEY not in text


async def test_a_refused_key_says_what_to_ask_the_hotel_for(
        pms: CloudbedsPms, cloudbeds: respx.MockRouter) -> None:
    cloudbeds.get("/getHotelDetails").mock(return_value=httpx.Response(401))
    checks = await pms.doctor()
    assert len(checks) == 1 and checks[0][1] is False
    text = said(checks)
    assert "ask the hotel for a Cloudbeds API key for property 4242" in text
    assert "write:item" in text and "write:housekeeping" in text


async def test_missing_webhooks_are_named(
        pms: CloudbedsPms, cloudbeds: respx.MockRouter) -> None:
    cloudbeds.get("/getHotelDetails").mock(return_value=hotel_details())
    cloudbeds.get("/getWebhooks").mock(return_value=listed(
        ("s1", "reservation", "created", ENDPOINT)))
    checks = await pms.doctor()
    webhooks = checks[1]
    assert webhooks[:3] == ("Cloudbeds webhooks", False, "6 events not subscribed")
    assert "reservation/status_changed" in said(checks)
    assert "CONNECTOR_CLOUDBEDS__PUBLIC_URL" in said(checks)


async def test_rooms_the_phones_cannot_name_are_said(
        pms: CloudbedsPms, cloudbeds: respx.MockRouter) -> None:
    cloudbeds.get("/getHotelDetails").mock(return_value=hotel_details())
    cloudbeds.get("/getWebhooks").mock(return_value=listed())
    cloudbeds.routes["getRooms"].mock(return_value=rooms_answer(
        {"101": "r-101", "The Lighthouse Suite": "r-900"}))
    rooms = (await pms.doctor())[2]
    assert rooms[1] is False and rooms[2] == "1 rooms mapped"
    assert "ask the hotel to rename it" in " ".join(rooms[3])


async def test_settings_still_missing_are_named_without_a_request(
        clock: FakeClock, cloudbeds: respx.MockRouter) -> None:
    adapter = CloudbedsPms(settings(public_url=""), tz=HOTEL_TZ, clock=clock,
                           registry=CollectorRegistry())
    checks = await adapter.doctor()
    assert checks[0][:2] == ("Cloudbeds settings", False)
    assert "CONNECTOR_CLOUDBEDS__PUBLIC_URL" in said(checks)
    assert not cloudbeds.calls
    await adapter.close()


async def test_build_makes_the_adapter_from_the_hotels_settings(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, clock: FakeClock) -> None:
    for name in list(os.environ):
        if name.startswith("CONNECTOR_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    for name, value in {
        "CONNECTOR_ZOOM__ACCOUNT_ID": "HarbourView42", "CONNECTOR_ZOOM__CLIENT_ID": "C42",
        "CONNECTOR_ZOOM__CLIENT_SECRET": "sup3r-s3cret-value", "CONNECTOR_PMS__KIND": "cloudbeds",
        "CONNECTOR_CLOUDBEDS__API_KEY": KEY, "CONNECTOR_CLOUDBEDS__PROPERTY_ID": PROPERTY,
        "CONNECTOR_CLOUDBEDS__PUBLIC_URL": PUBLIC, "CONNECTOR_CLOUDBEDS__WEBHOOK_SECRET": SECRET,
    }.items():
        monkeypatch.setenv(name, value)
    adapter = build(load_settings(), tz=HOTEL_TZ, clock=clock, registry=CollectorRegistry())
    assert adapter.kind == "cloudbeds" and adapter.source() is None
    assert [getattr(r, "path", "") for r in adapter.routes(_NoSink())] == [
        "/cloudbeds/{secret}/events"]
    await adapter.close()


class _NoSink:
    def accept(self, notices: object, *, offset: str | None = None) -> int:
        raise AssertionError("nothing is posted here")

    def accept_new(self, notices: object) -> set[str]:
        raise AssertionError("nothing is posted here")

    def offset(self) -> str | None:
        return None

    def gap(self, reason: str) -> None:
        raise AssertionError("nothing is posted here")

