"""`connector cloudbeds unsubscribe`: remove the connector's webhook subscriptions from
Cloudbeds, for a hotel leaving the connector or Cloudbeds. The service subscribes them again
whenever it starts, so stop it first."""

from __future__ import annotations

import asyncio
import sys
from zoneinfo import ZoneInfo

import click
from prometheus_client import CollectorRegistry

from connector.cli import main
from connector.clock import SystemClock
from connector.pms.cloud.contract import PmsRefused, PmsUnavailable
from connector.settings import Settings, SettingsError, load_settings


async def unsubscribe(settings: Settings) -> int:
    """Remove every webhook subscription of the connector (any address or secret it had);
    how many there were. Raises PmsUnavailable or PmsRefused."""
    from connector.pms.cloud.limiter import SlidingWindowLimiter
    from connector.pms.cloudbeds.adapter import DOCTOR_REQUESTS_PER_SECOND, CloudbedsPms

    clock = SystemClock()
    adapter = CloudbedsPms(settings.cloudbeds, tz=ZoneInfo(settings.hotel.timezone),
                           clock=clock, registry=CollectorRegistry())
    # Beside a service still running on the same key: the doctor's headroom.
    adapter.client.limiter = SlidingWindowLimiter(DOCTOR_REQUESTS_PER_SECOND, clock=clock)
    try:
        return await adapter.unsubscribe_all()
    finally:
        await adapter.close()


@main.group()
def cloudbeds() -> None:
    """Cloudbeds, for a hotel with CONNECTOR_PMS__KIND=cloudbeds (docs/pms-cloudbeds.md)."""


@cloudbeds.command("unsubscribe")
def unsubscribe_cmd() -> None:
    """Remove the connector's webhook subscriptions from Cloudbeds (other applications'
    stay). Stop the service first: it subscribes them again when it starts."""
    try:
        settings = load_settings()
    except SettingsError as error:
        click.echo(str(error), err=True)
        sys.exit(2)
    try:
        removed = asyncio.run(unsubscribe(settings))
    except (PmsUnavailable, PmsRefused) as error:
        click.echo(f"Cloudbeds did not let the subscriptions go: {error}", err=True)
        sys.exit(1)
    click.echo(f"Removed {removed} webhook subscription(s) of the connector from Cloudbeds "
               f"property {settings.cloudbeds.property_id}.")
