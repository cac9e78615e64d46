"""The rooms Zoom lags on, kept in memory in step with the store, in the store's order.

The reconciler asks for dirty rooms at every turn of its loop; answering from the database
took a join, a GROUP BY and a sort over every dirty room each time, a cost that grew with the
hotel. The store stays the truth: this copy is loaded from it at start, refreshed from it for
each room a commit of this connection touched, and reloaded whole when another connection
(another process on the same file) has committed since. No I/O here: the store feeds it rows.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable, Mapping


class DirtyRooms:
    """Dirty rooms by the inbox seq of their oldest unconfirmed change; `ordered()` gives
    them oldest first, ties by room, as `rooms.dirty_since` would sort them."""

    def __init__(self, since: Iterable[tuple[str, int]] = ()) -> None:
        self._seq: dict[str, int] = {}
        self._order: list[tuple[int, str]] = []  # sorted (seq, room)
        self._rooms: list[str] | None = None  # `ordered()`'s answer until the next change
        self.reload(since)

    def reload(self, since: Iterable[tuple[str, int]]) -> None:
        """Forget everything and take (room, seq) as the whole dirty set."""
        self._seq = dict(since)
        self._order = sorted((seq, room) for room, seq in self._seq.items())
        self._rooms = None

    def update(self, oldest: Mapping[str, int | None]) -> None:
        """Rooms re-read from the store: the seq of each one's oldest unconfirmed change, or
        None for a room Zoom has caught up with."""
        for room, seq in oldest.items():
            before = self._seq.get(room)
            if before == seq:
                continue
            if before is not None:
                del self._order[bisect_left(self._order, (before, room))]
                del self._seq[room]
            if seq is not None:
                insort(self._order, (seq, room))
                self._seq[room] = seq
            self._rooms = None

    def ordered(self) -> list[str]:
        """Every dirty room, the one waiting longest first (a fresh list: callers may keep it)."""
        if self._rooms is None:
            self._rooms = [room for _, room in self._order]
        return list(self._rooms)

    def __contains__(self, room: object) -> bool:
        return room in self._seq

    def __len__(self) -> int:
        return len(self._seq)
