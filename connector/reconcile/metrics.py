"""Prometheus metrics for convergence."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

from connector.reconcile.backlog import Backlog
from connector.store import StoreError

log = logging.getLogger("connector.reconcile")

# Backlog gauges: name → (help, the Backlog field). Read from the store at each scrape, so
# they are true after a restart and cost nothing per event.
BACKLOG_GAUGES: dict[str, tuple[str, str]] = {
    "connector_rooms_waiting": (
        "Rooms whose PMS changes Zoom does not have yet and that the connector is still "
        "working on (given-up and unmapped rooms are counted apart).", "waiting"),
    "connector_rooms_failed": (
        "Rooms whose last attempt to update Zoom failed and that will be tried again.",
        "failed"),
    "connector_rooms_given_up": (
        "Rooms the connector stopped trying until a new PMS event for them or a full pass.",
        "given_up"),
    "connector_oldest_unapplied_event_seconds": (
        "Age of the oldest stored PMS event whose room changes Zoom has not confirmed yet "
        "(0: none waits), given-up and unmapped rooms apart.", "oldest_unapplied_seconds"),
}


class ReconcileMetrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        reg = registry if registry is not None else REGISTRY
        self.registry = reg
        self.changes = Counter(
            "connector_room_changes", "Changes made in Zoom, by kind.", ["change"], registry=reg
        )
        self.failures = Counter(
            "connector_room_failures", "Room passes that failed, by whether it was the last try.",
            ["final"], registry=reg,
        )
        # Apart from the failures: a room map to fix, not a Zoom to wait for.
        self.unmapped_rooms = Gauge(
            "connector_rooms_unmapped",
            "Rooms with PMS activity that are not in the room map (nothing is sent to Zoom).",
            registry=reg,
        )
        self.lag = Histogram(
            "connector_reconcile_lag_seconds",
            "From a room becoming dirty to the end of each attempt to update Zoom for it, by "
            "outcome (applied: Zoom confirmed; failed: the attempt failed).",
            ["outcome"],
            buckets=(0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600),
            registry=reg,
        )

    def watch(self, read: Callable[[], Backlog]) -> None:
        """Serve the backlog gauges, computed by `read` at each scrape."""
        self.registry.register(_BacklogCollector(read))


class _BacklogCollector(Collector):
    def __init__(self, read: Callable[[], Backlog]) -> None:
        self._read = read

    def describe(self) -> Iterator[Metric]:
        for name, (text, _field) in BACKLOG_GAUGES.items():
            yield GaugeMetricFamily(name, text)

    def collect(self) -> Iterator[Metric]:
        try:
            now = self._read()
        except StoreError as error:
            # Missing gauges show as absent in Prometheus; a failed scrape would hide the rest.
            log.warning("backlog gauges not read: %s", error)
            return
        for name, (text, field) in BACKLOG_GAUGES.items():
            yield GaugeMetricFamily(name, text, value=float(getattr(now, field)))
