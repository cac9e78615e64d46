"""`connector staff`: the front-desk console's accounts (add, list, remove, password).

Passwords are typed twice at a prompt (never on the command line, where `ps` and the shell
history would keep them), or read from standard input with --password-stdin (scripts)."""

from __future__ import annotations

import sys
from typing import cast

import click

from connector.cli import main
from connector.cli.common import settings_or_exit, shell_user
from connector.store import Store
from connector.store.staff import ROLES, Role
from connector.web.console.passwords import WeakPassword, check_strength, hash_password

_FROM_STDIN = click.option("--password-stdin", is_flag=True,
                           help="Read the password from the first line of standard input.")


@main.group()
def staff() -> None:
    """Front-desk console accounts (the console is on once one exists)."""


@staff.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True,
              help="desk: the front desk's pages; admin: also the IT person's.")
@_FROM_STDIN
def add(name: str, role: str, password_stdin: bool) -> None:
    """Create an account; its password is asked for (at least 12 characters)."""
    _check_name(name)
    password = _new_password(name, password_stdin)
    with Store(settings_or_exit().store.path) as store:
        if not store.staff.add(name, cast(Role, role), hash_password(password)):
            click.echo(f"There is already an account named {name}; "
                       f"`connector staff password {name}` changes its password.", err=True)
            sys.exit(1)
        store.staff.audit(shell_user(), "staff account added", detail=f"{name} ({role})")
    click.echo(f"Account {name} ({role}) created. Sign in at /console.")


@staff.command("list")
def listing() -> None:
    """Every account, its role and when its password was last set."""
    with Store(settings_or_exit().store.path) as store:
        accounts = store.staff.accounts()
    if not accounts:
        click.echo("No staff account: the console is off. Create one with "
                   "`connector staff add NAME --role admin`.")
        return
    for account in accounts:
        click.echo(f"{account.name}\t{account.role}\tpassword set "
                   f"{account.password_changed_at:%Y-%m-%d %H:%M} UTC")


@staff.command("remove")
@click.argument("name")
def remove(name: str) -> None:
    """Remove an account; its sessions end at once (its audit trail stays)."""
    with Store(settings_or_exit().store.path) as store:
        if not store.staff.remove(name):
            click.echo(f"There is no account named {name} (`connector staff list`).", err=True)
            sys.exit(1)
        store.staff.audit(shell_user(), "staff account removed", detail=name)
    click.echo(f"Account {name} removed; its sessions are ended.")


@staff.command("password")
@click.argument("name")
@_FROM_STDIN
def password(name: str, password_stdin: bool) -> None:
    """Set a new password; the account is signed out everywhere."""
    new = _new_password(name, password_stdin)
    with Store(settings_or_exit().store.path) as store:
        if not store.staff.set_password(name, hash_password(new)):
            click.echo(f"There is no account named {name} (`connector staff list`).", err=True)
            sys.exit(1)
        store.staff.audit(shell_user(), "password changed", detail=name)
    click.echo(f"Password of {name} changed; its sessions are ended.")


def _check_name(name: str) -> None:
    if not (1 <= len(name) <= 64) or not name.isprintable() or name != name.strip():
        raise click.BadParameter("use 1 to 64 printable characters, no leading or trailing "
                                 "space", param_hint="NAME")


def _new_password(name: str, from_stdin: bool) -> str:
    if from_stdin:
        new = sys.stdin.readline().rstrip("\r\n")
    else:
        new = click.prompt("Password", hide_input=True, confirmation_prompt="Again")
    try:
        check_strength(name, new)
    except WeakPassword as weak:
        click.echo(str(weak), err=True)
        sys.exit(2)
    return new
