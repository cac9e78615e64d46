"""`connector calls resolve`: settle a call's posting whose answer never came (`unknown`), once
someone has looked at the room's folio in the PMS. The posting is never sent again either
way: `--posted` (it is on the folio) makes it accepted, `--not-posted` makes it refused, to
be charged by hand if the hotel wants. Who did it, and when, is kept with the posting and
written to the log."""

from __future__ import annotations

import logging
import sys

import click

from connector.cli.common import settings_or_exit
from connector.clock import SystemClock
from connector.store import CallRecord, Store

log = logging.getLogger("connector.billing")


@click.command()
@click.argument("call_id", required=False)
@click.option("--p-number", "p_number", type=int, default=None,
              help="Name the call by its posting's P# instead of its call id.")
@click.option("--posted/--not-posted", "on_folio", default=None,
              help="What the folio shows: the charge is there, or it is not.")
@click.option("--by", "by", default="", help="Who checked the folio (kept with the posting).")
def resolve(call_id: str | None, p_number: int | None, on_folio: bool | None, by: str) -> None:
    """Settle the unknown posting of CALL_ID (or --p-number N) as found on the folio.
    Exits 2 when that call has no unknown posting."""
    if (call_id is None) == (p_number is None):
        raise click.UsageError("name the call by CALL_ID or by --p-number, not both")
    if on_folio is None:
        raise click.UsageError("say what the folio shows: --posted or --not-posted")
    if not by:
        raise click.UsageError("say who checked the folio with --by NAME")
    settings = settings_or_exit()
    with Store(settings.store.path) as store:
        found = _find(store, call_id, p_number)
        if found is None:
            click.echo("No such call.")
            sys.exit(2)
        at = SystemClock().now()
        words = "on the folio" if on_folio else "not on the folio"
        settled = store.resolve_call_posting(
            found.call.call_id, on_folio=on_folio,
            note=f"resolved by {by} at {at.isoformat(timespec='seconds')}: {words}")
        if settled is None:
            click.echo(f"Call {found.call.call_id} has no unknown posting (it is {found.state}).")
            sys.exit(2)
    log.warning("unknown call posting resolved by hand", extra={
        "call_id": settled.call.call_id, "room": settled.room, "p_number": settled.p_number,
        "on_folio": on_folio, "by": by})
    click.echo(f"Call {settled.call.call_id} (room {settled.room}, P#{settled.p_number}): "
               f"{words}; it is now {settled.state}.")


def _find(store: Store, call_id: str | None, p_number: int | None) -> CallRecord | None:
    if call_id is not None:
        return store.call(call_id)
    assert p_number is not None
    return store.call_by_p_number(p_number)
