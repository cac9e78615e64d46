"""Prometheus metrics for call accounting: what became of each call Zoom told of, and how
many calls stand in each state now (read from the store at scrape time)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping

from prometheus_client import REGISTRY, CollectorRegistry, Counter
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from connector.store import CallState, StoreError

log = logging.getLogger("connector.billing")


class CallMetrics:
    """`connector_calls_total{outcome}`: seen (a new call), duplicate, updated, and where the
    pipeline left each call (not_chargeable, not_a_room, vacant, late, no_rate,
    waiting_charge (held as no_rate until Zoom's carrier charge is read), rated, posted).
    `connector_calls_in_state{state}`: calls now new, no_rate, late, posted
    (waiting for the PMS's answer) or unknown (sent, no answer: check the folio)."""

    def __init__(self, registry: CollectorRegistry | None = None, *,
                 counts: Callable[[], Mapping[CallState, int]] | None = None) -> None:
        reg = registry if registry is not None else REGISTRY
        self.calls = Counter("connector_calls", "Calls from Zoom, by what became of them.",
                             ["outcome"], registry=reg)
        if counts is not None:
            reg.register(_States(counts))


class _States(Collector):
    def __init__(self, counts: Callable[[], Mapping[CallState, int]]) -> None:
        self._counts = counts

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily("connector_calls_in_state",
                                   "Calls that may need someone, by state now.",
                                   labels=["state"])
        try:
            counts = self._counts()
        except StoreError as error:
            log.warning("call counts not read for the metrics: %s", error)
            return
        for state, count in counts.items():
            family.add_metric([state], count)
        yield family
