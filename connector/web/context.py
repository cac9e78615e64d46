"""What the routes share: where the connector is, the webhook settings, the clock, metrics."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from connector.clock import Clock
from connector.service import Connector
from connector.settings.model import WebhookSettings
from connector.web.errors import ApiError
from connector.web.metrics import WebMetrics

# How long a PMS should wait before retrying when we cannot take its events right now.
RETRY_AFTER_SECONDS = 5

ConnectorProvider = Callable[[], Connector | None]


@dataclass(frozen=True)
class WebContext:
    connector: ConnectorProvider
    settings: WebhookSettings
    clock: Clock
    metrics: WebMetrics

    def secrets(self) -> list[str]:
        """The secrets a signature may be made with: the current one, then the previous."""
        return [
            secret.get_secret_value()
            for secret in (self.settings.secret, self.settings.previous_secret)
            if secret is not None
        ]

    def require_secrets(self) -> list[str]:
        secrets = self.secrets()
        if not secrets:
            raise ApiError(
                "webhook_not_configured",
                "This connector's webhook is not set up: the hotel must set "
                "CONNECTOR_WEBHOOK__SECRET (and share it with the PMS) to open it.",
            )
        return secrets

    def require_connector(self) -> Connector:
        connector = self.connector()
        if connector is None:
            raise ApiError(
                "not_ready",
                "The connector is starting up or shutting down; nothing was stored. Retry "
                f"in {RETRY_AFTER_SECONDS} s.",
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
        return connector
