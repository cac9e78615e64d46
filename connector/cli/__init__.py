"""The `connector` command line."""

from __future__ import annotations

import click

from connector import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="connector")
def main() -> None:
    """Zoom Phone hospitality connector: PMS events in, Zoom room state out."""


# Commands register themselves on `main` when imported.
from connector.cli import doctor_cmd as doctor_cmd  # noqa: E402
from connector.cli import rooms_cmd as rooms_cmd  # noqa: E402
from connector.cli import sandbox_cmd as sandbox_cmd  # noqa: E402
from connector.cli import serve_cmd as serve_cmd  # noqa: E402
from connector.cli import wakeups_cmd as wakeups_cmd  # noqa: E402
