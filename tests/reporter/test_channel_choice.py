"""Which way reports go: FIAS when the hotel has a link, else the callback URL, else none."""

from __future__ import annotations

import pytest
from pydantic import SecretStr, ValidationError

from connector.pms.reporter_channels import (
    CallbackChannel,
    FiasChannel,
    ReporterSetupError,
    choose_channel,
)
from connector.settings.model import ReporterSettings, WebhookSettings
from tests.reporter.test_fias_pump import ScriptedLink

URL = "https://pms.example.com/zoom/reports"
WEBHOOK = WebhookSettings(secret=SecretStr("w" * 32), previous_secret=SecretStr("p" * 32))


def test_a_hotel_with_a_fias_link_reports_over_it_even_with_a_callback_url() -> None:
    settings = ReporterSettings(callback_url=URL, posting_answer_timeout_seconds=90)
    chosen = choose_channel(settings, WEBHOOK, ScriptedLink())
    assert isinstance(chosen, FiasChannel) and chosen.answer_timeout == 90


def test_the_callback_is_signed_with_the_webhook_secrets_unless_it_has_its_own() -> None:
    shared = choose_channel(ReporterSettings(callback_url=URL), WEBHOOK, None)
    own = choose_channel(
        ReporterSettings(callback_url=URL, callback_secret=SecretStr("c" * 32)), WEBHOOK, None)

    assert isinstance(shared, CallbackChannel) and isinstance(own, CallbackChannel)
    assert [s.get_secret_value() for s in shared.secrets] == ["w" * 32, "p" * 32]
    assert [s.get_secret_value() for s in own.secrets] == ["c" * 32]
    assert "w" * 32 not in repr(shared)


def test_no_fias_and_no_callback_means_no_channel() -> None:
    assert choose_channel(ReporterSettings(callback_url=""), WEBHOOK, None) is None


def test_a_callback_with_no_secret_at_all_is_refused_with_the_variables_to_set() -> None:
    with pytest.raises(ReporterSetupError, match="CONNECTOR_REPORTER__CALLBACK_SECRET"):
        choose_channel(ReporterSettings(callback_url=URL), WebhookSettings(), None)


@pytest.mark.parametrize("field, value", [("callback_url", "ftp://pms"),
                                          ("callback_secret", "short")])
def test_bad_reporter_settings_are_refused(field: str, value: str) -> None:
    with pytest.raises(ValidationError, match=field):
        ReporterSettings.model_validate({field: value})
