"""`connector status --room`: one room as IT needs it when a guest says "my phone is wrong":
what the PMS sent lately and what each event changed, and the room as it stands now (what
the PMS wants, and whether Zoom has it). Also the message-waiting line of plain `status`.

Pure formatting from what the store returns; every time in the hotel's zone, labelled."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import tzinfo

from connector.events.models import Guest
from connector.hotel_time import hotel_time
from connector.rooms.narrate import stay_label
from connector.rooms.state import RoomState
from connector.store import Failure, RoomEvent

MAX_ROOMS_LISTED = 20
_KEYED_BY = {"phone": "the room phone", "nightly_reset": "the nightly reset", "pms": "the PMS"}


def message_waiting_line(rooms: Mapping[str, RoomState]) -> str:
    """How many rooms the PMS says have a message waiting (the lamp), and which."""
    lit = sorted(room for room, state in rooms.items() if state.message_waiting)
    if not lit:
        return "Message waiting (from the PMS): no room."
    shown = ", ".join(lit[:MAX_ROOMS_LISTED]) + (" …" if len(lit) > MAX_ROOMS_LISTED else "")
    return f"Message waiting (from the PMS): {len(lit)} room(s): {shown}."


def room_report(
    room: str,
    state: RoomState | None,
    events: Sequence[RoomEvent],
    *,
    confirmed_version: int,
    failure: Failure | None,
    tz: tzinfo,
    show_names: bool = False,
) -> list[str]:
    """The lines of `connector status --room ROOM`; `events` newest first."""
    if state is None and not events:
        return [f"No PMS event has named room {room} yet."]
    lines = _now(state or RoomState(room=room), tz, show_names)
    lines.append(_zoom(state, confirmed_version, failure, tz))
    lines.append("")
    lines.append(f"Recent PMS events, newest first ({len(events)} shown):" if events
                 else "No PMS events kept for this room.")
    lines += [_event(event, tz) for event in events]
    return lines


def _now(state: RoomState, tz: tzinfo, show_names: bool) -> list[str]:
    since = (f" since {hotel_time(state.occupancy_since, tz)}"
             if state.occupancy_since is not None else "")
    guests = sum(len(stay.guests) for stay in state.stays)
    lines = [f"Room {state.room}: occupied{since}, {guests} guest(s)" if state.occupied
             else f"Room {state.room}: vacant{since}"]
    for stay in state.stays:
        dates = "".join([f", arrival {stay.arrival}" if stay.arrival else "",
                         f", departure {stay.departure}" if stay.departure else ""])
        names = (": " + "; ".join(_name(g) for g in stay.guests)) if show_names else ""
        lines.append(f"  {stay_label(stay.reservation)}: {len(stay.guests)} guest(s)"
                     f"{dates}{names}")
    dnd = state.dnd
    lines.append("  DND: " + ("off" if not dnd.on else "on" if dnd.until is None
                              else f"on until {hotel_time(dnd.until, tz)}"))
    cos = state.effective_class_of_service()
    lines.append("  class of service: " + (cos.name.lower() if cos is not None
                                          else "none (vacant)" if not state.occupied
                                          else "not set by the PMS"))
    keyed = state.housekeeping
    lines.append("  housekeeping: " + (
        "nothing keyed" if keyed is None else
        f"{keyed.status.value.replace('_', ' ')} (maid status {keyed.maid_status}), "
        f"{hotel_time(keyed.at, tz)} by {_KEYED_BY.get(keyed.source, keyed.source)}"
        + (f", attendant {keyed.attendant}" if keyed.attendant else "")))
    lines.append(f"  message waiting: {'on' if state.message_waiting else 'off'}")
    lines.append("  wake-ups: " + ("none" if not state.wakeups else ", ".join(
        hotel_time(w.at, tz) + (f" daily for {w.days} days" if w.days > 1 else "")
        for w in state.wakeups)))
    if state.no_voicemail_before is not None:
        lines.append("  voicemail left before "
                     f"{hotel_time(state.no_voicemail_before, tz)} is purged")
    return lines


def _name(guest: Guest) -> str:
    return " ".join(part for part in (guest.title, guest.first_name, guest.last_name) if part)


def _zoom(state: RoomState | None, confirmed: int, failure: Failure | None, tz: tzinfo) -> str:
    if state is None or confirmed >= state.version:
        return "  Zoom: in step with the PMS"
    behind = f"  Zoom: not yet in step (version {confirmed} of {state.version} confirmed)"
    if failure is None:
        return behind + "; the connector is working on it"
    when = hotel_time(failure.at, tz, seconds=True)
    if failure.final:
        return (f"{behind}; gave up after {failure.attempts} attempt(s) at {when} until the "
                f"next `connector sync`: {failure.error}")
    return f"{behind}; will retry ({failure.attempts} attempt(s), last at {when}): {failure.error}"


def _event(event: RoomEvent, tz: tzinfo) -> str:
    reservation = f" reservation {event.reservation}" if event.reservation else ""
    return (f"  {hotel_time(event.received_at, tz, seconds=True)}  {event.type} from "
            f"{event.source}{reservation} [{event.outcome}]: {event.words}")
