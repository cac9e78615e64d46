"""Amounts as people read them: integer minor units shown in major units, with as many
decimals as the currency has minor units (EUR 1250 is "12.50", JPY 1250 is "1250").

The number of decimals is the hotel's tariff's (`Tariff.minor_units`: ISO 4217's exponent,
or the PMS's own count where the tariff overrides it), since the amounts were rated and
posted in those units; ISO 4217 is the fallback only for a currency the tariff no longer
has (a call rated before the hotel changed its currency)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from connector.billing.tariff import Tariff


def minor_units_of(currency: str, tariff: Tariff | None) -> int:
    """How many decimals `currency`'s amounts were kept with."""
    if tariff is not None and tariff.currency == currency:
        return tariff.minor_units
    # Imported here: ISO 4217's table costs ~1.4 MB of RSS, and `connector serve` reaches
    # this module through the audit trail even in a hotel without call accounting.
    from iso4217 import Currency

    try:
        exponent = Currency(currency).exponent
    except ValueError:
        exponent = None
    # A code ISO 4217 does not know (or one with no minor unit) is shown as kept.
    return exponent or 0


def major(amount_minor: int, minor_units: int) -> Decimal:
    """The exact amount in major units, with exactly `minor_units` decimals."""
    return Decimal(amount_minor).scaleb(-minor_units)


def format_major(amount_minor: int, minor_units: int) -> str:
    """"12.50" (no currency, no thousands separator: a CSV cell and a table both read it)."""
    return f"{major(amount_minor, minor_units):f}"
