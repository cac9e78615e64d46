"""The doctor's checks, in the order an IT person would fix things."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

from connector.clock import Clock, SystemClock
from connector.rooms import unmapped
from connector.rooms.room_map import RoomMap, RoomMapError
from connector.settings import Settings
from connector.settings.rooms_source import load_room_map
from connector.store import Store, StoreError
from connector.zoom.api import ZoomApi
from connector.zoom.catalogue import FEATURE_DESCRIPTIONS, Feature
from connector.zoom.client import DEFAULT_API_URL, ZoomClient
from connector.zoom.directory import Directory
from connector.zoom.errors import ZoomAuthError, ZoomError
from connector.zoom.metrics import ZoomMetrics
from connector.zoom.scopes import ScopeReport, evaluate_scopes

from .billing_check import NAME as CALL_HISTORY_POLL
from .billing_check import check_call_history_poll
from .calls_check import check_call_accounting
from .cloud_check import check_cloud_pms
from .fias_check import check_fias, check_fias_guest_key
from .phone_checks import check_prompts, check_sip_lines
from .report import DoctorReport, Status

if TYPE_CHECKING:
    from connector.pms.cloud.contract import CloudPms

# The checks that depend on a token; skipped when it cannot be had.
_AFTER_TOKEN = ("Region", "Scopes", "Features", CALL_HISTORY_POLL, "Directory", "Rooms", "Names",
                "SIP lines")


async def run_doctor(
    settings: Settings,
    *,
    clock: Clock | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    show_names: bool = False,
    cloud_pms: CloudPms | None = None,
) -> DoctorReport:
    """Run every check against the configured Zoom account and say what is wrong.
    `cloud_pms`: the cloud PMS adapter, when not the one the settings build (tests)."""
    from prometheus_client import CollectorRegistry

    report = DoctorReport()
    report.add("Settings", Status.OK, "all variables valid")
    room_map = _check_room_map(settings, report)
    _check_rooms_outside_the_map(settings, room_map, report)
    check_prompts(settings, report)
    check_fias(settings, report)
    check_fias_guest_key(settings, report)
    clock = clock or SystemClock()
    await check_cloud_pms(settings, report, clock=clock, adapter=cloud_pms)
    async with ZoomClient(
        settings.zoom, settings.scheduling, clock=clock, transport=transport,
        metrics=ZoomMetrics(CollectorRegistry()),
    ) as client:
        try:
            token = await client.tokens.current()
        except ZoomAuthError as error:
            report.add("Zoom token", Status.FAIL, "Zoom refused the credentials", [str(error)])
            _skip(report, _AFTER_TOKEN)
            check_call_accounting(settings, None, report)
            return report
        except ZoomError as error:
            report.add("Zoom token", Status.FAIL, "Zoom could not be reached", [str(error)])
            _skip(report, _AFTER_TOKEN)
            check_call_accounting(settings, None, report)
            return report
        report.add("Zoom token", Status.OK,
                   f"obtained for account {settings.zoom.account_id} via {settings.zoom.oauth_url}")
        base = settings.zoom.api_base_url or token.api_url or DEFAULT_API_URL
        origin = ("set by CONNECTOR_ZOOM__API_BASE_URL" if settings.zoom.api_base_url
                  else "named by Zoom with the token" if token.api_url else "Zoom's default")
        report.add("Region", Status.OK, f"API calls go to {base} ({origin})")
        scopes = evaluate_scopes(token.scopes)
        _check_scopes(scopes, report)
        check_call_history_poll(settings, scopes, len(room_map or {}), report)
        check_call_accounting(settings, scopes, report)
        if scopes.missing_required:
            _skip(report, ("Directory", "Rooms", "Names", "SIP lines"))
            return report
        client.scopes = scopes
        await _check_directory(client, settings, room_map, report, show_names)
        await check_sip_lines(settings, ZoomApi(client), report)
    return report


def _check_room_map(settings: Settings, report: DoctorReport) -> RoomMap | None:
    try:
        room_map = load_room_map(settings.rooms)
    except RoomMapError as error:
        report.add("Room map", Status.FAIL, "the room map cannot be used", list(error.problems))
        return None
    if not room_map:
        report.add("Room map", Status.WARN,
                   "no rooms configured: set CONNECTOR_ROOMS__MAP_FILE (a 'room,extension' CSV) "
                   "or CONNECTOR_ROOMS__MAP (101=2101,102=2102)")
    else:
        report.add("Room map", Status.OK, f"{len(room_map)} rooms")
    return room_map


def _check_rooms_outside_the_map(
    settings: Settings, room_map: RoomMap | None, report: DoctorReport
) -> None:
    """Rooms the PMS has used (the store says) that the room map lacks: they get nothing in
    Zoom. Not blocking: every other room works."""
    path = settings.store.path
    if room_map is None or not path.exists():
        return  # the map check already failed, or no PMS event was ever stored
    try:
        with Store(path) as store:
            outside = unmapped.unmapped_rooms(store.dirty_rooms(), room_map)
    except StoreError as error:
        report.add("PMS rooms", Status.WARN, "the store could not be read", [str(error)])
        return
    if outside:
        report.add("PMS rooms", Status.WARN,
                   f"{len(outside)} room(s) the PMS uses are not in the room map (a "
                   "configuration problem: their phones are not updated)",
                   [f"room {room}" for room in outside] + [unmapped.HINT])
    else:
        report.add("PMS rooms", Status.OK, "every room the PMS uses is in the room map")


def _check_scopes(scopes: ScopeReport, report: DoctorReport) -> None:
    if scopes.granted is None:
        report.add("Scopes", Status.WARN, "Zoom sent no scope list; assuming all are granted")
    elif scopes.missing_required:
        report.add(
            "Scopes", Status.FAIL,
            f"{len(scopes.missing_required)} required scope(s) missing",
            [f"add {s} (Zoom App Marketplace → Manage → your app → Scopes → Add Scopes)"
             for s in scopes.missing_required],
        )
    else:
        report.add("Scopes", Status.OK,
                   f"{len(scopes.granted)} granted; every required one present")
    on = [FEATURE_DESCRIPTIONS[f] for f in Feature if f is not Feature.CORE and scopes.enabled(f)]
    off = scopes.describe_disabled()
    if off:
        report.add("Features", Status.WARN, f"{len(off)} feature(s) OFF, {len(on)} on",
                   off + [f"on: {name}" for name in on])
    else:
        report.add("Features", Status.OK, f"all {len(on)} optional features on")


async def _check_directory(
    client: ZoomClient,
    settings: Settings,
    room_map: RoomMap | None,
    report: DoctorReport,
    show_names: bool,
) -> None:
    directory = Directory(
        ZoomApi(client), client.clock, rooms=room_map or {},
        refresh_minutes=settings.scheduling.directory_refresh_minutes,
    )
    try:
        stats = await directory.refresh()
    except ZoomError as error:
        report.add("Directory", Status.FAIL, "the extension directory could not be loaded",
                   [str(error)])
        _skip(report, ("Rooms", "Names"))
        return
    report.add(
        "Directory", Status.OK,
        f"{stats.users} user and {stats.common_areas} common-area extensions, "
        f"{stats.devices} assigned phones ({stats.calls} Zoom calls)",
    )
    if room_map:
        matched, unmatched = directory.room_matches()
        if not matched:
            report.add("Rooms", Status.FAIL,
                       f"none of the {len(room_map)} rooms has a Zoom extension",
                       [f"room {r}: extension {room_map[r]} not found in Zoom" for r in unmatched])
        elif unmatched:
            report.add("Rooms", Status.WARN,
                       f"{len(matched)} of {len(room_map)} rooms matched; {len(unmatched)} not",
                       [f"room {r}: extension {room_map[r]} not found in Zoom" for r in unmatched])
        else:
            report.add("Rooms", Status.OK, f"all {len(matched)} rooms matched to Zoom extensions")
    else:
        report.add("Rooms", Status.SKIPPED, "no room map")
    breakers = directory.rule_breakers()
    if breakers:
        details = [
            f"extension {o.extension} ({o.kind.replace('_', ' ')})"
            + (f": {o.display_name!r}" if show_names else "")
            for o in breakers
        ]
        report.add("Names", Status.WARN,
                   f"{len(breakers)} room extension(s) show a name without their extension "
                   "(DV2000's rule, which answering wake-up lines relies on)",
                   details)
    else:
        report.add("Names", Status.OK, "every room's name contains its extension")


def _skip(report: DoctorReport, names: tuple[str, ...]) -> None:
    for name in names:
        report.add(name, Status.SKIPPED, "not checked")
