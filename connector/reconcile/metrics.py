"""Prometheus metrics for convergence."""

from __future__ import annotations

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram


class ReconcileMetrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        reg = registry if registry is not None else REGISTRY
        self.changes = Counter(
            "connector_room_changes", "Changes made in Zoom, by kind.", ["change"], registry=reg
        )
        self.failures = Counter(
            "connector_room_failures", "Room passes that failed, by whether it was the last try.",
            ["final"], registry=reg,
        )
        self.failed_rooms = Gauge(
            "connector_rooms_failed", "Rooms whose last try failed.", registry=reg
        )
        # Apart from the failures: a room map to fix, not a Zoom to wait for.
        self.unmapped_rooms = Gauge(
            "connector_rooms_unmapped",
            "Rooms with PMS activity that are not in the room map (nothing is sent to Zoom).",
            registry=reg,
        )
        self.lag = Histogram(
            "connector_reconcile_lag_seconds",
            "From a room becoming dirty to Zoom confirmed for it.",
            buckets=(0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600),
            registry=reg,
        )
