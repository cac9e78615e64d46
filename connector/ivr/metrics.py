"""Prometheus metrics of the room-phone services."""

from __future__ import annotations

from prometheus_client import REGISTRY, CollectorRegistry, Counter


class IvrMetrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        reg = registry if registry is not None else REGISTRY
        self.calls = Counter(
            "connector_ivr_calls", "Calls to the room-phone services, by service and outcome.",
            ["service", "outcome"], registry=reg,
        )
        self.unknown_callers = Counter(
            "connector_ivr_unknown_callers",
            "Calls to the room-phone services from numbers that are no guest room's extension.",
            registry=reg,
        )
        self.statuses = Counter(
            "connector_housekeeping_statuses",
            "Housekeeping statuses recorded and reported, by status and source.",
            ["status", "source"], registry=reg,
        )
