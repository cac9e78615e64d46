"""`connector calls`: call accounting from the local store."""

from __future__ import annotations

from connector.cli import main
from connector.cli.calls_resolve import resolve


@main.group()
def calls() -> None:
    """Calls from the room phones and their charges."""


calls.add_command(resolve)
