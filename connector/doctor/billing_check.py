"""The doctor's line for the call-history poll: how often, what share of the Heavy budget, what
the hotel's size needs of it, and whether the Zoom app may list call history at all (and, for
a tariff that marks up Zoom's carrier charge, read Zoom's call charges report)."""

from __future__ import annotations

from connector.billing.poll_plan import (
    EXPECTED_CALLS_PER_ROOM_PER_DAY,
    daily_share,
    pages_per_day,
)
from connector.billing.tariff import TariffError, load_tariff
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
    marks_up = _marks_up(settings)
    if marks_up:
        # The charges report after each listing: a page per 100 waiting calls, at least one.
        needed += -(-1440 // billing.poll_interval_minutes)
    listing, charges = endpoint("list_account_call_history"), endpoint("get_call_charges")
    details = [
        f"share: {billing.poll_daily_heavy_share:g} of the {plan.value} plan's "
        f"{daily_budget(Family.PHONE, plan):,} Heavy calls a day = {share} calls "
        "(CONNECTOR_BILLING__POLL_DAILY_HEAVY_SHARE)",
        f"needs about {needed} a day for {rooms} rooms at {EXPECTED_CALLS_PER_ROOM_PER_DAY} "
        "outside calls a room a day (one page per listing, more past 300 calls)",
    ]
    if marks_up:
        details.append("the tariff marks up Zoom's carrier charge: Zoom's call charges report "
                       "is read after each listing, from the same share (counted above)")
    problems = []
    if not scopes.allows(listing):
        problems.append(f"the Zoom app lacks {listing.admin_scope}: calls whose webhook is "
                        "lost are not found (add it: app → Scopes)")
    if marks_up and not scopes.allows(charges):
        problems.append(f"the Zoom app lacks {charges.admin_scope}: calls in tariff classes "
                        "that mark up Zoom's charge are priced by per_minute or held as no "
                        "rate after CONNECTOR_BILLING__CARRIER_CHARGE_WAIT_HOURS (add it: "
                        "app → Scopes)")
    if needed > share:
        problems.append(f"a busy day needs more than the share: raise the share or "
                        f"CONNECTOR_BILLING__POLL_INTERVAL_MINUTES; past {share} calls the "
                        "poll waits for 00:00 UTC")
    summary = (f"call history listed every {billing.poll_interval_minutes} min, up to "
               f"{share} Heavy calls a day, about {needed} needed")
    report.add(NAME, Status.WARN if problems else Status.OK, summary, problems + details)


def _marks_up(settings: Settings) -> bool:
    """Whether the hotel's tariff has a class that marks up Zoom's charge (a tariff that
    cannot be read is the `Calls` line's to report)."""
    path = settings.billing.tariff_file
    if path is None:
        return False
    try:
        tariff = load_tariff(path)
    except (TariffError, OSError):
        return False
    return any(c.carrier_markup_percent is not None for c in tariff.classes.values())
