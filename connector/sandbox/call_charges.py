"""Zoom's carrier charge for a recorded call, as `GET /phone/reports/call_charges` reports it.
Pure logic.

Zoom's prices are its own and not published per destination; the emulator charges a
plausible per-minute rate by destination (every started minute counts, Zoom's `per_min`
mode), so a tariff class with a markup over the carrier's charge has something to mark up.
Amounts are decimal strings in US dollars, as Zoom sends them (`rate` "0.0205").
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from connector.sandbox.calls import HOME_COUNTRY
from connector.sandbox.state import CallRecord
from connector.sandbox.views import iso

CURRENCY = "USD"
_DOMESTIC = Decimal("0.0205")  # the rate in Zoom's own example
_BY_COUNTRY = {"CA": Decimal("0.0205"), "GB": Decimal("0.0290"), "FR": Decimal("0.0350"),
               "DE": Decimal("0.0330"), "MX": Decimal("0.0600"), "JP": Decimal("0.0700")}
_ELSEWHERE = Decimal("0.1000")
_PREMIUM = Decimal("0.9900")
_TOLL_FREE_AREAS = ("800", "833", "844", "855", "866", "877", "888")


def charged(call: CallRecord) -> bool:
    """Whether the report has a row for the call: an answered outside call from a phone."""
    return (call.direction == "outbound" and call.connect_type == "external"
            and call.result == "answered")


def _kind(call: CallRecord) -> tuple[str, str | None, Decimal]:
    """(Zoom's `call_type`, the billing number type if the emulator can tell, the rate)."""
    number = call.callee_number
    if call.call_type == "emergency":
        return "local", None, Decimal(0)
    if number.startswith("+1") and number[2:5] in _TOLL_FREE_AREAS:
        return "tollfree", "toll_free", Decimal(0)
    if number.startswith("+1900"):
        return "local", "premium_rate", _PREMIUM
    country = call.callee_country_iso_code
    if country == HOME_COUNTRY:
        return "local", None, _DOMESTIC
    return "international", None, _BY_COUNTRY.get(country, _ELSEWHERE)


def total(call: CallRecord) -> Decimal:
    """What Zoom charges the account for the call: the rate for every started minute."""
    return _kind(call)[2] * math.ceil(call.duration / 60)


def charge_row(call: CallRecord) -> dict[str, Any]:
    """One row of the report's `call_charges`."""
    call_type, number_type, rate = _kind(call)
    row: dict[str, Any] = {
        "charge_id": f"{call.start_time:%Y%m%d}-{call.id}", "call_id": call.call_id,
        "direction": call.direction, "caller_number": call.caller_number,
        "callee_number": call.callee_number, "callee_billing_number": call.callee_number,
        "call_type": call_type, "service_type": "call",
        "start_time": iso(call.start_time), "end_time": iso(call.end_time),
        "duration": math.ceil(call.duration / 60), "charge_mode": "per_min",
        "rate": f"{rate:.4f}", "currency": CURRENCY, "total_charge": f"{total(call):.4f}",
    }
    if call.answer_time is not None:
        row["answer_time"] = iso(call.answer_time)
    if number_type is not None:
        row["callee_billing_number_type"] = number_type
    return row
