"""Which PMS door: FIAS, webhook or a cloud PMS, and what a cloud PMS still needs."""

from __future__ import annotations

import os
from pathlib import Path
from unittest import mock

import pytest

from connector.settings import SettingsError, load_settings
from connector.settings.cloud_pms import PmsKind

ZOOM = {
    "CONNECTOR_ZOOM__ACCOUNT_ID": "HarbourView42",
    "CONNECTOR_ZOOM__CLIENT_ID": "ClientHv42",
    "CONNECTOR_ZOOM__CLIENT_SECRET": "sup3r-s3cret-value",
}


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith("CONNECTOR_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    for name, value in ZOOM.items():
        monkeypatch.setenv(name, value)


def test_without_a_kind_a_fias_link_means_fias_and_none_means_webhook(
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().pms_kind() is PmsKind.WEBHOOK
    monkeypatch.setenv("CONNECTOR_FIAS__MODE", "client")
    monkeypatch.setenv("CONNECTOR_FIAS__HOST", "pms.hotel.lan")
    assert load_settings().pms_kind() is PmsKind.FIAS


def test_ohip_names_every_variable_still_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONNECTOR_PMS__KIND", "ohip")
    monkeypatch.setenv("CONNECTOR_OHIP__GATEWAY_URL", "https://ohip.example.com")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    said = " ".join(caught.value.problems)
    for name in ("CLIENT_ID", "CLIENT_SECRET", "APP_KEY", "HOTEL_ID", "CHAIN_CODE",
                 "EXTERNAL_SYSTEM_CODE"):
        assert f"CONNECTOR_OHIP__{name}" in said
    assert "GATEWAY_URL" not in said


def test_a_cloud_pms_beside_a_fias_link_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONNECTOR_PMS__KIND", "cloudbeds")
    monkeypatch.setenv("CONNECTOR_FIAS__MODE", "server")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert "a hotel has one PMS" in " ".join(caught.value.problems)


def test_a_short_cloudbeds_path_secret_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONNECTOR_PMS__KIND", "cloudbeds")
    monkeypatch.setenv("CONNECTOR_CLOUDBEDS__WEBHOOK_SECRET", "short")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert "CONNECTOR_CLOUDBEDS__WEBHOOK_SECRET" in " ".join(caught.value.problems)


def test_the_stream_address_comes_from_the_gateway(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONNECTOR_OHIP__GATEWAY_URL", "https://ohip.example.com/")
    assert load_settings().ohip.subscriptions_url() == "wss://ohip.example.com/subscriptions"


def test_a_rule_across_settings_names_the_variables_and_shows_no_secret() -> None:
    env = {"CONNECTOR_ZOOM__ACCOUNT_ID": "acct", "CONNECTOR_ZOOM__CLIENT_ID": "client",
           "CONNECTOR_ZOOM__CLIENT_SECRET": "zoom-client-secret-value",
           "CONNECTOR_PMS__KIND": "cloudbeds", "CONNECTOR_CLOUDBEDS__API_KEY": "cbat_key_value",
           "CONNECTOR_CLOUDBEDS__WEBHOOK_SECRET": "w" * 40}
    with mock.patch.dict(os.environ, env, clear=True), \
            pytest.raises(SettingsError) as raised:
        load_settings(_env_file=None)
    said = str(raised.value)
    assert "- CONNECTOR_PMS__KIND is cloudbeds: set CONNECTOR_CLOUDBEDS__PROPERTY_ID" in said
    for secret in ("zoom-client-secret-value", "cbat_key_value", "w" * 40):
        assert secret not in said
