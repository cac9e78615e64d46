"""`connector erase` and `connector export`: one stay's personal data erased at once, or
written out as JSON, on a guest's request (docs/privacy.md). Both read the local store only.

Exit codes: 0 done (an erasure with nothing left to erase included), 1 refused (a stay still
in house without --force; a stay the store does not know), 2 the command line or settings
name no single stay."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from connector.cli import main
from connector.cli.common import settings_or_exit, shell_user
from connector.store import Store, StoreError
from connector.store.erasure import StayFound


def _which_stay(func: click.decorators.FC) -> click.decorators.FC:
    func = click.option("--on", "day", type=click.DateTime(["%Y-%m-%d"]), default=None,
                        help="With --room: a day of the stay (hotel time, YYYY-MM-DD).")(func)
    func = click.option("--room", default=None,
                        help="The room of a stay (with --on), for a PMS without reservation "
                        "numbers.")(func)
    return click.option("--reservation", default=None, help="The stay's reservation.")(func)


@main.command()
@_which_stay
@click.option("--force", is_flag=True,
              help="Erase a stay still in house (its stored copies; the room keeps the name "
              "until check-out).")
def erase(reservation: str | None, room: str | None, day: datetime | None,
          force: bool) -> None:
    """Erase one stay's personal data now: guests' names, titles, VIP text and language in
    every stored PMS event, and the numbers its room dialled (charges and P#s stay). Says
    what it erased; running it again erases nothing more."""
    settings = settings_or_exit()
    tz = ZoneInfo(settings.hotel.timezone)
    try:
        with Store(settings.store.path) as store:
            stay = _one_stay(store, reservation, room, day, tz)
            if stay.in_house and not force:
                label = _label(stay, tz)
                click.echo(f"{label[0].upper()}{label[1:]} is still in house: the room phone "
                           "shows the guest's name and the PMS sends it again with every "
                           "change. Check the guest out first, or add --force to erase the "
                           "stored copies "
                           "now (the room keeps the name until check-out).", err=True)
                sys.exit(1)
            erased = store.erase_stay(stay, by=shell_user(),
                                      why="on request (connector erase"
                                      f"{' --force' if force else ''})")
    except StoreError as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    if erased.total == 0:
        click.echo(f"Nothing left to erase of {_label(stay, tz)}.")
        return
    click.echo(f"Erased the personal data of {_label(stay, tz)}:")
    for line in erased.lines():
        click.echo(f"  {line}")
    if erased.postings_waiting:
        click.echo(f"{erased.postings_waiting} posting(s) still wait for the PMS's answer and "
                   "keep the dialled number until it comes (FIAS sends it); the first daily "
                   "erasure after the answer blanks it.")


@main.command()
@_which_stay
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the JSON to this file (default: standard output).")
def export(reservation: str | None, room: str | None, day: datetime | None,
           out: Path | None) -> None:
    """Write everything the store holds about one stay as JSON: the stay's time in each
    room, its PMS events with their bodies, what each did, wake-ups, alerts, calls and
    charges, reports to the PMS and the changes made in Zoom (times in UTC)."""
    settings = settings_or_exit()
    tz = ZoneInfo(settings.hotel.timezone)
    try:
        with Store(settings.store.path) as store:
            data = store.export_stay(_one_stay(store, reservation, room, day, tz))
    except StoreError as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    if not data["events"] and not data["stays"]:
        click.echo("The store holds nothing about that stay.", err=True)
        sys.exit(1)
    text = json.dumps(data, indent=2, ensure_ascii=False)
    if out is None:
        click.echo(text)
        return
    out.write_text(text + "\n", encoding="utf-8")
    click.echo(f"Wrote {out}.", err=True)


def _one_stay(store: Store, reservation: str | None, room: str | None,
              day: datetime | None, tz: tzinfo) -> StayFound:
    if (reservation is None) == (room is None) or (room is None) != (day is None):
        click.echo("Name one stay: --reservation R, or --room N --on YYYY-MM-DD.", err=True)
        sys.exit(2)
    if reservation is not None:
        return store.stay_of_reservation(reservation)
    assert room is not None and day is not None
    start = datetime.combine(day.date(), time(), tz)
    found = store.stays_on_day(room, start, datetime.combine(day.date() + timedelta(days=1),
                                                             time(), tz))
    if len(found) == 1:
        return found[0]
    if not found:
        click.echo(f"No stay in room {room} on {_day(day.date())} is known to this "
                   "connector.", err=True)
        sys.exit(1)
    click.echo(f"Room {room} had {len(found)} stays on {_day(day.date())}; name one by "
               "--reservation:", err=True)
    for stay in found:
        click.echo(f"  {_label(stay, tz)}", err=True)
    sys.exit(2)


def _label(stay: StayFound, tz: tzinfo) -> str:
    name = (f"reservation {stay.reservation}" if stay.reservation is not None
            else "the room's stay")
    spans = [f"room {span.room} {_when(span.since, tz)} to "
             f"{'now' if span.until is None else _when(span.until, tz)}" for span in stay.spans]
    return f"{name} ({'; '.join(spans)})" if spans else name


def _when(moment: datetime, tz: tzinfo) -> str:
    if moment.year == 1:  # a stay in house when stays began to be kept (schema v6)
        return "(before stays were kept)"
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _day(day: date) -> str:
    return day.isoformat()
