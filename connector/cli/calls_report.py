"""`connector calls report`: a stay's call report, as CSV or XLSX, for the front desk to hand
the guest. Exits 0 when written, 1 when the stay has no charged call (nothing written) or
the file cannot be written, 2 when the reservation is not known or cannot be reported."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from connector.billing.guest_report import ReportError, build_report, on_the_bill
from connector.billing.money import minor_units_of
from connector.billing.report_files import write_csv, write_xlsx
from connector.cli.calls_tariff import hotel_tariff
from connector.cli.common import settings_or_exit
from connector.store import Store

_WRITERS = {"csv": write_csv, "xlsx": write_xlsx}
# Enough for any stay; the listing's limit is for the whole hotel.
_STAY_CALLS = 100_000


@click.command()
@click.option("--reservation", required=True, help="The stay's reservation number.")
@click.option("--room", default=None,
              help="Only the calls from this room (a guest who moved, or sharers' rooms).")
@click.option("--format", "file_format", type=click.Choice(sorted(_WRITERS)), default=None,
              help="csv or xlsx (default: from the name given to --out).")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The file to write (replaced if it exists).")
def report(reservation: str, room: str | None, file_format: str | None, out: Path) -> None:
    """Write the call report of the stay RESERVATION: hotel, room, stay dates, each charged
    call (hotel time, number, mm:ss, destination, amount) and the total."""
    file_format = file_format or out.suffix.lstrip(".").lower()
    if file_format not in _WRITERS:
        raise click.UsageError("say --format csv or --format xlsx (or name the file .csv or "
                               ".xlsx)")
    settings = settings_or_exit()
    tz = ZoneInfo(settings.hotel.timezone)
    tariff = hotel_tariff(settings)
    with Store(settings.store.path) as store:
        spans = store.stay_spans(reservation)
        calls = store.calls(reservation=reservation, limit=_STAY_CALLS)
    if not spans and not calls:
        click.echo(f"No stay with reservation {reservation} is known here. Check the number "
                   "on the PMS's folio; `connector calls --room N` lists a room's calls with "
                   "their reservations (stays are known from their check-in on this "
                   "connector).", err=True)
        sys.exit(2)
    if room is not None:
        rooms = list(dict.fromkeys([*(s.room for s in spans), *(c.room or "" for c in calls)]))
        if room not in rooms:
            click.echo(f"Reservation {reservation} was never in room {room} (it was in "
                       f"{', '.join(r for r in rooms if r)}).", err=True)
            sys.exit(2)
        spans = [s for s in spans if s.room == room]
        calls = [c for c in calls if c.room == room]
    billed = [c for c in calls if on_the_bill(c) and c.rating is not None]
    currency = tariff.currency if tariff else (billed[0].rating.currency if billed
                                               and billed[0].rating else "")
    try:
        made = build_report(calls, spans, reservation=reservation, tz=tz, zone=tz.key,
                            hotel=settings.hotel.name, currency=currency,
                            minor_units=minor_units_of(currency, tariff))
    except ReportError as error:
        click.echo(f"No report: {error}.", err=True)
        sys.exit(2)
    where = f"room {', '.join(made.rooms)}" if made.rooms else "no room"
    left_out = Counter(state for _, state in made.left_out)
    if left_out:
        kinds = ", ".join(f"{state}: {count}" for state, count in sorted(left_out.items()))
        click.echo(f"{sum(left_out.values())} call(s) of this stay are not charged, so not on "
                   f"the report ({kinds}): `connector calls --reservation {reservation}` "
                   "shows them.", err=True)
    if not made.lines:
        click.echo(f"Reservation {reservation} ({where}) has no charged call: no report "
                   "written.")
        sys.exit(1)
    try:
        _WRITERS[file_format](made, out)
    except OSError as error:
        click.echo(f"Cannot write {out}: {error}", err=True)
        sys.exit(1)
    click.echo(f"Wrote {out}: reservation {reservation}, {where}, {len(made.lines)} call(s), "
               f"total {made.amount(made.total_minor)} {made.currency}.")
    if made.awaiting_folio:
        click.echo(f"{made.awaiting_folio} of them the PMS has not yet confirmed on the folio "
                   "(waiting for its answer, or unknown: `connector calls --unknown`).",
                   err=True)
