"""`connector doctor`."""

from __future__ import annotations

import asyncio
import json
import sys

import click

from connector.cli import main
from connector.doctor import run_doctor
from connector.settings import SettingsError, load_settings


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--show-names", is_flag=True,
              help="Show current Zoom names in the report (they may be guests' names).")
def doctor(as_json: bool, show_names: bool) -> None:
    """Check the settings, the Zoom credentials, scopes, region and the room directory.

    Exits 0 when the connector can run (warnings allowed), 1 when something blocks it,
    2 when the settings themselves are invalid."""
    try:
        settings = load_settings()
    except SettingsError as error:
        click.echo(str(error), err=True)
        click.echo("See .env.example for every variable and its meaning.", err=True)
        sys.exit(2)
    report = asyncio.run(run_doctor(settings, show_names=show_names))
    click.echo(json.dumps(report.as_dict(), indent=2) if as_json else report.render())
    sys.exit(1 if report.blocking else 0)
