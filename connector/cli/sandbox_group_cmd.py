"""`connector sandbox-group N`: the Zoom emulator playing one account of N hotels, for trying a
hotel group (one Redis, a connector per hotel) on one machine. It prints each hotel's settings
and serves until stopped; it runs no connector itself."""

from __future__ import annotations

import asyncio
import contextlib
import shlex
import signal
import sys
import tempfile
from pathlib import Path

import click

from connector.cli import main
from connector.sandbox import Sandbox, SandboxConfig
from connector.sandbox.group import MAX_HOTELS
from connector.sandbox.server import SandboxServer
from connector.settings.model import Plan


def group_banner(sandbox: Sandbox, directory: Path, redis_url: str) -> str:
    """What the IT person needs: where the account is, and each hotel's environment (its room
    map is written under `directory`/<hotel id>/)."""
    lines = [
        f"Zoom sandbox running: one {sandbox.config.plan.value} account, "
        f"{len(sandbox.hotels)} hotels (a Zoom site each); its rate limits are the account's, "
        "whichever hotel calls.",
        f"  OAuth host: {sandbox.oauth_url}/oauth/token",
        f"  Admin API (clock, faults, limits, log): {sandbox.api_url}/_sandbox",
    ]
    if sandbox.config.foreign_share:
        lines.append(f"  Another app spends {sandbox.config.foreign_share:.0%} of every "
                     "category of the account.")
    lines.append("\nStart Redis first (e.g. redis-server --bind 127.0.0.1 --port 6379 "
                 "--save '' --appendonly no), then one connector per hotel with:")
    for hotel in sandbox.hotels:
        home = directory / hotel.hotel_id
        home.mkdir(parents=True, exist_ok=True)
        room_map = hotel.write_room_map(home / "rooms.csv")
        env = sandbox.hotel_environment(hotel, str(room_map), redis_url,
                                        str(home / "connector.sqlite3"))
        floors = f"floor {hotel.floors[0]}" if len(hotel.floors) == 1 else (
            f"floors {hotel.floors[0]}-{hotel.floors[-1]}")
        lines.append(f"\n# {hotel.name} ({hotel.hotel_id}): {len(hotel.rooms)} rooms, {floors}")
        lines += [f"export {k}={shlex.quote(v)}" for k, v in env.items()]
    return "\n".join(lines)


async def _serve(server: SandboxServer, directory: Path, redis_url: str, check: bool) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    async with server:
        click.echo(group_banner(server.sandbox, directory, redis_url))
        if not check:
            click.echo("\nPress Ctrl-C to stop.")
            await stop.wait()


@main.command("sandbox-group")
@click.argument("hotels", type=click.IntRange(1, MAX_HOTELS))
@click.option("--plan", type=click.Choice([p.value for p in Plan]), default="business",
              show_default=True, help="Which rate-limit table applies to the account.")
@click.option("--floors", type=click.IntRange(1, MAX_HOTELS), default=None,
              help="Floors of the building shared out between the hotels "
                   "(default: 8, or one per hotel for more than 8).")
@click.option("--foreign-share", type=click.FloatRange(0, 1, max_open=True), default=0.0,
              show_default=True, help="Share of every category another app spends.")
@click.option("--redis-url", default="redis://127.0.0.1:6379/0", show_default=True,
              help="The group's Redis, printed in each hotel's settings.")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Where each hotel's room map is written (default: a "
                                 "temporary directory, removed at the end).")
@click.option("--oauth-port", type=int, default=0, show_default=True,
              help="Port of the OAuth host (0: any free port).")
@click.option("--api-port", type=int, default=0, show_default=True,
              help="Port of the API host (0: any free port).")
@click.option("--check", is_flag=True, help="Print the settings and exit.")
def sandbox_group(hotels: int, plan: str, floors: int | None, foreign_share: float,
                  redis_url: str, directory: Path | None, oauth_port: int, api_port: int,
                  check: bool) -> None:
    """Run a Zoom emulator of one account with HOTELS hotels on 127.0.0.1 and print each
    hotel's connector settings. Nothing leaves this machine. Stop it with Ctrl-C."""
    config = SandboxConfig(plan=Plan(plan), hotels=hotels, floors=floors or max(8, hotels),
                           foreign_share=foreign_share)
    try:
        sandbox = Sandbox(config)
    except ValueError as error:
        raise click.UsageError(str(error)) from error
    server = SandboxServer(sandbox, oauth_port=oauth_port, api_port=api_port)
    with tempfile.TemporaryDirectory(prefix="zoom-sandbox-group-") as tmp:
        asyncio.run(_serve(server, directory or Path(tmp), redis_url, check))
    sys.exit(0)
