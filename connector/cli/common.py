"""What every command needs: settings or a clear exit, and the connector opened or a clear
exit. Exit codes: 2 bad settings or room map, 1 Zoom or store refused, 0 fine."""

from __future__ import annotations

import getpass
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import click
from prometheus_client import CollectorRegistry

from connector.logs import configure_logging
from connector.rooms.room_map import RoomMapError
from connector.service import Connector
from connector.settings import Settings, SettingsError, load_settings
from connector.store.errors import StoreError
from connector.zoom.errors import ZoomError


def shell_user() -> str:
    """Who acted from the shell, for the audit: the operating-system user."""
    try:
        return f"shell:{getpass.getuser()}"
    except (KeyError, OSError):
        return "shell"


def settings_or_exit() -> Settings:
    try:
        settings = load_settings()
    except SettingsError as error:
        click.echo(str(error), err=True)
        click.echo("See .env.example for every variable and its meaning.", err=True)
        sys.exit(2)
    configure_logging(settings.log)
    return settings


@asynccontextmanager
async def opened(settings: Settings) -> AsyncIterator[Connector]:
    try:
        # A command's metrics die with it; only the service exposes the global registry.
        connector = await Connector.open(settings, registry=CollectorRegistry())
    except RoomMapError as error:
        click.echo(str(error), err=True)
        sys.exit(2)
    except (ZoomError, StoreError) as error:
        click.echo(f"The connector cannot start: {error}", err=True)
        click.echo("`connector doctor` checks the Zoom side step by step.", err=True)
        sys.exit(1)
    try:
        yield connector
    finally:
        await connector.close()
