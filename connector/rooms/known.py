"""What we know of a room's Zoom state: set by us after each call that succeeded, and by
directory refreshes (which reveal hand edits in the Zoom portal). None means unknown."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class KnownZoom(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    first_name: str | None = None
    last_name: str | None = None
    display_name: str | None = None
    department: str | None = None
    # Presence we last set: True = DND (until `dnd_until`), False = Available, None = unknown.
    dnd: bool | None = None
    dnd_until: datetime | None = None
    # A DND was sent and its answer never recorded (the process died, the answer was lost):
    # Zoom may show DND whatever `dnd` says. Written before the DND leaves; cleared by the
    # next presence change Zoom answers.
    dnd_maybe_on: bool = False
    # When we last changed the user's presence: Zoom takes one change a minute, and this
    # outlives a restart (the Zoom client's own guard does not).
    presence_set_at: datetime | None = None
    # The outbound switches we last set (see `restriction.py`).
    international_allowed: bool | None = None
    domestic_allowed: bool | None = None
    # Every voicemail left before this time has been deleted.
    voicemail_clear_before: datetime | None = None
