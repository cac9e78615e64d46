"""`connector serve`."""

from __future__ import annotations

import asyncio
import sys

import click

from connector.cli import main
from connector.cli.common import settings_or_exit
from connector.pms.reporter_channels import ReporterSetupError
from connector.rooms.room_map import RoomMapError
from connector.serve.runner import serve as run_service
from connector.store.errors import StoreError
from connector.zoom.errors import ZoomError


@main.command()
def serve() -> None:
    """Run the connector: webhooks, the FIAS link, and Zoom kept in step, until SIGTERM.

    Start-up fails fast, with one line per problem, on bad settings (exit 2) or when Zoom or
    the store refuse (exit 1). `kill -USR1` flips debug logging while running."""
    settings = settings_or_exit()
    try:
        asyncio.run(run_service(settings))
    except (RoomMapError, ReporterSetupError) as error:
        click.echo(str(error), err=True)
        sys.exit(2)
    except (ZoomError, StoreError) as error:
        click.echo(f"The connector cannot start: {error}", err=True)
        click.echo("`connector doctor` checks the Zoom side step by step.", err=True)
        sys.exit(1)
