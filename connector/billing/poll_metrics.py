"""Prometheus metrics of the call-history poll: what it listed, what it spent of its Heavy
share, and how far behind its watermark is (an alert fires on that age, not on a count)."""

from __future__ import annotations

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge


class PollMetrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        reg = registry if registry is not None else REGISTRY
        self.runs = Counter(
            "connector_call_poll_runs",
            "Listings of Zoom's call history, by outcome (done: listed up to now; failed: "
            "Zoom could not be read, tried again later; budget: the day's Heavy share ran out).",
            ["outcome"], registry=reg,
        )
        self.pages = Counter(
            "connector_call_poll_pages",
            "Pages of GET /phone/call_history fetched (one Heavy call each).", registry=reg,
        )
        self.rows = Counter(
            "connector_call_poll_rows",
            "Call-history rows handed to the call intake, by what it made of them (new: a "
            "call no webhook had brought; invalid: a row that could not be read).",
            ["result"], registry=reg,
        )
        self.restarts = Counter(
            "connector_call_poll_listing_restarts",
            "Listings started again from their first page because Zoom's page token expired.",
            registry=reg,
        )
        self.heavy_used = Gauge(
            "connector_call_poll_heavy_used_today",
            "Heavy calls the poll made today (UTC day).", registry=reg,
        )
        self.heavy_share = Gauge(
            "connector_call_poll_heavy_share_per_day",
            "Heavy calls a day the poll may make (CONNECTOR_BILLING__POLL_DAILY_HEAVY_SHARE "
            "of the plan's daily budget).", registry=reg,
        )
        self.waiting_for_budget = Gauge(
            "connector_call_poll_waiting_for_budget",
            "1 while the poll waits for the next UTC day because its Heavy share is spent.",
            registry=reg,
        )
        self.watermark_age = Gauge(
            "connector_call_poll_watermark_age_seconds",
            "Seconds since the end of the call history listed in full (grows past the poll "
            "interval when the poll falls behind).", registry=reg,
        )
