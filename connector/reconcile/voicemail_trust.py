"""When the voicemail index may stand in for a listing (pure).

The index is **trusted for an owner type** (users, common areas) from the start `S` of a
nightly sweep that listed Zoom's voicemails and repaired the index: every voicemail left
before `S` is then indexed (the sweep added what was missing), and every one left after `S`
comes by webhook. The sweep also judges whether the webhooks do come: of the voicemails
Zoom lists that were left since the previous sweep (or, before any sweep, since the first
webhook), at least ten minutes before this one (Zoom's first retry comes after five):

- some were there and the webhooks brought none of them → **not trusted** (the app is not
  subscribed, the door is closed, or Zoom sends no such event for this owner type: its spec
  names no common-area owner, zoom-api-facts §3.8);
- once not trusted after a sweep, trust comes back only when a webhook brought one of them;
- otherwise trusted from `S`: a webhook lost now and then leaves a voicemail the index
  lacks, which the next sweep adds and, when the room's purge time is past, deletes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

# Webhooks arrive within seconds; Zoom retries a failed one after 5 minutes.
GRACE = timedelta(minutes=10)


@dataclass(frozen=True)
class Evidence:
    """Of the voicemails of one owner type Zoom listed that were left in the judged window:
    how many the webhooks had indexed (`came`) and how many the index lacked (`missed`)."""

    came: int = 0
    missed: int = 0


def judged_window(last_sweep: datetime | None, first_indexed: datetime | None,
                  started: datetime) -> tuple[datetime, datetime] | None:
    """The voicemails whose webhooks are judged: left since the previous sweep (else the
    index's first row) and up to GRACE before this sweep; None when there is no such time."""
    begin = last_sweep or first_indexed
    end = started - GRACE
    return None if begin is None or begin >= end else (begin, end)


def judge(evidence: Evidence, *, started: datetime, trusted: bool,
          swept_before: bool) -> datetime | None:
    """Since when the index is trusted after a sweep started at `started` (None: not).
    `trusted`: it was before this sweep; `swept_before`: a sweep ran before this one."""
    if evidence.missed and not evidence.came:
        return None
    if swept_before and not trusted and not evidence.came:
        return None
    return started
