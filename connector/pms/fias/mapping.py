"""FIAS records from the PMS -> canonical events (pure).

Which record gives which event:

    GI             CheckIn (GS=Y: a sharer; CS sets the stay's class of service)
    GO             CheckOut
    GC             GuestChange (RO = the old room: a move; GS after RN and after RO)
    GI / GO / GC   without G#: reservation None, the PMS keys guests by room
    RE             Dnd (DN Y/N), MessageWaiting (ML Y/N), ClassOfServiceChange (CS 0-3),
                   HousekeepingUpdate (RS 1-6, source "pms": changed in the PMS, never sent
                   back); one event per field present. RS 7 and above (guest service and
                   out-of-order codes) are not used.
    WR / WC        WakeupSet / WakeupClear (DA YYMMDD TI HHMM[SS], hotel time)
    DS / DE        ResyncStart / ResyncEnd

Guest fields: GN last name (or "Last, First" when GF is absent), GF first name, GT title,
GV VIP, GL language, G# reservation, GS share flag, GA/GD arrival/departure (YYMMDD).

Event ids. FIAS records carry no id, and the store folds an id once, so the id decides what
counts as a re-send. `"fias-" + sha256(scope, record)` where the scope is:

- inside a resync (DS … DE): the resync's id. Every snapshot must fold each reservation
  again, or the sweep at DE would vacate a room whose GI looked like last night's.
- WR / WC: the receipt tag (unique per record received). Their DA/TI is the wake-up time,
  not when the PMS sent them: set 07:00, clear, set 07:00 again is three real events.
- any other record with DA and TI: nothing but the record. The PMS's own time stamp tells a
  genuine repeat (new time) from a re-send after a reconnect (same bytes), and a stale
  re-send must not undo what came after it.
- a record without DA/TI: the receipt tag. Content alone cannot tell a repeat from a re-send,
  and every fold here is idempotent, so a re-send applied twice is harmless while a genuine
  repeat swallowed is not (DND on, off, on again).

Strict where a field is the meaning (RN, CS, GS, DN, ML, a wake-up's time: MappingError),
lenient where it is detail (a bad GA/GD is dropped, a bad record time stamp falls back to
the receipt time): a check-in is not lost for a malformed departure date.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date, datetime, tzinfo

from pydantic import ValidationError

from connector.events.models import (
    AnyEvent,
    CheckIn,
    CheckOut,
    ClassOfService,
    ClassOfServiceChange,
    Dnd,
    Guest,
    GuestChange,
    HousekeepingStatus,
    HousekeepingUpdate,
    MessageWaiting,
    ResyncEnd,
    ResyncStart,
    WakeupClear,
    WakeupSet,
)
from connector.pms.fias.codec import Record
from connector.pms.fias.errors import MappingError
from connector.pms.fias.timefields import local, next_occurrence, parse_date, parse_time, stamp

EVENT_TYPES = frozenset({"GI", "GO", "GC", "RE", "WR", "WC", "DS", "DE"})
_TEXT_MAX = 200  # the event model's limit; FIAS allows GN up to 200 as well


def to_events(
    record: Record,
    *,
    tz: tzinfo,
    received_at: datetime,
    receipt: str,
    resync_id: str | None = None,
) -> tuple[AnyEvent, ...]:
    """The canonical events a record means (possibly none, e.g. an RE with only RS).

    `tz` is the hotel's zone, `received_at` (aware) when the record arrived, `receipt` a tag
    unique to this reception, `resync_id` the open resync (required for DS and DE). Raises
    `MappingError` naming the record type and room when the record cannot be mapped."""
    handler = _HANDLERS.get(record.type)
    if handler is None:
        raise MappingError(f"{record.type} is not a record the connector maps to an event")
    context = _Context(record, tz, received_at, receipt, resync_id)
    try:
        return handler(context)
    except ValidationError as error:
        problem = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        raise context.error(problem) from None


class _Context:
    def __init__(
        self, record: Record, tz: tzinfo, received_at: datetime, receipt: str,
        resync_id: str | None,
    ) -> None:
        if received_at.tzinfo is None:
            raise ValueError("received_at must be timezone-aware")
        self.record, self.tz, self.received_at = record, tz, received_at
        self.receipt, self.resync_id = receipt, resync_id

    def error(self, problem: str) -> MappingError:
        room = self.record.get("RN")
        where = f" for room {room}" if room else ""
        return MappingError(f"{self.record.type}{where}: {problem}")

    def event_id(self, suffix: str = "") -> str:
        if self.resync_id is not None:
            scope = self.resync_id
        elif self.record.type in ("WR", "WC"):
            scope = self.receipt
        elif self.record.get("DA") and self.record.get("TI"):
            scope = ""
        else:
            scope = self.receipt
        digest = hashlib.sha256(f"{scope}\x1e{self.record}".encode()).hexdigest()[:40]
        return f"fias-{digest}{suffix}"

    def occurred_at(self) -> datetime:
        return stamp(self.record.get("DA"), self.record.get("TI"), self.tz) or self.received_at

    def required(self, field_id: str, meaning: str) -> str:
        value = (self.record.get(field_id) or "").strip()
        if not value:
            raise self.error(f"no {meaning} ({field_id})")
        return value

    def reservation(self) -> str | None:
        """G#, or None for a PMS that keys guests by room (G# is configured in its LR)."""
        return _text(self.record.get("G#")) or None

    def yes_no(self, field_id: str, value: str | None = None) -> bool | None:
        """A Y/N field (the record's first `field_id`, or `value` when given)."""
        value = self.record.get(field_id) if value is None else value
        if value is None or value == "":
            return None
        if value.upper() in ("Y", "N"):
            return value.upper() == "Y"
        raise self.error(f"{field_id} must be Y or N, not {value!r}")

    def class_of_service(self) -> ClassOfService | None:
        value = (self.record.get("CS") or "").strip()
        if not value:
            return None
        if value in ("0", "1", "2", "3"):
            return ClassOfService(int(value))
        raise self.error(f"unknown class of service CS{value!r} (0-3 expected)")


def _text(value: str | None) -> str:
    return (value or "").strip()[:_TEXT_MAX]


def _guest(record: Record) -> Guest:
    last, first = _text(record.get("GN")), _text(record.get("GF"))
    if not first and "," in last:
        last, _, first = (part.strip() for part in last.partition(","))
    return Guest(
        title=_text(record.get("GT")),
        first_name=first,
        last_name=last,
        vip=_text(record.get("GV")),
        language=_text(record.get("GL")),
    )


def _share_flags(c: _Context) -> tuple[bool, bool]:
    """(the new room's GS, the old room's GS). In a move the PMS sends GS twice, each right
    after the room field it belongs to (RN GS RO GS, or RO GS RN GS); a GS before any room
    field is RN's, and the first GS after a room field is the one that counts."""
    owner = "RN"
    flags: dict[str, str] = {}
    for field_id, value in c.record.fields:
        if field_id in ("RN", "RO"):
            owner = field_id
        elif field_id == "GS":
            flags.setdefault(owner, value)
    return bool(c.yes_no("GS", flags.get("RN", ""))), bool(c.yes_no("GS", flags.get("RO", "")))


def _stay_fields(c: _Context) -> dict[str, object]:
    arrival: date | None = parse_date(c.record.get("GA"))
    departure: date | None = parse_date(c.record.get("GD"))
    return {
        "id": c.event_id(),
        "occurred_at": c.occurred_at(),
        "room": c.required("RN", "room number"),
        "reservation": c.reservation(),
        "guests": [_guest(c.record)],
        "share": _share_flags(c)[0],
        "arrival": arrival,
        "departure": departure,
        "class_of_service": c.class_of_service(),
    }


def _check_in(c: _Context) -> tuple[AnyEvent, ...]:
    return (CheckIn.model_validate(_stay_fields(c)),)


def _guest_change(c: _Context) -> tuple[AnyEvent, ...]:
    old_room = _text(c.record.get("RO")) or None
    old_room_share = _share_flags(c)[1] if old_room else False
    return (GuestChange.model_validate(
        {**_stay_fields(c), "old_room": old_room, "old_room_share": old_room_share}),)


def _check_out(c: _Context) -> tuple[AnyEvent, ...]:
    return (CheckOut(
        id=c.event_id(), occurred_at=c.occurred_at(),
        room=c.required("RN", "room number"), reservation=c.reservation(),
    ),)


def _room_equipment(c: _Context) -> tuple[AnyEvent, ...]:
    room = c.required("RN", "room number")
    at = c.occurred_at()
    events: list[AnyEvent] = []
    if (dnd := c.yes_no("DN")) is not None:
        events.append(Dnd(id=c.event_id("-dn"), occurred_at=at, room=room, on=dnd))
    if (lamp := c.yes_no("ML")) is not None:
        events.append(MessageWaiting(id=c.event_id("-ml"), occurred_at=at, room=room, on=lamp))
    if (level := c.class_of_service()) is not None:
        events.append(ClassOfServiceChange(
            id=c.event_id("-cs"), occurred_at=at, room=room, level=level))
    if (maid := maid_status(c.record)) is not None:
        events.append(HousekeepingUpdate(
            id=c.event_id("-rs"), occurred_at=at, room=room, status=_MAID_STATUSES[maid],
            source="pms", maid_status=maid))
    return tuple(events)


# FIAS RS 1-6: dirty, clean, inspected, each vacant then occupied (pms-facts §1.5).
_MAID_STATUSES = {
    1: HousekeepingStatus.DIRTY, 2: HousekeepingStatus.DIRTY,
    3: HousekeepingStatus.CLEAN, 4: HousekeepingStatus.CLEAN,
    5: HousekeepingStatus.INSPECTED, 6: HousekeepingStatus.INSPECTED,
}


def maid_status(record: Record) -> int | None:
    """RE's RS when it is a maid status (1-6); None when absent or another code (7 and up
    are guest service and out-of-order statuses, not the room's cleanliness)."""
    value = (record.get("RS") or "").strip()
    return int(value) if value in ("1", "2", "3", "4", "5", "6") else None


def _wakeup_time(c: _Context, *, required: bool) -> datetime | None:
    da, ti = c.record.get("DA"), c.record.get("TI")
    clock = parse_time(ti)
    if clock is None:
        if ti or required:
            raise c.error(f"wake-up time TI{ti or ''} is not HHMM or HHMMSS")
        return None
    if not da:
        return next_occurrence(clock, c.received_at, c.tz)
    day = parse_date(da)
    if day is None:
        raise c.error(f"wake-up date DA{da} is not YYMMDD")
    return local(day, clock, c.tz)


def _wakeup_set(c: _Context) -> tuple[AnyEvent, ...]:
    at = _wakeup_time(c, required=True)
    assert at is not None
    return (WakeupSet(
        id=c.event_id(), occurred_at=c.received_at,
        room=c.required("RN", "room number"), at=at,
    ),)


def _wakeup_clear(c: _Context) -> tuple[AnyEvent, ...]:
    return (WakeupClear(
        id=c.event_id(), occurred_at=c.received_at,
        room=c.required("RN", "room number"), at=_wakeup_time(c, required=False),
    ),)


def _resync_id(c: _Context) -> str:
    if c.resync_id is None:
        raise c.error("no resync is open (DE without DS, or DS without a resync id)")
    return c.resync_id


def _resync_start(c: _Context) -> tuple[AnyEvent, ...]:
    resync = _resync_id(c)
    return (ResyncStart(id=resync, occurred_at=c.occurred_at(), resync_id=resync),)


def _resync_end(c: _Context) -> tuple[AnyEvent, ...]:
    resync = _resync_id(c)
    return (ResyncEnd(id=f"{resync}-end", occurred_at=c.occurred_at(), resync_id=resync),)


_HANDLERS: dict[str, Callable[[_Context], tuple[AnyEvent, ...]]] = {
    "GI": _check_in,
    "GO": _check_out,
    "GC": _guest_change,
    "RE": _room_equipment,
    "WR": _wakeup_set,
    "WC": _wakeup_clear,
    "DS": _resync_start,
    "DE": _resync_end,
}
