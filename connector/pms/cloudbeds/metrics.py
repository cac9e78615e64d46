"""Prometheus metrics of the Cloudbeds door (exposed at /metrics with the rest)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter


class CloudbedsMetrics:
    """Webhooks taken and refused; each adapter gets the registry it is built with."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.webhooks = Counter(
            "connector_cloudbeds_webhooks",
            "Cloudbeds webhooks answered, by outcome (stored, duplicate, ignored: not for "
            "this property or not an event the phones read, invalid, store_failed).",
            ["outcome"], registry=registry)
        self.refused = Counter(
            "connector_cloudbeds_webhooks_refused",
            "Cloudbeds webhook requests answered 404, by reason (secret: a wrong secret in "
            "the path; source: an address outside CONNECTOR_CLOUDBEDS__WEBHOOK_ALLOWED_SOURCES).",
            ["reason"], registry=registry)
