"""The pieces of `bench/wakeup_burst.py` that need no running peers: reading the room phone's
message trace, the burst's figures, and CPU time of this process and of the peers."""

from __future__ import annotations

import math
import os
import re
import resource
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

# sipp -trace_msg: each message starts with a dashed line and its local time, then what
# happened ("UDP message received [883] bytes :"), a blank line and the message itself.
_ENTRY = re.compile(
    r"^-{20,} (\d{4}-\d\d-\d\d[ \t]\d\d:\d\d:\d\d\.\d+)\n(.*?)\n\n(.*?)(?=^-{20,} |\Z)",
    re.MULTILINE | re.DOTALL,
)
_CALL_ID = re.compile(r"^(?:Call-ID|i):\s*(\S+)", re.MULTILINE | re.IGNORECASE)


@dataclass(frozen=True)
class RoomCall:
    """One call as the room phone saw it: when our INVITE and our BYE arrived (epoch s)."""

    call_id: str
    invite_at: float
    bye_at: float | None


def read_room_calls(trace: str) -> list[RoomCall]:
    """The calls in a sipp UAS message trace, in the order their INVITEs arrived. The first
    arrival of each request counts (a retransmission is not a new call)."""
    invites: dict[str, float] = {}
    byes: dict[str, float] = {}
    for stamp, what, message in _ENTRY.findall(trace):
        if "received" not in what:
            continue
        found = _CALL_ID.search(message)
        if found is None:
            continue
        # sipp writes local time; datetime.timestamp() reads a naive time as local too.
        at = datetime.fromisoformat(stamp.replace("\t", " ")).timestamp()
        method = message.split(" ", 1)[0]
        if method == "INVITE":
            invites.setdefault(found.group(1), at)
        elif method == "BYE":
            byes.setdefault(found.group(1), at)
    calls = [RoomCall(call_id, at, byes.get(call_id)) for call_id, at in invites.items()]
    return sorted(calls, key=lambda call: call.invite_at)


@dataclass(frozen=True)
class Spread:
    """p50, p99 and max of some seconds (nearest-rank percentiles)."""

    count: int
    p50: float
    p99: float
    max: float

    def row(self) -> str:
        if not self.count:
            return f"{0:>6}{'-':>8}{'-':>8}{'-':>8}"
        return f"{self.count:>6}{self.p50:>8.3f}{self.p99:>8.3f}{self.max:>8.3f}"


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank `q` percentile (0 < q <= 1) of non-empty `values`."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def spread(values: Sequence[float]) -> Spread:
    if not values:
        return Spread(0, math.nan, math.nan, math.nan)
    return Spread(len(values), percentile(values, 0.5), percentile(values, 0.99), max(values))


@dataclass(frozen=True)
class BurstFigures:
    """What the burst did, from the room phone's point of view.

    The first `lines` INVITEs found a line free; the others waited for one. The k-th queued
    call took the line of the k-th call to end (both queues are first in, first out), so
    its INVITE minus that BYE is the line's turnaround. A call's duration is INVITE → BYE at
    the room phone; the bound is ceil(calls / lines) x the median duration.

    Calls are not all equally long: the message says the time, and a minute later it may
    take longer to say. The waves' bound, the sum over waves (P calls in INVITE order) of
    each wave's median duration, is what P lines need if every wave starts the moment the
    previous one ends; the goal is judged on it."""

    calls: int
    lines: int
    free_lateness: Spread
    queued_lateness: Spread
    turnaround: Spread
    call_seconds: float
    median_call: float
    waves_bound: float
    total: float

    @property
    def bound(self) -> float:
        return math.ceil(self.calls / self.lines) * self.median_call

    @property
    def ratio(self) -> float:
        return self.total / self.bound

    @property
    def waves_ratio(self) -> float:
        return self.total / self.waves_bound

    @classmethod
    def of(cls, calls: Sequence[RoomCall], *, due: float, lines: int) -> BurstFigures:
        """The figures of `calls` (in INVITE order, each ended) due at `due` on `lines`."""
        durations = [call.bye_at - call.invite_at for call in calls if call.bye_at is not None]
        if not calls or len(durations) != len(calls):
            raise ValueError(f"{len(calls) - len(durations)} of {len(calls)} calls never ended")
        ends = sorted(call.bye_at for call in calls if call.bye_at is not None)
        free, queued = calls[:lines], calls[lines:]
        return cls(
            calls=len(calls), lines=lines,
            free_lateness=spread([call.invite_at - due for call in free]),
            queued_lateness=spread([call.invite_at - due for call in queued]),
            turnaround=spread([call.invite_at - end for call, end in zip(queued, ends,
                                                                          strict=False)]),
            call_seconds=sum(durations),
            median_call=statistics.median(durations),
            waves_bound=sum(statistics.median(durations[first:first + lines])
                            for first in range(0, len(durations), lines)),
            total=ends[-1] - due,
        )


# CPU time


def own_cpu() -> float:
    """CPU seconds (user + system) this process has used so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def reaped_children_cpu() -> float:
    """CPU seconds of this process's children that have exited and been waited for."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def group_cpu(pgid: int, proc: Path = Path("/proc")) -> float:
    """CPU seconds used so far by the live processes of process group `pgid` (Linux /proc;
    Kamailio is a main process and its forked workers, all in one group)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in proc.glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # the process ended meanwhile
        # The command name is in parentheses and may hold spaces: split after it.
        fields = text[text.rindex(")") + 2:].split()
        if int(fields[2]) == pgid:  # field 5 of stat, pgrp
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / ticks
