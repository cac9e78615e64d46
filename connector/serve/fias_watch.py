"""What the FIAS door notices about records beside their events: metrics and the few log
lines an integrator needs (names only at debug), and the guest key for `connector doctor`."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from prometheus_client import CollectorRegistry, Counter

from connector.events.models import AnyEvent, MessageWaiting
from connector.pms.fias.codec import Record
from connector.pms.fias.fields_used import WHOLE_RECORD
from connector.pms.fias.inbound import GuestKey, Noticed

log = logging.getLogger("connector.fias")

GUEST_KEY_META = "fias.guest_key"
_GUEST_KEY_SAID = {
    GuestKey.RESERVATION: "FIAS guests keyed by reservation number (G#)",
    GuestKey.ROOM: "FIAS guests keyed by room (the PMS sends no G#)",
}


class FiasWatch:
    """`link_up()` at each link-up; `record()` for each record received; `events()` for
    what a record became. `meta`/`set_meta` read and write the store's meta."""

    def __init__(self, registry: CollectorRegistry, *, charset: str,
                 meta: Callable[[str], str | None],
                 set_meta: Callable[[str, str | None], None]) -> None:
        self._charset = charset
        self._meta, self._set_meta = meta, set_meta
        self._said: GuestKey | None = None  # logged once per process, again if it changes
        self._unused = Counter(
            "connector_fias_unused", "FIAS fields (field '*': whole records) received and "
            "not used, by record type and field.", ["record", "field"], registry=registry)
        self._undecodable = Counter(
            "connector_fias_undecodable", "FIAS records with bytes not valid in the link's "
            "code page (read as U+FFFD and used), by record type.", ["record"],
            registry=registry)
        self._lamp = Counter("connector_fias_message_lamp",
                             "Message lamps set (on) or cleared (off) by the PMS.", ["state"],
                             registry=registry)

    def record(self, record: Record, noticed: Noticed) -> None:
        """Count and log what the record says about the link."""
        room = record.get("RN") or "-"
        if record.undecodable:
            self._undecodable.labels(record.type).inc()
            log.warning("FIAS %s for room %s had bytes not valid in the code page %s; they "
                        "were replaced (check CONNECTOR_FIAS__CHARSET with the PMS side)",
                        record.type, room, self._charset)
            log.debug("FIAS record with replaced bytes: %s", record)
        for field in noticed.unused:
            self._unused.labels(record.type, field).inc()
        for field in noticed.first_unused:
            if field == WHOLE_RECORD:
                log.info("PMS sends %s records, not used (counted in "
                         "connector_fias_unused_total)", record.type)
            else:
                log.info("PMS sends %s field %s, not used (counted in "
                         "connector_fias_unused_total)", record.type, field)
        if noticed.guest_key is not None:
            self._guest_key(noticed.guest_key)

    def events(self, events: Sequence[AnyEvent]) -> None:
        """Count what the events say (message lamps)."""
        for event in events:
            if isinstance(event, MessageWaiting):
                self._lamp.labels("on" if event.on else "off").inc()

    def _guest_key(self, key: GuestKey) -> None:
        before = self._meta(GUEST_KEY_META)
        if before is not None and before != key.value:
            log.warning("%s; until this link-up they were keyed by %s", _GUEST_KEY_SAID[key],
                        before)
        elif key is not self._said:
            log.info(_GUEST_KEY_SAID[key])
        self._said = key
        if before != key.value:
            self._set_meta(GUEST_KEY_META, key.value)


def guest_key_line(stored: str | None) -> str:
    """What `connector doctor` says of the stored guest key."""
    if stored in (GuestKey.RESERVATION.value, GuestKey.ROOM.value):
        return _GUEST_KEY_SAID[GuestKey(stored)]
    return "FIAS guest key not known yet (no guest record received since the store was made)"
