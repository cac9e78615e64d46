"""Cloudbeds' PMS API v1.3 as a cloud PMS door (`connector.pms.cloud`).

Import-light: `build` imports the adapter (httpx, the translators) only when called, which
the connector does only when CONNECTOR_PMS__KIND is cloudbeds.
"""

from __future__ import annotations

from datetime import tzinfo
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry

    from connector.clock import Clock
    from connector.pms.cloud.contract import CloudPms
    from connector.settings import Settings


def build(settings: Settings, *, tz: tzinfo, clock: Clock,
          registry: CollectorRegistry) -> CloudPms:
    """The Cloudbeds adapter of the hotel's settings (`BuildAdapter`)."""
    from connector.pms.cloudbeds.adapter import CloudbedsPms

    return CloudbedsPms(settings.cloudbeds, tz=tz, clock=clock, registry=registry)


__all__ = ["build"]
