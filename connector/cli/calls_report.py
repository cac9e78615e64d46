"""`connector calls report`: a stay's call report, as CSV or XLSX, for the front desk to hand
the guest. The stay is named by its reservation, or (a PMS that keys guests by room) by its
room: the room's last stay. Exits 0 when written, 1 when the stay has no charged call
(nothing written) or the file cannot be written, 2 when the stay is not known or cannot be
reported."""

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
from connector.store import CallRecord, StaySpan, Store

_WRITERS = {"csv": write_csv, "xlsx": write_xlsx}
# Enough for any stay; the listing's limit is for the whole hotel.
_STAY_CALLS = 100_000


@click.command()
@click.option("--reservation", default=None, help="The stay's reservation number.")
@click.option("--room", default=None,
              help="Only the calls from this room (a guest who moved, or sharers' rooms); "
              "alone, the room's last stay, for a PMS that keys guests by room.")
@click.option("--format", "file_format", type=click.Choice(sorted(_WRITERS)), default=None,
              help="csv or xlsx (default: from the name given to --out).")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The file to write (replaced if it exists).")
def report(reservation: str | None, room: str | None, file_format: str | None,
           out: Path) -> None:
    """Write a stay's call report: hotel, room, stay dates, each charged call (hotel time,
    number, mm:ss, destination, amount) and the total."""
    file_format = file_format or out.suffix.lstrip(".").lower()
    if file_format not in _WRITERS:
        raise click.UsageError("say --format csv or --format xlsx (or name the file .csv or "
                               ".xlsx)")
    if reservation is None and room is None:
        raise click.UsageError("name the stay with --reservation R (or, for a PMS that keys "
                               "guests by room, --room N)")
    settings = settings_or_exit()
    tz = ZoneInfo(settings.hotel.timezone)
    tariff = hotel_tariff(settings)
    with Store(settings.store.path) as store:
        if reservation is None:
            assert room is not None
            spans, calls = _rooms_own_stay(store, room)
        else:
            spans, calls = _reservations_stay(store, reservation, room)
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
    stay = f"reservation {reservation}" if reservation else f"room {room}'s last stay"
    left_out = Counter(state for _, state in made.left_out)
    if left_out:
        kinds = ", ".join(f"{state}: {count}" for state, count in sorted(left_out.items()))
        click.echo(f"{sum(left_out.values())} call(s) of this stay are not charged, so not on "
                   f"the report ({kinds}): `connector calls "
                   f"{f'--reservation {reservation}' if reservation else f'--room {room}'}` "
                   "shows them.", err=True)
    if not made.lines:
        click.echo(f"No charged call in the stay ({stay}, {where}): no report written.")
        sys.exit(1)
    try:
        _WRITERS[file_format](made, out)
    except OSError as error:
        click.echo(f"Cannot write {out}: {error}", err=True)
        sys.exit(1)
    click.echo(f"Wrote {out}: {stay}, {where}, {len(made.lines)} call(s), "
               f"total {made.amount(made.total_minor)} {made.currency}.")
    if made.awaiting_folio:
        click.echo(f"{made.awaiting_folio} of them the PMS has not yet confirmed on the folio "
                   "(waiting for its answer, or unknown: `connector calls --unknown`).",
                   err=True)


def _reservations_stay(store: Store, reservation: str,
                       room: str | None) -> tuple[list[StaySpan], list[CallRecord]]:
    """The reservation's spans and calls (of `room` only, if given); exits 2 when the
    reservation is not known, or was never in `room`."""
    spans = store.stay_spans(reservation)
    calls = store.calls(reservation=reservation, limit=_STAY_CALLS)
    if not spans and not calls:
        click.echo(f"No stay with reservation {reservation} is known here. Check the number "
                   "on the PMS's folio; `connector calls --room N` lists a room's calls with "
                   "their reservations (stays are known from their check-in on this "
                   "connector).", err=True)
        sys.exit(2)
    if room is None:
        return spans, calls
    rooms = list(dict.fromkeys([*(s.room for s in spans), *(c.room or "" for c in calls)]))
    if room not in rooms:
        click.echo(f"Reservation {reservation} was never in room {room} (it was in "
                   f"{', '.join(r for r in rooms if r)}).", err=True)
        sys.exit(2)
    return [s for s in spans if s.room == room], [c for c in calls if c.room == room]


def _rooms_own_stay(store: Store, room: str) -> tuple[list[StaySpan], list[CallRecord]]:
    """The room's last stay and its calls, for a PMS that keys guests by room (no
    reservation numbers); exits 2 when the room has had no stay, or its stays have
    reservation numbers (then one must be named)."""
    last = store.last_stay_in(room)
    if last is None:
        click.echo(f"Room {room} has had no stay known here (stays are known from their "
                   "check-in on this connector).", err=True)
        sys.exit(2)
    if last.reservation is not None:
        click.echo(f"Room {room}'s stays have reservation numbers (the last: "
                   f"{last.reservation}): name one with --reservation.", err=True)
        sys.exit(2)
    calls = [c for c in store.calls(room=room, limit=_STAY_CALLS)
             if c.reservation is None and last.since <= c.call.start_time
             and (last.until is None or c.call.start_time < last.until)]
    return [last], calls
