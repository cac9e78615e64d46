"""Records the connector sends to the PMS (pure): wake-up answers, guest-set wake-ups, maid
status and guest service status (DND, make-up room) from the room phone, call-charge
postings, and reading the posting answer."""

from __future__ import annotations

import enum
import re
from datetime import datetime, timedelta, tzinfo

from connector.pms.fias.codec import Record
from connector.pms.fias.errors import MappingError
from connector.pms.fias.timefields import da_ti

MAX_POSTING_NUMBER = 99_999_999  # P# is at most 8 digits
_DIGITS = re.compile(r"\d{1,20}")
_STATUS = re.compile(r"[A-Z]{2}")


class AnswerStatus(enum.StrEnum):
    """FIAS `AS` values the connector sends or commonly receives (pms-facts §1.5)."""

    OK = "OK"  # done (wake-up answered, posting accepted)
    BUSY = "BY"  # wake-up: line busy
    NO_RESPONSE = "NR"  # wake-up: not answered
    UNPROCESSABLE = "UR"  # cannot be carried out, do not retry
    RETRY = "RY"
    DELETED = "DE"
    DENIED = "DN"
    NIGHT_AUDIT = "NA"
    GUEST_NOT_FOUND = "NG"
    NO_POST = "NP"  # posting refused: the guest is on no-post
    CREDIT_LIMIT = "CO"
    NOT_ALLOWED = "FX"
    INVALID_ACCOUNT = "IA"


class MaidStatus(enum.IntEnum):
    """FIAS `RS`: what housekeeping reports from the room phone."""

    DIRTY_VACANT = 1
    DIRTY_OCCUPIED = 2
    CLEAN_VACANT = 3
    CLEAN_OCCUPIED = 4
    INSPECTED_VACANT = 5
    INSPECTED_OCCUPIED = 6


class GuestServiceStatus(enum.IntEnum):
    """FIAS `RS` 8-10: the guest service status the phone reports. One status at a time:
    DND on, make-up room on, or neither (which clears both at the PMS)."""

    DND_ON = 8
    MAKE_UP_ROOM = 9
    ALL_OFF = 10


def _room(room: str) -> tuple[str, str]:
    room = room.strip()
    if not room or "|" in room:
        raise ValueError(f"not a room number: {room!r}")
    return ("RN", room)


def wakeup_answer(
    room: str, requested_at: datetime, status: AnswerStatus | str, *, tz: tzinfo
) -> Record:
    """WA: the one final result of a wake-up. DA/TI are the ORIGINAL requested time (not
    now): that is how the PMS finds the request it answers."""
    value = str(status)
    if not _STATUS.fullmatch(value):
        raise ValueError(f"answer status must be two capital letters, not {value!r}")
    return Record.of("WA", _room(room), *da_ti(requested_at, tz), ("AS", value))


def wakeup_set(room: str, at: datetime, *, tz: tzinfo) -> Record:
    """WR: a wake-up the guest set from the room phone, reported to the PMS."""
    return Record.of("WR", _room(room), *da_ti(at, tz))


def wakeup_clear(room: str, at: datetime, *, tz: tzinfo) -> Record:
    """WC: a wake-up the guest cancelled from the room phone (the PMS matches RN+DA+TI)."""
    return Record.of("WC", _room(room), *da_ti(at, tz))


def maid_status(room: str, status: MaidStatus | int) -> Record:
    """RE with RS 1-6, as housekeeping dialled it from the room phone."""
    level = MaidStatus(status)  # ValueError outside 1-6
    return Record.of("RE", _room(room), ("RS", str(int(level))))


def guest_service_status(room: str, status: GuestServiceStatus | int) -> Record:
    """RE with RS 8-10: DND or make-up room set on the room phone, or both off. Oracle's
    spec (p. 62-65) has no DN towards the PMS: this is the only way to say DND."""
    level = GuestServiceStatus(status)  # ValueError outside 8-10
    return Record.of("RE", _room(room), ("RS", str(int(level))))


def _duration(value: timedelta) -> str:
    seconds = int(value.total_seconds())
    if not 0 <= seconds < 100 * 3600:
        raise ValueError("a call duration must be between 0 and 99:59:59")
    return f"{seconds // 3600:02d}{seconds % 3600 // 60:02d}{seconds % 60:02d}"


def posting(
    posting_number: int,
    room: str,
    amount_minor: int,
    *,
    at: datetime,
    tz: tzinfo,
    dialled: str | None = None,
    duration: timedelta | None = None,
    posting_type: str = "C",
    reservation: str | None = None,
    sales_outlet: str | None = None,
    trunk: str | None = None,
    call_type: str | None = None,
    text: str | None = None,
) -> Record:
    """PS: a direct charge (PT C) of `amount_minor` (integer minor units: 150 = 1.50) for a
    call to `dialled` lasting `duration`, ended at `at`. `posting_number` (P#, 1-99999999)
    must be allocated durably by the caller and never reused: a PS whose PA never came may
    already be on the folio, and a new P# would post it twice. `sales_outlet` (SO), `trunk`
    (PX) and `call_type` (PC) go only to an IFC configured for them (`PostingFields`)."""
    if not 1 <= posting_number <= MAX_POSTING_NUMBER:
        raise ValueError(f"P# must be 1-{MAX_POSTING_NUMBER}, not {posting_number}")
    if isinstance(amount_minor, bool) or not isinstance(amount_minor, int) or amount_minor < 0:
        raise ValueError("TA is a non-negative integer of minor units")
    if dialled is not None and not _DIGITS.fullmatch(dialled):
        raise ValueError("DD must be 1-20 digits")
    if not re.fullmatch(r"[A-Z]", posting_type):
        raise ValueError("PT is one capital letter (C: direct charge)")
    optional = (
        ("G#", reservation), ("SO", sales_outlet), ("PX", trunk), ("PC", call_type),
        ("CT", text),
    )
    return Record.of(
        "PS",
        _room(room),
        ("PT", posting_type),
        ("TA", str(amount_minor)),
        ("DD", dialled) if dialled is not None else None,
        ("DU", _duration(duration)) if duration is not None else None,
        *da_ti(at, tz),
        ("P#", str(posting_number)),
        *((key, value) for key, value in optional if value),
    )


def parse_posting_answer(record: Record) -> tuple[int, str]:
    """PA -> (P#, AS): which posting the PMS answered and how (AS OK, NP, CO, NA, ...)."""
    if record.type != "PA":
        raise MappingError(f"{record.type} is not a posting answer (PA)")
    number, status = (record.get("P#") or "").strip(), (record.get("AS") or "").strip()
    if not number.isdigit() or not 1 <= int(number) <= MAX_POSTING_NUMBER:
        raise MappingError(f"PA without a valid posting number (P#{number!r})")
    if not _STATUS.fullmatch(status):
        raise MappingError(f"PA for P#{number} without a valid answer status (AS{status!r})")
    return int(number), status
