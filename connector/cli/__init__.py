"""The `connector` command line."""

from __future__ import annotations

import importlib

import click

from connector import __version__

# Command → the module that defines it. A module is imported only when its command runs (or
# help lists it): `connector serve` must not pay for the sandbox, the doctor or the demo day
# (tens of MB of imports in a process that lives for months).
_COMMANDS = {
    "account-intake": "account_cmd",
    "account-worker": "account_cmd",
    "audit": "audit_cmd",
    "calls": "calls_cmd",
    "cloudbeds": "cloudbeds_cmd",
    "doctor": "doctor_cmd",
    "erase": "privacy_cmd",
    "export": "privacy_cmd",
    "plan": "rooms_cmd",
    "sandbox": "sandbox_cmd",
    "sandbox-group": "sandbox_group_cmd",
    "serve": "serve_cmd",
    "staff": "staff_cmd",
    "status": "rooms_cmd",
    "sync": "rooms_cmd",
    "wakeups": "wakeups_cmd",
}


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(_COMMANDS) | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = _COMMANDS.get(cmd_name)
        if module is not None and cmd_name not in self.commands:
            # The module registers its commands on `main` when imported.
            importlib.import_module(f"connector.cli.{module}")
        return super().get_command(ctx, cmd_name)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="connector")
def main() -> None:
    """Zoom Phone hospitality connector: PMS events in, Zoom room state out."""
