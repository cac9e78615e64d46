"""Zoom's carrier charge for a call, for the tariff classes that mark it up (pure).

A call in such a class is held, "waiting for Zoom's charge", until `GET /phone/reports/
call_charges` has a row for it; its charge is then the sum of its rows (a call may be billed
in parts). Zoom gives amounts as decimal strings ("0.0410") in its billing currency; they are
kept exact (never floats) and never converted: a charge in another currency than the
tariff's holds the call with that reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

# The start of the reason a call waiting for its charge is held with: how the charge reader
# finds the calls it must ask Zoom about (they are `no_rate` until the charge comes).
WAITING = "waiting for Zoom's carrier charge"


@dataclass(frozen=True)
class CarrierCharge:
    """What Zoom charged the account for one call: `amount` in major units of `currency`."""

    amount: Decimal
    currency: str

    def minor_units(self, exponent: int) -> Fraction:
        """The amount in minor units (exact: Zoom's rates are finer than a cent)."""
        scale: int = 10 ** exponent
        return Fraction(self.amount) * scale


@dataclass(frozen=True)
class NoCharge:
    """Zoom's charge for the call did not come in time: `reason` says how long was waited."""

    reason: str


def waiting_reason(class_name: str, markup: Decimal) -> str:
    return (f"{WAITING} (class {class_name!r} charges it plus {markup}%): rated once Zoom's "
            "call charges report lists the call")


def is_waiting(reason: str | None) -> bool:
    """Whether a held call's reason says it waits for Zoom's charge."""
    return reason is not None and reason.startswith(WAITING)


class ChargeRowInvalid(ValueError):
    """A row of the call charges report that cannot be read."""


def charges_by_call(rows: Iterable[Mapping[str, Any]]) -> dict[str, CarrierCharge]:
    """The report's rows as one charge per call id (rows of one call summed). A call billed
    in two currencies is left out: its charge cannot be told in one. ChargeRowInvalid for a
    row without a call id, a currency or a decimal `total_charge`."""
    totals: dict[str, CarrierCharge | None] = {}
    for row in rows:
        call_id, currency = row.get("call_id"), row.get("currency")
        if not isinstance(call_id, str) or not call_id:
            raise ChargeRowInvalid("a call charge row without a call_id")
        if not isinstance(currency, str) or not currency.strip():
            raise ChargeRowInvalid(f"the call charge of {call_id} names no currency")
        try:
            amount = Decimal(str(row.get("total_charge")))
        except InvalidOperation:
            raise ChargeRowInvalid(f"the call charge of {call_id} is not a decimal amount: "
                                   f"{str(row.get('total_charge'))[:20]!r}") from None
        if not amount.is_finite() or amount < 0:
            raise ChargeRowInvalid(f"the call charge of {call_id} is not an amount: {amount}")
        charge = CarrierCharge(amount, currency.strip().upper())
        if call_id not in totals:
            totals[call_id] = charge
            continue
        seen = totals[call_id]
        totals[call_id] = (None if seen is None or seen.currency != charge.currency
                           else CarrierCharge(seen.amount + charge.amount, seen.currency))
    return {call_id: charge for call_id, charge in totals.items() if charge is not None}
