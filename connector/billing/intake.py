"""The one door of calls into call accounting (`CallSink`): Zoom's webhook and the call-history
poll both hand their calls here. A call is kept on disk, keyed by Zoom's call id, before
`take` returns (so before the webhook's 200), then settled by the pipeline. A call seen
twice (a webhook retry, both doors, out of order) is one call: the second sight only fills
in what the first lacked, and a posted call is never posted again."""

from __future__ import annotations

import logging

from connector.billing.call import CallSource, ZoomCall
from connector.billing.metrics import CallMetrics
from connector.billing.pipeline import CallPipeline
from connector.store import Store, StoreError

log = logging.getLogger("connector.billing")


class CallIntake:
    """A `CallSink`: keep, then settle."""

    def __init__(self, store: Store, pipeline: CallPipeline, metrics: CallMetrics) -> None:
        self._store = store
        self._pipeline = pipeline
        self._metrics = metrics

    def take(self, call: ZoomCall, source: CallSource) -> str:
        """"new", "duplicate" or "updated" (see `Store.take_call`); the call is on disk.
        A call left new (settling failed on the store, or a crash) is settled at its next
        sight, or at the next start."""
        outcome = self._store.take_call(call, source)
        self._metrics.calls.labels("seen" if outcome == "new" else outcome).inc()
        try:
            self._pipeline.settle(call.call_id)
        except StoreError as error:
            log.error("call kept but not settled: the database failed; it is settled later",
                      extra={"call_id": call.call_id, "error": str(error)})
        return outcome
