"""What one console's event stream sends for the notices of a short window: a checkout rush
publishes thousands of room notices, and a console that fetched one cell per notice fell
behind (docs/benchmarks.md, "Front-desk console"). So the notices that come within
WINDOW_SECONDS become at most one event of each kind: `room` naming the changed rooms once
each (the page fetches all their cells in one request), one `alert`, one `wakeup`; or one
`reload` alone when the window held a reload or more than MAX_ROOMS rooms (rebuilding the
page is then cheaper than the cells, and always correct). Pure: the stream does the waiting.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from connector.notices import Notice

# Long enough to gather a batch of PMS records, short enough to stay well under the 1 s goal.
WINDOW_SECONDS = 0.25
# Rooms one event may name, and one cells request may ask for: a whole large floor and more.
MAX_ROOMS = 200


@dataclass(frozen=True)
class LiveEvent:
    """One server-sent event: its name and its data (room numbers, separated by spaces)."""

    event: str
    data: str = ""


def coalesce(notices: Sequence[Notice], max_rooms: int = MAX_ROOMS) -> list[LiveEvent]:
    """The events for a window's notices, rooms in the order they first changed. `closing`
    is not an event (the stream ends on it) and is left to the caller."""
    if any(notice.kind == "reload" for notice in notices):
        return [LiveEvent("reload")]
    rooms = _unique(n.room for n in notices if n.kind == "room")
    if len(rooms) > max_rooms:
        return [LiveEvent("reload")]
    events = [LiveEvent("room", " ".join(rooms))] if rooms else []
    alerts = [n for n in notices if n.kind == "alert"]
    if alerts:
        events.append(LiveEvent("alert", " ".join(_unique(n.room for n in alerts))))
    if any(notice.kind == "wakeup" for notice in notices):
        events.append(LiveEvent("wakeup"))
    return events


def _unique(rooms: Iterable[str | None]) -> list[str]:
    return [room for room in dict.fromkeys(rooms) if room]
