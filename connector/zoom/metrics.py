"""Prometheus metrics for the Zoom client (exposed by the web app's /metrics)."""

from __future__ import annotations

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram


class ZoomMetrics:
    """All Zoom-client metrics; tests give each client its own registry."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        reg = registry if registry is not None else REGISTRY
        self.requests = Counter(
            "connector_zoom_requests",
            "Zoom API requests by endpoint and HTTP status ('error' when no answer came).",
            ["endpoint", "status"],
            registry=reg,
        )
        self.rate_limited = Counter(
            "connector_zoom_rate_limited",
            "429 answers from Zoom by API family and category.",
            ["family", "category"],
            registry=reg,
        )
        self.retries = Counter(
            "connector_zoom_retries",
            "Zoom API requests sent again, by endpoint and reason.",
            ["endpoint", "reason"],
            registry=reg,
        )
        self.limiter_wait = Histogram(
            "connector_zoom_limiter_wait_seconds",
            "Time a request waited for its rate limiter.",
            ["family", "category"],
            buckets=(0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 15, 60, 300),
            registry=reg,
        )
        self.token_renewals = Counter(
            "connector_zoom_token_renewals", "Access tokens obtained from Zoom.", registry=reg
        )
