"""What one call costs the guest under the hotel's tariff (pure, no I/O).

Which class a call falls in, first match wins (docs/billing.md states the same):

1. an emergency number (Zoom said so, or phonenumbers knows it for the home region): free;
2. the class with the longest prefix the number starts with;
3. for a number of the home region, its type: national, mobile, premium, shared_cost or
   toll_free (a toll-free number with no class of its own is free);
4. for any other, `international/<country>`, then `international/<zone>` of its country or
   calling code, then `international`.

A number that falls in no class is not guessed: it gets `NoRate`, whose reason names the class
the hotel must add.

The amount, rounded once: the first `free_seconds` of a call are not charged (a call no longer
than them costs nothing at all); what is left is billed as the first increment, then whole
next increments; amount = connection fee + billed seconds x price per minute / 60 (or, where
the class marks up Zoom's carrier charge and it is known, connection fee + carrier charge x
(100 + markup) / 100), computed exactly, rounded to the minor unit by the tariff's rule (`up`
unless it says otherwise), then at least the minimum charge.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from connector.billing.classify import NON_GEOGRAPHIC, Destination, classify
from connector.billing.tariff import Rounding, Tariff, TariffClass


@dataclass(frozen=True)
class Rated:
    """A call's charge, in minor units of `currency`. An amount of 0 is not posted (a call
    that did not connect, an emergency or toll-free call, one within the free seconds)."""

    class_name: str
    amount_minor: int
    currency: str
    billed_seconds: int

    @property
    def chargeable(self) -> bool:
        return self.amount_minor > 0


@dataclass(frozen=True)
class NoRate:
    """The call cannot be rated; `reason` says why and which class the hotel must add."""

    reason: str


# Domestic number types and the class that prices them.
_KIND_OF_TYPE = {
    "FIXED_LINE": "national",
    "FIXED_LINE_OR_MOBILE": "national",  # NANP numbers: the digits do not tell
    "VOIP": "national",
    "UAN": "national",
    "VOICEMAIL": "national",
    "MOBILE": "mobile",
    "PAGER": "mobile",
    "PREMIUM_RATE": "premium",
    "PERSONAL_NUMBER": "premium",  # UK 070: priced like premium, often used to overcharge
    "SHARED_COST": "shared_cost",
    "TOLL_FREE": "toll_free",
}

# Toll-free numbers are paid for by whoever they ring: free unless the hotel prices them.
_FREE_TOLL_FREE = TariffClass("toll_free", (), 0, 1, 1, Decimal(0), 0, 0, None)


def rate_call(
    tariff: Tariff,
    dialled: str,
    talk_seconds: int,
    *,
    emergency: bool = False,
    carrier_charge_minor: int | Fraction | None = None,
) -> Rated | NoRate:
    """Rate a call from a room to `dialled` (E.164, or as dialled in the home region) that
    talked for `talk_seconds`. `carrier_charge_minor` is Zoom's carrier charge for the call
    in the tariff's currency, where known (exact: Zoom's amounts are finer than the minor
    unit)."""
    destination = classify(dialled, tariff.home_region)
    if emergency or destination.emergency:
        return Rated("emergency", 0, tariff.currency, 0)
    found = find_class(tariff, destination)
    if talk_seconds <= 0:
        name = found.name if isinstance(found, TariffClass) else "none"
        return Rated(name, 0, tariff.currency, 0)
    if isinstance(found, NoRate):
        return found
    return charge(tariff, found, talk_seconds, carrier_charge_minor)


def find_class(tariff: Tariff, destination: Destination) -> TariffClass | NoRate:
    """The class that prices calls to `destination` (see the module's precedence)."""
    if destination.e164 is not None:
        by_prefix = tariff.by_prefix(destination.e164)
        if by_prefix is not None:
            return by_prefix
    if not destination.valid:
        return NoRate(
            f"{destination.shown} is not a valid number dialled from {tariff.home_region}: "
            "add its prefix to a class's prefixes if the hotel charges for it")
    if destination.domestic:
        kind = _KIND_OF_TYPE.get(destination.number_type)
        if kind is None:
            return NoRate(f"no tariff class for {destination.shown}, a number of type "
                          f"{destination.number_type}: add its prefix to a class's prefixes")
        if kind in tariff.classes:
            return tariff.classes[kind]
        if kind == "toll_free":
            return _FREE_TOLL_FREE
        return NoRate(f"no tariff class for {destination.shown}, a "
                      f"{kind.replace('_', '-')} number in {tariff.home_region}: "
                      f"add the class `{kind}`")
    return _international(tariff, destination)


def _international(tariff: Tariff, destination: Destination) -> TariffClass | NoRate:
    region = destination.region or ""
    calling_code = f"+{destination.calling_code}"
    zone = tariff.zone_of.get(region) or tariff.zone_of.get(calling_code)
    names = [f"international/{region}"] if region != NON_GEOGRAPHIC else []
    names += [f"international/{zone}"] if zone else []
    for name in [*names, "international"]:
        if name in tariff.classes:
            return tariff.classes[name]
    where = (f"zone {zone!r}" if zone
             else f"{region}" if region != NON_GEOGRAPHIC
             else f"the non-geographic code {calling_code}")
    wanted = " or ".join(f"`{name}`" for name in [*names, "international"])
    return NoRate(f"no tariff class for {destination.shown}, an international number in "
                  f"{where}: add {wanted}")


def charge(
    tariff: Tariff, tariff_class: TariffClass, talk_seconds: int,
    carrier_charge_minor: int | Fraction | None = None,
) -> Rated | NoRate:
    """The amount for `talk_seconds` of talk in `tariff_class` (see the module's rule)."""
    chargeable = talk_seconds - tariff_class.free_seconds
    if chargeable <= 0:
        return Rated(tariff_class.name, 0, tariff.currency, 0)
    billed = billed_seconds(chargeable, tariff_class.first_increment,
                            tariff_class.next_increment)
    markup = tariff_class.carrier_markup_percent
    if markup is not None and carrier_charge_minor is not None:
        usage = Fraction(carrier_charge_minor) * (100 + Fraction(markup)) / 100
    elif tariff_class.per_minute_minor is not None:
        usage = Fraction(tariff_class.per_minute_minor) * billed / 60
    else:
        return NoRate(f"class {tariff_class.name!r} charges Zoom's carrier charge plus "
                      f"{markup}%, which is not known for this call yet")
    amount = _rounded(tariff_class.connection_fee_minor + usage, tariff.rounding)
    amount = max(amount, tariff_class.minimum_charge_minor)
    return Rated(tariff_class.name, amount, tariff.currency, billed)


def billed_seconds(seconds: int, first: int, following: int) -> int:
    """`seconds` as billed: the first increment whole, then whole next increments."""
    if seconds <= first:
        return first
    return first - (first - seconds) // following * following


def _rounded(exact: Fraction, rounding: Rounding) -> int:
    """Rounded to a whole minor unit, once."""
    match rounding:
        case "up":
            return math.ceil(exact)
        case "down":
            return math.floor(exact)
        case "half_up":
            return math.floor(exact + Fraction(1, 2))
