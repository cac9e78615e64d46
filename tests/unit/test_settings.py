"""Start-up settings: every problem named once, with the variable and an example."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from connector.settings import Plan, SettingsError, load_settings

SECRET = "sup3r-s3cret-value"
VALID = {
    "CONNECTOR_ZOOM__ACCOUNT_ID": "HarbourView42",
    "CONNECTOR_ZOOM__CLIENT_ID": "ClientHv42",
    "CONNECTOR_ZOOM__CLIENT_SECRET": SECRET,
}


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No CONNECTOR_ variable from the developer's shell, no `.env` from the repo."""
    for name in list(os.environ):
        if name.startswith("CONNECTOR_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def _problems(monkeypatch: pytest.MonkeyPatch, **env: str) -> list[str]:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    return caught.value.problems


def test_a_fresh_install_names_every_missing_credential_in_one_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    problems = _problems(monkeypatch)

    assert len(problems) == 3
    for name in ("ACCOUNT_ID", "CLIENT_ID", "CLIENT_SECRET"):
        assert any(p.startswith(f"CONNECTOR_ZOOM__{name}: is required") for p in problems)


def test_only_the_credentials_still_missing_are_named(monkeypatch: pytest.MonkeyPatch) -> None:
    problems = _problems(monkeypatch, CONNECTOR_ZOOM__ACCOUNT_ID="HarbourView42")

    assert [p.split(":")[0] for p in problems] == [
        "CONNECTOR_ZOOM__CLIENT_ID",
        "CONNECTOR_ZOOM__CLIENT_SECRET",
    ]


@pytest.mark.parametrize(
    ("variable", "value", "says", "example"),
    [
        ("CONNECTOR_ZOOM__PLAN", "gold", "'pro' or 'business'", "CONNECTOR_ZOOM__PLAN=business"),
        ("CONNECTOR_ZOOM__RATE_LIMIT_SHARE", "1.5", "less than or equal to 1",
         "CONNECTOR_ZOOM__RATE_LIMIT_SHARE=0.8"),
        ("CONNECTOR_ZOOM__RATE_LIMIT_SHARE", "0", "greater than 0",
         "CONNECTOR_ZOOM__RATE_LIMIT_SHARE=0.8"),
        ("CONNECTOR_ZOOM__RATE_LIMIT_SHARE", "most", "valid number",
         "CONNECTOR_ZOOM__RATE_LIMIT_SHARE=0.8"),
        ("CONNECTOR_SCHEDULING__RETRIES", "three", "valid integer",
         "CONNECTOR_SCHEDULING__RETRIES=3"),
        ("CONNECTOR_ZOOM__API_BASE_URL", "api-eu.zoom.us", "http(s) URL",
         "CONNECTOR_ZOOM__API_BASE_URL=https://api-eu.zoom.us"),
    ],
)
def test_a_bad_value_gets_one_message_naming_the_variable_with_an_example(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, says: str, example: str
) -> None:
    problems = _problems(monkeypatch, **VALID, **{variable: value})

    assert len(problems) == 1
    problem = problems[0]
    assert problem.startswith(f"{variable}: ")
    assert says in problem
    assert repr(value) in problem
    assert f"for example {example}" in problem


def test_several_bad_values_are_all_reported_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    problems = _problems(
        monkeypatch, **VALID, CONNECTOR_ZOOM__PLAN="gold", CONNECTOR_SCHEDULING__RETRIES="-1"
    )

    assert sorted(p.split(":")[0] for p in problems) == [
        "CONNECTOR_SCHEDULING__RETRIES",
        "CONNECTOR_ZOOM__PLAN",
    ]


def test_the_client_secret_never_appears_in_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    problems = _problems(
        monkeypatch, **VALID, CONNECTOR_ZOOM__PLAN="gold", CONNECTOR_ZOOM__TIMEOUT_SECONDS="x"
    )

    assert len(problems) == 2
    assert all(SECRET not in p for p in problems)


def test_a_malformed_client_secret_is_named_without_echoing_it() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(
            zoom={"account_id": "HarbourView42", "client_id": "ClientHv42",
                  "client_secret": {"value": SECRET}}
        )

    assert caught.value.problems[0].startswith("CONNECTOR_ZOOM__CLIENT_SECRET: ")
    assert SECRET not in str(caught.value)


def test_the_client_secret_never_appears_in_the_printed_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in VALID.items():
        monkeypatch.setenv(name, value)

    settings = load_settings()

    assert settings.zoom.client_secret.get_secret_value() == SECRET
    assert SECRET not in repr(settings)
    assert SECRET not in str(settings)
    assert SECRET not in settings.model_dump_json()


def test_settings_are_read_from_a_dotenv_file_in_the_working_directory(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "\n".join(f"{name}={value}" for name, value in VALID.items())
        + "\nCONNECTOR_ZOOM__PLAN=business\nCONNECTOR_SCHEDULING__RETRIES=5\n",
        encoding="utf-8",
    )

    settings = load_settings()

    assert settings.zoom.account_id == "HarbourView42"
    assert settings.zoom.plan is Plan.BUSINESS
    assert settings.scheduling.retries == 5


def test_the_environment_wins_over_the_dotenv_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text(
        "\n".join(f"{name}={value}" for name, value in VALID.items())
        + "\nCONNECTOR_ZOOM__PLAN=business\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("CONNECTOR_ZOOM__PLAN", "pro")

    assert load_settings().zoom.plan is Plan.PRO


def test_defaults_match_what_the_issue_promises(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in VALID.items():
        monkeypatch.setenv(name, value)

    settings = load_settings()

    assert settings.zoom.oauth_url == "https://zoom.us"
    assert settings.zoom.api_base_url is None
    assert settings.zoom.plan is Plan.PRO
    assert settings.zoom.rate_limit_share == 0.8
    assert settings.scheduling.retries == 3
    assert settings.scheduling.retry_interval_seconds == 60
    assert settings.scheduling.directory_refresh_minutes == 480
    assert settings.log.debug is False


def test_an_empty_oauth_url_line_in_dotenv_means_the_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in VALID.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("CONNECTOR_ZOOM__OAUTH_URL", "")
    monkeypatch.setenv("CONNECTOR_ZOOM__API_BASE_URL", "")

    settings = load_settings()

    assert settings.zoom.oauth_url == "https://zoom.us"
    assert settings.zoom.api_base_url is None


@pytest.mark.parametrize("charset", ["windows-1252", "iso-8859-2", "cp850", "utf-8", "latin-1"])
def test_the_fias_link_takes_any_code_page_the_site_agreed(
    monkeypatch: pytest.MonkeyPatch, charset: str,
) -> None:
    for name, value in {**VALID, "CONNECTOR_FIAS__CHARSET": charset}.items():
        monkeypatch.setenv(name, value)
    assert load_settings().fias.charset == charset


@pytest.mark.parametrize("charset", ["utf-16", "ebcdic-please"])
def test_a_fias_code_page_that_cannot_frame_records_is_refused_at_start_up(
    monkeypatch: pytest.MonkeyPatch, charset: str,
) -> None:
    [problem] = _problems(monkeypatch, **VALID, CONNECTOR_FIAS__CHARSET=charset)
    assert problem.startswith("CONNECTOR_FIAS__CHARSET: ")
    assert "windows-1252, iso-8859-1, iso-8859-2, cp850, utf-8" in problem
