"""`connector account-intake` and `connector account-worker`: a hotel group's account-wide
parts (docs/account-worker.md)."""

from __future__ import annotations

import asyncio
import sys

import click

from connector.account.run import AccountSetupError, run_worker, serve_intake
from connector.cli import main
from connector.cli.common import settings_or_exit
from connector.zoom.errors import ZoomError


@main.command("account-intake")
def account_intake() -> None:
    """Take every Zoom event of the account and forward each to its hotel's connector.

    Stateless: run as many replicas as wanted behind the Zoom app's one URL."""
    settings = settings_or_exit()
    try:
        asyncio.run(serve_intake(settings))
    except AccountSetupError as error:
        click.echo(str(error), err=True)
        sys.exit(2)


@main.command("account-worker")
def account_worker() -> None:
    """Lead the account's Heavy work (voicemail listing, call-history poll) when elected.

    Any number of replicas: one leads, the others wait to take over."""
    settings = settings_or_exit()
    try:
        asyncio.run(run_worker(settings))
    except AccountSetupError as error:
        click.echo(str(error), err=True)
        sys.exit(2)
    except ZoomError as error:
        click.echo(f"The account worker cannot start: {error}", err=True)
        sys.exit(1)
