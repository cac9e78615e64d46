"""Prometheus metrics for the PMS's and Zoom's webhook doors (exposed at /metrics)."""

from __future__ import annotations

from functools import lru_cache

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram


class WebMetrics:
    """The webhook's metrics; tests give each app its own registry."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        reg = registry if registry is not None else REGISTRY
        self.events = Counter(
            "connector_webhook_events",
            "Events acknowledged on the webhook, by type and outcome (stored or duplicate).",
            ["type", "outcome"],
            registry=reg,
        )
        # The child counter of a (type, outcome): looked up once, not per event (labels()
        # checks and locks each time). Event types and outcomes are a short closed list.
        self.events_of = lru_cache(maxsize=256)(self.events.labels)
        self.refused = Counter(
            "connector_webhook_refused",
            "Webhook requests refused, by error code (see docs/webhook.md).",
            ["code"],
            registry=reg,
        )
        self.zoom_events = Counter(
            "connector_zoom_webhook_events",
            "Zoom webhook events received on /zoom/events, by event and outcome (what the "
            "connector made of it; `ignored` for an event it does not read).",
            ["event", "outcome"],
            registry=reg,
        )
        self.ack_seconds = Histogram(
            "connector_webhook_ack_seconds",
            "From a webhook request's arrival to its acknowledgement (body read, checked, "
            "committed to disk).",
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10),
            registry=reg,
        )
