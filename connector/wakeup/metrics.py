"""Prometheus metrics for wake-up calls."""

from __future__ import annotations

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram


class WakeupMetrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        reg = registry if registry is not None else REGISTRY
        self.calls = Counter(
            "connector_wakeup_calls", "Wake-up tries, by outcome.", ["outcome"], registry=reg
        )
        self.lateness = Histogram(
            "connector_wakeup_lateness_seconds",
            "From a try's due time until its dial ended (a free line found, then the room "
            "rung until it answered or the ring time ran out).",
            buckets=(1, 5, 10, 20, 30, 45, 60, 90, 120, 300, 600, 1800),
            registry=reg,
        )
        self.escalations = Counter(
            "connector_wakeup_escalations",
            "Wake-ups handed to the front desk, by alert kind.", ["kind"], registry=reg,
        )
        self.operator_calls = Counter(
            "connector_wakeup_operator_calls",
            "Calls telling the operator about an alert, by outcome.", ["outcome"], registry=reg,
        )
        self.open_alerts = Gauge(
            "connector_wakeup_alerts_open", "Front-desk alerts not yet acknowledged.",
            registry=reg,
        )
        self.pending = Gauge(
            "connector_wakeup_jobs_pending", "Wake-ups waiting for their next try or in a call.",
            registry=reg,
        )
