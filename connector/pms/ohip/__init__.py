"""OPERA Cloud through the Oracle Hospitality Integration Platform (OHIP): the cloud door's
adapter. Import-light: the client and its libraries load only when `build` is called."""

from __future__ import annotations

from datetime import tzinfo
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry

    from connector.clock import Clock
    from connector.pms.ohip.adapter import OhipPms
    from connector.settings import Settings


def build(settings: Settings, *, tz: tzinfo, clock: Clock,
          registry: CollectorRegistry) -> OhipPms:
    """The hotel's OHIP adapter from the settings. Call charges are posted in the tariff's
    currency (`CONNECTOR_BILLING__TARIFF_FILE`); without a tariff they are not posted."""
    from connector.billing.tariff import load_tariff
    from connector.pms.ohip.adapter import OhipPms
    from connector.pms.ohip.client import OhipClient

    tariff_file = settings.billing.tariff_file
    currency = None
    if tariff_file is not None:
        tariff = load_tariff(tariff_file)
        currency = (tariff.currency, tariff.minor_units)
    client = OhipClient(settings.ohip, clock=clock)
    return OhipPms(settings.ohip, client, tz=tz, clock=clock, currency=currency)


if TYPE_CHECKING:
    from connector.pms.cloud.contract import BuildAdapter

    _is_a_build_adapter: BuildAdapter = build  # mypy checks the signature


__all__ = ["build"]
