"""The cloud door's Prometheus metrics (one vendor per process, so the gauges carry none)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Gauge

from connector.clock import Clock


class DoorMetrics:
    """Counters by vendor and outcome; gauges read the door's state at each scrape."""

    def __init__(self, registry: CollectorRegistry, vendor: str, *, clock: Clock,
                 pending: Callable[[], int],
                 last_notice_at: Callable[[], datetime | None]) -> None:
        notices = Counter(
            "connector_cloud_pms_notices",
            "Cloud PMS notices, by vendor and outcome: received (new), duplicate (a key "
            "already stored), applied (its events ingested), failed (the PMS refused them).",
            ["vendor", "outcome"], registry=registry)
        self.received = notices.labels(vendor, "received")
        self.duplicate = notices.labels(vendor, "duplicate")
        self.applied = notices.labels(vendor, "applied")
        self.failed = notices.labels(vendor, "failed")
        self.unavailable = Counter(
            "connector_cloud_pms_unavailable",
            "Times the cloud PMS could not be reached or was busy (a notice or a resync waits).",
            ["vendor"], registry=registry).labels(vendor)
        resyncs = Counter("connector_cloud_pms_resyncs",
                          "Resyncs from the cloud PMS's in-house list, by outcome.",
                          ["vendor", "outcome"], registry=registry)
        self.resynced = resyncs.labels(vendor, "done")
        self.resync_failed = resyncs.labels(vendor, "failed")
        self.last_resync = Gauge("connector_cloud_pms_last_resync_timestamp_seconds",
                                 "When the last resync was ingested (Unix time; 0: none yet).",
                                 registry=registry)
        Gauge("connector_cloud_pms_notices_pending",
              "Cloud PMS notices stored and not yet applied.",
              registry=registry).set_function(lambda: float(pending()))

        def age() -> float:
            last = last_notice_at()
            return -1.0 if last is None else (clock.now() - last).total_seconds()

        Gauge("connector_cloud_pms_last_notice_age_seconds",
              "Seconds since the cloud PMS's last notice was received (-1: none yet).",
              registry=registry).set_function(age)
