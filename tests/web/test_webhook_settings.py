"""The webhook's settings: a secret long enough, a rotation that makes sense, sane limits."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from connector.settings import SettingsError, load_settings
from connector.settings.model import Settings

ZOOM = {
    "CONNECTOR_ZOOM__ACCOUNT_ID": "HarbourView42",
    "CONNECTOR_ZOOM__CLIENT_ID": "ClientHv42",
    "CONNECTOR_ZOOM__CLIENT_SECRET": "zoom-client-secret",
}


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith("CONNECTOR_"):
            monkeypatch.delenv(name)
    for name, value in ZOOM.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)


def load(monkeypatch: pytest.MonkeyPatch, **env: str) -> Settings:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return load_settings()


def problems(monkeypatch: pytest.MonkeyPatch, **env: str) -> list[str]:
    with pytest.raises(SettingsError) as caught:
        load(monkeypatch, **env)
    return caught.value.problems


def test_by_default_the_webhook_is_closed_with_sane_limits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    webhook = load(monkeypatch).webhook

    assert (webhook.secret, webhook.previous_secret) == (None, None)
    assert (webhook.tolerance_seconds, webhook.max_body_bytes, webhook.max_batch_events) == (
        300, 1024 * 1024, 500)


def test_an_empty_secret_as_copied_from_env_example_means_none(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert load(monkeypatch, CONNECTOR_WEBHOOK__SECRET="").webhook.secret is None


def test_a_short_secret_is_refused_without_being_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    (problem,) = problems(monkeypatch, CONNECTOR_WEBHOOK__SECRET="hunter2")

    assert problem.startswith("CONNECTOR_WEBHOOK__SECRET: is shorter than 16 characters")
    assert "openssl rand -hex 32" in problem
    assert "hunter2" not in problem


def test_a_previous_secret_alone_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    (problem,) = problems(monkeypatch, CONNECTOR_WEBHOOK__PREVIOUS_SECRET="x" * 32)

    assert problem.startswith("CONNECTOR_WEBHOOK__PREVIOUS_SECRET: is set but "
                              "CONNECTOR_WEBHOOK__SECRET is not")


def test_a_rotation_holds_both_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    webhook = load(monkeypatch, CONNECTOR_WEBHOOK__SECRET="n" * 32,
                   CONNECTOR_WEBHOOK__PREVIOUS_SECRET="o" * 32).webhook

    assert webhook.secret is not None and webhook.previous_secret is not None
    assert "nnnn" not in repr(webhook)


@pytest.mark.parametrize(("name", "value"), [
    ("CONNECTOR_WEBHOOK__TOLERANCE_SECONDS", "0"),
    ("CONNECTOR_WEBHOOK__TOLERANCE_SECONDS", "86400"),
    ("CONNECTOR_WEBHOOK__MAX_BODY_BYTES", "100"),
    ("CONNECTOR_WEBHOOK__MAX_BATCH_EVENTS", "0"),
])
def test_limits_out_of_range_are_refused_with_an_example(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    (problem,) = problems(monkeypatch, **{name: value})

    assert problem.startswith(f"{name}: ")
    assert "for example" in problem
