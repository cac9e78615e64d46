"""The emulated environment's business events, in order, each with its offset.

OPERA writes one business event per change (a check-in, a wake-up call set, a room status),
for the external systems subscribed to that event. Two ways out, as OHIP has them:

- the **stream** replays from any offset the consumer still holds (`after`), then waits for
  new ones (`wait_after`);
- the **polling dequeue** hands each event to one external system once (`dequeue`, at most
  20 a call): an event fetched is gone, whatever the consumer does with it.

Offsets are whole numbers that only grow; the stream sends them as strings. Delivery faults
(lost, duplicated, late, out of order) are applied by the stream and the dequeue, not here:
the log is what OPERA knows happened.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

POLL_LIMIT = 20  # OHIP: at most 20 business events per dequeue


@dataclass(frozen=True, slots=True)
class Detail:
    """One changed element of an event (`detail[]` on the stream, `details[]` when polled)."""

    element_name: str  # e.g. "ROOMNO", "GUESTNAME", "WAKEUPTIME"
    old_value: str | None = None
    new_value: str | None = None
    element_type: str = "FIELD"
    element_role: str = ""
    scope_from: str | None = None
    scope_to: str | None = None


@dataclass(frozen=True, slots=True)
class BusinessEvent:
    offset: int
    unique_event_id: str
    module_name: str  # "RESERVATION", "FRONT DESK", "HOUSEKEEPING"
    event_name: str  # "CHECK IN", "CREATE WAKE UP CALL", …
    primary_key: str  # the reservation id (for wake-up calls too), or the room
    hotel_id: str
    chain_code: str
    timestamp: datetime  # aware
    details: tuple[Detail, ...] = ()


@dataclass
class OhipEventLog:
    """Every business event of the environment; one log per emulated environment."""

    hotel_id: str
    chain_code: str
    _events: list[BusinessEvent] = field(default_factory=list)
    _queues: dict[str, deque[BusinessEvent]] = field(default_factory=dict)
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    _kept_from: int = 1  # OHIP keeps about 7 days: older offsets can no longer be replayed

    def subscribe_poller(self, external_system: str) -> None:
        """From now on, `external_system` has a dequeue holding every new event."""
        self._queues.setdefault(external_system, deque())

    def append(self, module_name: str, event_name: str, primary_key: str,
               details: Sequence[Detail] = (), *, at: datetime) -> BusinessEvent:
        """Record what happened in OPERA; the stream and the dequeues see it."""
        event = BusinessEvent(
            offset=len(self._events) + 1, unique_event_id=str(uuid.uuid4()),
            module_name=module_name, event_name=event_name, primary_key=primary_key,
            hotel_id=self.hotel_id, chain_code=self.chain_code, timestamp=at,
            details=tuple(details))
        self._events.append(event)
        for queue in self._queues.values():
            queue.append(event)
        self._changed.set()
        self._changed = asyncio.Event()
        return event

    @property
    def last_offset(self) -> int:
        return len(self._events)

    @property
    def first_kept_offset(self) -> int:
        """The oldest offset a stream can still replay from."""
        return self._kept_from

    def forget_before(self, offset: int) -> None:
        """Stop keeping the events before `offset` for replay (OHIP's retention ran out)."""
        self._kept_from = max(self._kept_from, min(offset, self.last_offset + 1))

    def after(self, offset: int | None, limit: int | None = None) -> list[BusinessEvent]:
        """The events after `offset` (None or 0: from the first kept), in order: a replay."""
        start = max(self._kept_from - 1, offset or 0)
        end = None if limit is None else start + limit
        return self._events[start:end]

    async def wait_after(self, offset: int) -> None:
        """Return once an event after `offset` exists that is still kept (a position
        behind the retention waits for a new event, as `after` has none to give)."""
        while self.last_offset <= max(offset, self._kept_from - 1):
            await self._changed.wait()

    def dequeue(self, external_system: str, limit: int = POLL_LIMIT) -> list[BusinessEvent]:
        """Up to `limit` (at most 20) events for `external_system`, removed as they are
        handed out; [] for a system that never subscribed."""
        queue = self._queues.get(external_system)
        if not queue:
            return []
        return [queue.popleft() for _ in range(min(limit, POLL_LIMIT, len(queue)))]

    def requeue(self, external_system: str, events: Sequence[BusinessEvent]) -> None:
        """Put events back at the end of a dequeue (a late delivery, a fault)."""
        queue = self._queues.get(external_system)
        if queue is not None:
            queue.extend(events)
