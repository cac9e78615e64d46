"""`connector calls`: call accounting from the local store: the calls and their charges by
room or stay, the ones needing attention, and (`report`) a stay's call report for the guest."""

from __future__ import annotations

import json
from functools import partial
from zoneinfo import ZoneInfo

import click

from connector.billing.money import minor_units_of
from connector.cli import main
from connector.cli.calls_list import ATTENTION, as_json, table, total_lines, totals, wanted
from connector.cli.calls_report import report
from connector.cli.calls_resolve import resolve
from connector.cli.calls_tariff import hotel_tariff
from connector.cli.common import settings_or_exit
from connector.store import CallState, Store


@main.group(invoke_without_command=True)
@click.option("--room", default=None, help="Only the calls from this room.")
@click.option("--reservation", default=None, help="Only the calls of this stay.")
@click.option("--unposted", is_flag=True,
              help="Calls to charge that are on no folio: waiting, late, no rate, refused, "
              "not postable.")
@click.option("--unknown", is_flag=True,
              help="Calls whose posting got no answer (settle with `calls resolve`).")
@click.option("--no-rate", "no_rate", is_flag=True, help="Calls no tariff class matched.")
@click.option("--late", is_flag=True, help="Calls whose record came too late to post.")
@click.option("--json", "as_json_flag", is_flag=True, help="JSON for scripts.")
@click.option("--limit", default=1000, show_default=True, type=click.IntRange(min=1),
              help="At most this many calls, oldest first.")
@click.pass_context
def calls(ctx: click.Context, room: str | None, reservation: str | None, unposted: bool,
          unknown: bool, no_rate: bool, late: bool, as_json_flag: bool, limit: int) -> None:
    """Calls from the room phones and their charges (hotel time, amounts in the tariff's
    currency), with each stay's total. The attention filters add up (--late --no-rate: both)."""
    if ctx.invoked_subcommand is not None:
        return
    settings = settings_or_exit()
    tz = ZoneInfo(settings.hotel.timezone)
    asked = {"unposted": unposted, "unknown": unknown, "no_rate": no_rate, "late": late}
    states: list[CallState] | None = None
    if any(asked.values()):
        states = list(dict.fromkeys(s for name, on in asked.items() if on
                                    for s in ATTENTION[name]))
    with Store(settings.store.path) as store:
        found = store.calls(room=room, reservation=reservation, states=states, limit=limit)
    records = wanted(found, unposted)
    decimals = partial(minor_units_of, tariff=hotel_tariff(settings))
    if as_json_flag:
        click.echo(json.dumps(as_json(records, tz, decimals), indent=2))
        return
    if not records:
        click.echo("No calls.")
        return
    click.echo(f"{len(records)} call(s), times in {tz.key}:")
    for line in table(records, tz, decimals):
        click.echo(line)
    stays = totals(records)
    if stays:
        click.echo("\nTotals per stay (charged: on the folio or on its way):")
        for line in total_lines(stays, decimals):
            click.echo(line)
    if len(found) == limit:
        click.echo(f"\nOnly the first {limit} calls are shown: narrow with --room, "
                   "--reservation, or raise --limit.", err=True)


calls.add_command(resolve)
calls.add_command(report)
