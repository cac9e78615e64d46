"""`connector audit ROOM`: every change the connector made or was asked to make for a room,
oldest first, from the local store, in words without guest names."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import click

from connector.cli import main
from connector.cli.common import settings_or_exit
from connector.hotel_time import hotel_time
from connector.rooms.room_map import RoomMapError
from connector.settings import RoomSettings
from connector.settings.rooms_source import load_room_map
from connector.store import Store
from connector.store.audit import AuditEntry, AuditSource
from connector.store.audit_sources import DEFAULT_SOURCES

# What the trail is read from; more sources (staff actions, erasures) join this list.
AUDIT_SOURCES: tuple[AuditSource, ...] = DEFAULT_SOURCES


@main.command()
@click.argument("room")
@click.option("--since", type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]),
              default=None, help="Only from this date (and time), in the hotel's time zone.")
@click.option("--json", "as_json", is_flag=True, help="One JSON document instead of lines.")
def audit(room: str, since: datetime | None, as_json: bool) -> None:
    """Every change made or asked for in ROOM (PMS events, room-phone codes, Zoom changes and
    why, wake-ups, reports to the PMS, calls, alerts, staff actions, erasures of guests'
    data), oldest first, without guest names."""
    settings = settings_or_exit()
    tz = ZoneInfo(settings.hotel.timezone)
    start = None if since is None else since.replace(tzinfo=tz)
    extension = _extension(settings.rooms, room)
    with Store(settings.store.path) as store:
        entries = store.audit(room, since=start, tz=tz, sources=AUDIT_SOURCES)
    if as_json:
        click.echo(json.dumps({
            "room": room, "extension": extension,
            "since": None if start is None else start.isoformat(),
            "entries": [_as_json(entry) for entry in entries]}, indent=2))
        return
    where = f"room {room} (extension {extension or 'not in the room map'})"
    frm = "" if start is None else f" since {hotel_time(start, tz)}"
    if not entries:
        click.echo(f"Nothing kept for {where}{frm}.")
        return
    click.echo(f"{len(entries)} change(s) kept for {where}{frm}, oldest first "
               f"(times in {tz.key}):")
    for entry in entries:
        click.echo(f"  {hotel_time(entry.at, tz, seconds=True)}  {entry.by}: {entry.what}"
                   f" ({entry.why}) [{entry.ref}]")


def _extension(rooms_settings: RoomSettings, room: str) -> str | None:
    """The room's extension by the room map; the trail is shown even when the map is broken."""
    try:
        room_map = load_room_map(rooms_settings)
    except RoomMapError as error:
        click.echo(str(error), err=True)
        return None
    return room_map.get(room)


def _as_json(entry: AuditEntry) -> dict[str, str]:
    return {"at": entry.at.isoformat(), "kind": entry.kind, "by": entry.by,
            "what": entry.what, "why": entry.why, "ref": entry.ref}
