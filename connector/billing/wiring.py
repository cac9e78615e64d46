"""Call accounting in `connector serve`: on only when the hotel has a tariff and Zoom's
webhook secret token (without the token Zoom's calls cannot be proven to come from Zoom);
otherwise no call is taken, and the log says which is missing."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from prometheus_client import CollectorRegistry

from connector.billing.intake import CallIntake
from connector.billing.metrics import CallMetrics
from connector.billing.pipeline import CallPipeline, Rater
from connector.billing.webhook import CALLER_HISTORY_COMPLETED, CallHistoryHandler
from connector.clock import Clock
from connector.pms.reporter import Reporter
from connector.service import Connector
from connector.settings import Settings
from connector.web.routes_zoom import ZoomHandler

log = logging.getLogger("connector.billing")


@dataclass(frozen=True)
class Billing:
    """Call accounting, open: the intake both doors hand calls to, and Zoom's handlers."""

    intake: CallIntake
    pipeline: CallPipeline
    handlers: dict[str, ZoomHandler]


def missing(settings: Settings) -> list[str]:
    """What call accounting still needs, as the settings to set (empty: it is on)."""
    needs = []
    if settings.billing.tariff_file is None:
        needs.append("CONNECTOR_BILLING__TARIFF_FILE (the hotel's tariff)")
    if settings.zoom.webhook_secret_token is None:
        needs.append("CONNECTOR_ZOOM__WEBHOOK_SECRET_TOKEN (Zoom's call-history webhooks)")
    return needs


def open_billing(settings: Settings, connector: Connector, reporter: Reporter,
                 rate: Rater | None, *, clock: Clock, registry: CollectorRegistry,
                 on_late_webhook: Callable[[], None] | None = None) -> Billing | None:
    """Call accounting for `connector serve`, rating with `rate` (the hotel's tariff, loaded
    from CONNECTOR_BILLING__TARIFF_FILE); None, and a line in the log, when it is off.
    `on_late_webhook`: called when a call-history webhook comes late (a Zoom retry).
    Calls kept but not settled before a restart are settled now, and calls held for want of
    a rate are rated again with the tariff as it is now."""
    needs = missing(settings)
    if needs:
        log.warning("call accounting is off: no call is taken or posted; set %s",
                    " and ".join(needs))
        return None
    if rate is None:
        log.warning("call accounting is off: no call is taken or posted; the tariff is not "
                    "loaded")
        return None
    store = connector.store
    metrics = CallMetrics(registry, counts=store.count_open_calls)
    pipeline = CallPipeline(store, connector.room_map, reporter, rate, clock=clock,
                            late_window=timedelta(hours=settings.billing.late_posting_hours),
                            metrics=metrics)
    intake = CallIntake(store, pipeline, metrics)
    # The tariff is read at start: calls it could not rate before are rated with it now.
    rerated = store.reopen_calls(["no_rate"])
    settled = pipeline.settle_new()
    log.info("call accounting is on", extra={
        "late_posting_hours": settings.billing.late_posting_hours,
        "calls_settled_at_start": settled, "no_rate_calls_rated_again": rerated})
    handler = CallHistoryHandler(intake, clock=clock, on_late=on_late_webhook)
    return Billing(intake, pipeline, {CALLER_HISTORY_COMPLETED: handler})
