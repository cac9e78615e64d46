"""One INFO line per PMS event the connector took in, whatever door it came through: what it
was, which rooms and reservation, and what it changed, so IT can follow the PMS without
debug logging. Guest names are added only while debug logging is on."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from connector.events.models import AnyEvent, CheckIn, GuestChange
from connector.rooms.narrate import ALREADY_SO, DUPLICATE, event_rooms, reservation_of, summary

log = logging.getLogger("connector.events")

# Who speaks, by door: the PMS's doors say "PMS"; events from the room phones (through Zoom's
# presence webhook, the housekeeping codes) and the nightly reset say so instead.
_SPEAKER = {"zoom": "Room phone", "phone": "Room phone", "nightly_reset": "Nightly reset"}

# A resync's end may vacate most of the hotel: the line names this many rooms, the store
# keeps them all (`connector status --room`).
MAX_ROOMS_IN_LINE = 10


def log_event(event: AnyEvent, *, source: str, duplicate: bool,
              words: Mapping[str, str]) -> None:
    """Log what `event` did: `words` (room -> what it did there) from its ingest."""
    named = event_rooms(event)
    reservation = reservation_of(event)
    where = "".join([
        f", room{'s' if len(named) > 1 else ''} {' and '.join(named)}" if named else "",
        f", reservation {reservation}" if reservation else "",
    ])
    said = DUPLICATE if duplicate else _said(words)
    outcome = ("duplicate" if duplicate else
               "changed" if any(w != ALREADY_SO for w in words.values()) else "no change")
    names = _names(event) if log.isEnabledFor(logging.DEBUG) else ""
    log.info(
        "%s %s from %s%s: %s%s", _SPEAKER.get(source, "PMS"), event.type, source, where, said,
        names,
        extra={"event_id": event.id, "event_type": event.type, "source": source,
               "rooms": list(dict.fromkeys([*named, *words])), "reservation": reservation,
               "outcome": outcome},
    )


def _said(words: Mapping[str, str]) -> str:
    if not words:
        return "no room changed"
    changed = {room: said for room, said in words.items() if said != ALREADY_SO}
    if len(changed) <= MAX_ROOMS_IN_LINE:
        return summary(words)
    shown = dict(list(changed.items())[:MAX_ROOMS_IN_LINE])
    return (f"{summary(shown)}; and {len(changed) - MAX_ROOMS_IN_LINE} more room(s) changed "
            "(connector status --room ROOM)")


def _names(event: AnyEvent) -> str:
    """The guests' names, for debug logging only."""
    if not isinstance(event, CheckIn | GuestChange):
        return ""
    names = ", ".join(" ".join(p for p in (g.title, g.first_name, g.last_name) if p)
                      for g in event.guests)
    return f" (guests: {names})"
