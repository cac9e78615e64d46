"""The hotel's tariff as `connector calls` needs it: only to show amounts with the decimals
they were rated in. A tariff that cannot be read does not stop a listing: amounts then
fall back to ISO 4217's decimals, and the command says so."""

from __future__ import annotations

import click

from connector.billing.tariff import Tariff, TariffError, load_tariff
from connector.settings import Settings


def hotel_tariff(settings: Settings) -> Tariff | None:
    """The tariff named by CONNECTOR_BILLING__TARIFF_FILE, or None (none named, or one that
    cannot be read: a note on stderr says which)."""
    path = settings.billing.tariff_file
    if path is None:
        return None
    try:
        return load_tariff(path)
    except (TariffError, OSError) as error:
        click.echo(f"Note: the tariff cannot be read ({error}); amounts are shown with "
                   "ISO 4217's decimals.", err=True)
        return None
