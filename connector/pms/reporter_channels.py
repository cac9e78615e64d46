"""Which way reports go back to the PMS: the FIAS link, a cloud PMS's API (through its
adapter), a signed callback URL, or (not yet) none. `connector serve` picks one with
`choose_channel` and hands it to the `Reporter`."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import SecretStr

from connector.pms.cloud.contract import CloudPms
from connector.pms.fias.posting_fields import PostingFields
from connector.pms.fias_pump import FiasLinkPort
from connector.settings.model import ReporterSettings, WebhookSettings
from connector.store import Channel


class ReporterSetupError(ValueError):
    """The reporter's settings cannot work; the message names the variables to set."""


@dataclass(frozen=True)
class FiasChannel:
    """Reports go over the hotel's FIAS link (`FiasClient` or `FiasServer`); `posting`: the
    SO/PX/PC its IFC wants on every PS (the link's LR for PS announces the same)."""

    link: FiasLinkPort
    answer_timeout: float = 120.0
    night_audit_max_hours: float = 6.0
    posting: PostingFields = field(default_factory=PostingFields)
    name: Channel = field(default="fias", init=False)


@dataclass(frozen=True)
class CallbackChannel:
    """Reports are POSTed to the PMS's callback URL, signed with `secrets` (two during a
    rotation: both signatures are sent)."""

    url: str
    secrets: tuple[SecretStr, ...] = field(repr=False)
    timeout: float = 10.0
    retry_max: int = 5
    backoff: float = 1.0
    backoff_max: float = 300.0
    name: Channel = field(default="webhook", init=False)


@dataclass(frozen=True)
class CloudChannel:
    """Reports go to a cloud PMS (OHIP, Cloudbeds) through its adapter's `send`."""

    adapter: CloudPms
    name: Channel = field(default="cloud", init=False)


ReportChannel = FiasChannel | CallbackChannel | CloudChannel


def choose_channel(reporter: ReporterSettings, webhook: WebhookSettings,
                   fias_link: FiasLinkPort | None,
                   posting: PostingFields | None = None, *,
                   cloud_pms: CloudPms | None = None) -> ReportChannel | None:
    """The cloud PMS when the hotel has one (pass its adapter when CONNECTOR_PMS__KIND names
    a cloud PMS), else FIAS when the hotel has a FIAS link (pass it, and the PS fields its IFC
    wants; None when FIAS is off), else the callback URL when one is set, else None (reports
    are kept until a channel is set)."""
    if cloud_pms is not None:
        return CloudChannel(cloud_pms)
    if fias_link is not None:
        return FiasChannel(fias_link, answer_timeout=reporter.posting_answer_timeout_seconds,
                           night_audit_max_hours=reporter.night_audit_max_hours,
                           posting=posting or PostingFields())
    if reporter.callback_url is None:
        return None
    if reporter.callback_secret is not None:
        secrets: tuple[SecretStr, ...] = (reporter.callback_secret,)
    else:
        secrets = tuple(s for s in (webhook.secret, webhook.previous_secret) if s is not None)
    if not secrets:
        raise ReporterSetupError(
            "CONNECTOR_REPORTER__CALLBACK_URL is set but there is no secret to sign the "
            "callback with: set CONNECTOR_REPORTER__CALLBACK_SECRET (or "
            "CONNECTOR_WEBHOOK__SECRET, which it defaults to), shared with the PMS."
        )
    return CallbackChannel(
        reporter.callback_url, secrets, timeout=reporter.callback_timeout_seconds,
        retry_max=reporter.retry_max, backoff=reporter.retry_backoff_seconds,
        backoff_max=reporter.retry_backoff_max_seconds)
