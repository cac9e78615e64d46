"""The doctor's line for the call-history poll: how often, what share of the Heavy budget, what
the hotel's size needs of it, and whether the Zoom app may list call history at all."""

from __future__ import annotations

from connector.billing.poll_plan import (
    EXPECTED_CALLS_PER_ROOM_PER_DAY,
    daily_share,
    pages_per_day,
)
from connector.settings import Settings
from connector.zoom.catalogue import Family, endpoint
from connector.zoom.rate_tables import daily_budget
from connector.zoom.scopes import ScopeReport

from .report import DoctorReport, Status

# Short: the report pads every name to the longest one (tests read its columns).
NAME = "Call poll"


def check_call_history_poll(
    settings: Settings, scopes: ScopeReport, rooms: int, report: DoctorReport
) -> None:
    """WARN when the scope is missing or a busy day would need more than the poll's share."""
    billing, plan = settings.billing, settings.zoom.plan
    share = daily_share(plan, billing.poll_daily_heavy_share)
    calls = rooms * EXPECTED_CALLS_PER_ROOM_PER_DAY
    needed = pages_per_day(calls, billing.poll_interval_minutes)
    listing = endpoint("list_account_call_history")
    details = [
        f"share: {billing.poll_daily_heavy_share:g} of the {plan.value} plan's "
        f"{daily_budget(Family.PHONE, plan):,} Heavy calls a day = {share} calls "
        "(CONNECTOR_BILLING__POLL_DAILY_HEAVY_SHARE)",
        f"needs about {needed} a day for {rooms} rooms at {EXPECTED_CALLS_PER_ROOM_PER_DAY} "
        "outside calls a room a day (one page per listing, more past 300 calls)",
    ]
    problems = []
    if not scopes.allows(listing):
        problems.append(f"the Zoom app lacks {listing.admin_scope}: calls whose webhook is "
                        "lost are not found (add it: app → Scopes)")
    if needed > share:
        problems.append(f"a busy day needs more than the share: raise the share or "
                        f"CONNECTOR_BILLING__POLL_INTERVAL_MINUTES; past {share} calls the "
                        "poll waits for 00:00 UTC")
    summary = (f"call history listed every {billing.poll_interval_minutes} min, up to "
               f"{share} Heavy calls a day, about {needed} needed")
    report.add(NAME, Status.WARN if problems else Status.OK, summary, problems + details)
