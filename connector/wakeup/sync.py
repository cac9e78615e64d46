"""Bring the wake-up jobs in line with what the rooms' desired state asks for (pure).

A wake-up is known by its requested time and the event that set it: when the guest moves,
the job follows to the new room (with its tries and snoozes); when the PMS repeats a request
for the same time, the job stays and takes the newer event. A wake-up that was already
called (done) is never made again, even if the request is repeated. An active job nobody
asks for any more (cleared, checked out) is cancelled.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, tzinfo

from connector.rooms.state import Wakeup
from connector.store import MovedWakeup, NewWakeup, WakeupJob, WakeupSync
from connector.wakeup.occurrences import occurrences

_ACTIVE = ("pending", "calling")


def plan_sync(wanted: Mapping[str, Sequence[Wakeup]], jobs: Iterable[WakeupJob],
              tz: tzinfo) -> WakeupSync:
    """What to create, update and cancel so that the jobs of the rooms in `wanted` (room →
    its wake-ups; a room with none maps to ()) match them. `jobs` are every job of those
    rooms, in any state; jobs of other rooms are left alone."""
    jobs = [job for job in jobs if job.room in wanted]
    active = [job for job in jobs if job.state in _ACTIVE]
    by_request = {(job.requested_at, job.set_by_event): job for job in active}
    by_room_time = {(job.room, job.requested_at): job for job in active}
    done_requests = {(job.requested_at, job.set_by_event) for job in jobs if job.state == "done"}
    done_room_times = {(job.room, job.requested_at) for job in jobs if job.state == "done"}

    kept: set[int] = set()
    create: list[NewWakeup] = []
    update: list[MovedWakeup] = []
    for room, wakeups in sorted(wanted.items()):
        for at, event in _requests(wakeups, tz):
            job = by_request.get((at, event)) or by_room_time.get((room, at))
            if job is not None and job.id not in kept:
                kept.add(job.id)
                if (job.room, job.set_by_event) != (room, event):
                    update.append(MovedWakeup(job_id=job.id, room=room, set_by_event=event))
            elif (at, event) not in done_requests and (room, at) not in done_room_times:
                create.append(NewWakeup(room=room, requested_at=at, set_by_event=event))
    cancel = [job.id for job in active if job.id not in kept]
    return WakeupSync(create=create, update=update, cancel=cancel)


def _requests(wakeups: Sequence[Wakeup], tz: tzinfo) -> list[tuple[datetime, str]]:
    return [(at, wakeup.set_by_event) for wakeup in wakeups
            for at in occurrences(wakeup.at, wakeup.days, tz)]
