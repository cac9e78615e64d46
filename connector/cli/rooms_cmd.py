"""`connector plan`, `connector sync` and `connector status`: the rooms, by hand."""

from __future__ import annotations

import asyncio
import sys
from collections import Counter
from datetime import tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from connector.cli import main
from connector.cli.common import opened, settings_or_exit
from connector.cli.room_status import message_waiting_line, room_report
from connector.clock import SystemClock
from connector.hotel_time import hotel_time
from connector.pms.fias.resync_policy import RESYNC_REQUEST_KEY
from connector.pms.reporter_status import reporter_status
from connector.reconcile.reconciler import RoomOutcome
from connector.rooms import unmapped
from connector.rooms.changes import SetCommonAreaName, SetUserNames, describe
from connector.rooms.room_map import RoomMapError
from connector.service import Connector
from connector.settings import Settings
from connector.settings.cloud_pms import CLOUD_KINDS
from connector.settings.model import FiasMode
from connector.settings.rooms_source import load_room_map
from connector.store import Channel, Store


def _rooms(connector: Connector, wanted: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """The rooms to work on (those the PMS has told us about), and the others."""
    known = set(connector.store.all_rooms())
    candidates = list(wanted) or list(connector.room_map)
    return [r for r in candidates if r in known], [r for r in candidates if r not in known]


def _untouched(rooms: list[str]) -> None:
    if rooms:
        click.echo(f"{len(rooms)} room(s) the PMS has not told us about yet were left as they "
                   "are (a PMS resync brings them in): " + ", ".join(rooms[:20])
                   + (" …" if len(rooms) > 20 else ""))


@main.command()
@click.option("--room", "rooms", multiple=True, help="Only this room (repeatable).")
@click.option("--show-names", is_flag=True, help="Show the names it would set (guest data).")
def plan(rooms: tuple[str, ...], show_names: bool) -> None:
    """Show, room by room, what a full pass would change in Zoom, without changing anything."""
    settings = settings_or_exit()

    async def run() -> int:
        async with opened(settings) as connector:
            todo, untouched = _rooms(connector, rooms)
            kinds: Counter[str] = Counter()
            for room in todo:
                target, the_plan, problem = await connector.reconciler.plan_room(
                    room, as_full_pass=True)
                if problem:
                    click.echo(f"room {room}: cannot plan: {problem}")
                    continue
                assert target is not None
                if not the_plan.changes:
                    continue
                lines = []
                for change in the_plan.changes:
                    kinds[type(change).__name__] += 1
                    text = describe(change, connector.tz)
                    if show_names and isinstance(change, SetUserNames | SetCommonAreaName):
                        text += f" to {change.display_name!r}"
                    lines.append(text)
                click.echo(f"room {room} (extension {target.extension}, "
                           f"{target.kind.replace('_', ' ')}): " + "; ".join(lines))
            total = sum(kinds.values())
            click.echo(f"\n{total} change(s) in {len(todo)} room(s) checked"
                       + (": " + ", ".join(f"{n} {k}" for k, n in kinds.items()) if total else
                          "; Zoom already matches."))
            _untouched(untouched)
        return 0

    sys.exit(asyncio.run(run()))


@main.command()
@click.option("--room", "rooms", multiple=True, help="Only this room (repeatable).")
@click.option("--deep", is_flag=True,
              help="Also read every room's outbound rules back from Zoom (2 calls a room).")
@click.option("--pms", is_flag=True,
              help="Instead: ask the PMS for every in-house guest (FIAS DR, or a cloud "
                   "PMS's in-house list), through the running service.")
def sync(rooms: tuple[str, ...], deep: bool, pms: bool) -> None:
    """A full pass: repair in Zoom whatever differs from what the PMS said (hand edits in
    the Zoom portal, rooms that had given up). Exits 1 if any room still failed.

    With --pms: leave a resync request for the running service, which sends DR on its FIAS
    link as soon as the link is up, or reads a cloud PMS's in-house list. Exits 1 if the
    hotel has neither a FIAS link nor a cloud PMS."""
    settings = settings_or_exit()
    if pms:
        sys.exit(_request_pms_resync(settings))

    async def run() -> int:
        async with opened(settings) as connector:
            todo, untouched = _rooms(connector, rooms)
            outcomes: list[RoomOutcome] = []
            with click.progressbar(length=len(todo), label="Rooms",
                                   show_pos=True, file=sys.stderr) as bar:
                def done(outcome: RoomOutcome) -> None:
                    outcomes.append(outcome)
                    bar.update(1)

                await connector.reconciler.full_pass(
                    todo, deep=deep, country=settings.hotel.country, on_room=done)
            changed = [o for o in outcomes if o.applied]
            failed = [o for o in outcomes if o.error]
            click.echo(f"{len(todo)} room(s) checked, {len(changed)} changed, "
                       f"{len(failed)} failed.")
            for outcome in failed:
                click.echo(f"  room {outcome.room}: {outcome.error}")
            outside = [o.room for o in outcomes if o.unmapped]
            if outside:
                click.echo(f"Configuration problem: {unmapped.describe(outside)}")
            _untouched(untouched)
            return 1 if failed else 0

    sys.exit(asyncio.run(run()))


def _request_pms_resync(settings: Settings) -> int:
    kind = settings.pms_kind()
    if kind in CLOUD_KINDS:
        with Store(settings.store.path) as store:
            store.set_meta(RESYNC_REQUEST_KEY, SystemClock().now().isoformat())
        click.echo(f"Resync requested; the running service will read the in-house list from "
                   f"{kind.value} within seconds (connector status shows the rooms).")
        return 0
    if settings.fias.mode is FiasMode.OFF:
        click.echo("No FIAS link is configured (CONNECTOR_FIAS__MODE is off): there is no "
                   "link to ask the PMS for a resync on.", err=True)
        return 1
    with Store(settings.store.path) as store:
        store.set_meta(RESYNC_REQUEST_KEY, SystemClock().now().isoformat())
    click.echo("DR requested; the running service will send it when the link is up.")
    return 0


@main.command()
@click.option("--journal", "journal_size", default=10, show_default=True,
              help="How many recent Zoom changes to list.")
@click.option("--room", default=None,
              help="One room: its recent PMS events, what they changed, and its state now.")
@click.option("--events", "event_count", default=20, show_default=True,
              help="With --room: how many of its recent PMS events to list.")
@click.option("--show-names", is_flag=True, help="With --room: the guests' names (guest data).")
def status(journal_size: int, room: str | None, event_count: int, show_names: bool) -> None:
    """What the store says: events, rooms waiting for Zoom, rooms that failed, rooms missing
    from the room map, recent changes; with --room, one room in detail. Times are the
    hotel's. Reads only the local store and the room map. Exits 1 if a room (the room) has
    given up in Zoom (a room missing from the map is a configuration problem, shown but not
    counted: it exits 0)."""
    settings = settings_or_exit()
    tz = ZoneInfo(settings.hotel.timezone)
    if room is not None:
        sys.exit(_room_status(settings.store.path, room, tz=tz, events=event_count,
                              show_names=show_names))
    with Store(settings.store.path) as store:
        counts = store.counts()
        outside = _outside_the_map(settings, store)
        failures = [f for f in store.failures() if f.room not in outside]
        failed = sum(1 for f in failures if f.final)
        click.echo(f"{counts.events} event(s) received; {counts.rooms} room(s) known; "
                   f"{counts.dirty - len(outside)} waiting for Zoom; {failed} failed"
                   + (f"; {len(outside)} not in the room map." if outside else "."))
        lag = store.lag()
        waited = [at for room, at in lag.waiting.items()
                  if at is not None and room not in outside and not lag.failing.get(room)]
        if waited:
            click.echo("The oldest PMS event Zoom does not have yet was received at "
                       f"{hotel_time(min(waited), tz, seconds=True)}.")
        click.echo(f"Store: {settings.store.path}")
        click.echo(message_waiting_line(store.all_rooms()))
        if outside:
            click.echo(f"\nConfiguration problem: {unmapped.describe(outside)}")
        if failures:
            click.echo("\nRooms not converged:")
            for failure in failures:
                state = "gave up until the next `connector sync`" if failure.final else (
                    "will retry")
                click.echo(f"  room {failure.room}: {failure.attempts} attempt(s), {state}, "
                           f"last at {hotel_time(failure.at, tz, seconds=True)}: "
                           f"{failure.error}")
        channel: Channel | None = (
            "fias" if settings.fias.mode is not FiasMode.OFF
            else "webhook" if settings.reporter.callback_url else None)
        problems = reporter_status(
            store, channel,
            night_audit_max_hours=settings.reporter.night_audit_max_hours).problems(tz)
        if problems:
            click.echo("\nReports to the PMS:")
            for problem in problems:
                click.echo(f"  {problem}")
        entries = store.journal_entries(limit=journal_size)
        if entries:
            click.echo("\nRecent changes in Zoom:")
            for entry in entries:
                cause = ", ".join(entry.event_ids) or "full pass"
                click.echo(f"  {hotel_time(entry.at, tz, seconds=True)} room {entry.room}: "
                           f"{entry.change} (events: {cause})")
        sys.exit(1 if failed else 0)


def _room_status(path: Path, room: str, *, tz: tzinfo, events: int, show_names: bool) -> int:
    """`status --room`: 1 if the room has given up, like plain `status`."""
    with Store(path) as store:
        state = store.room(room)
        failure = next((f for f in store.failures() if f.room == room), None)
        for line in room_report(room, state, store.room_events(room, events),
                                confirmed_version=store.confirmed_version(room),
                                failure=failure, tz=tz, show_names=show_names):
            click.echo(line)
    return 1 if failure is not None and failure.final else 0


def _outside_the_map(settings: Settings, store: Store) -> list[str]:
    """Rooms with PMS activity not yet in Zoom that the room map lacks (none when the map
    cannot be read: `connector doctor` says why)."""
    try:
        room_map = load_room_map(settings.rooms)
    except RoomMapError:
        return []
    return unmapped.unmapped_rooms(store.dirty_rooms(), room_map)
