"""Reports back to the PMS, pure: the payload kept in the outbox, and how each channel says it.

A payload is channel-neutral JSON, so a report made while the PMS link was down (or before
any channel was configured) can go out through whichever channel the hotel has when it is
sent. Times are kept as ISO-8601 in hotel time, with their offset.

- `fias_record(report, tz)`: the FIAS record (WA, WR, WC, RE, PS) via `fias.outbound`;
  guest service status is RE with RS 8-10, never DN (Oracle's spec has no DN to the PMS).
- `callback_body(report, report_id)`: the JSON a webhook PMS receives (docs/reporter.md).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime, timedelta, tzinfo

from connector.pms.fias import outbound
from connector.pms.fias.codec import Record
from connector.pms.fias.outbound import AnswerStatus, GuestServiceStatus, MaidStatus
from connector.pms.fias.posting_fields import PostingFields
from connector.store import Report

_CONDITION = re.compile(r"[a-z_]{1,32}")
# Dummy P# for checking a posting's fields before the real one is allocated.
_ANY_P_NUMBER = 1


def _aware(moment: datetime, what: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, not {moment.isoformat()}")
    return moment


def _local_text(moment: datetime, tz: tzinfo) -> str:
    return moment.astimezone(tz).isoformat()


def _time(payload: Mapping[str, object], key: str) -> datetime:
    return datetime.fromisoformat(str(payload[key]))


# Payloads, checked against the FIAS rules up front: a report that cannot be sent is refused
# when it is made, not found stuck at the head of the outbox later.

def wakeup_answer_payload(room: str, requested_at: datetime, status: AnswerStatus | str,
                          tz: tzinfo) -> dict[str, object]:
    outbound.wakeup_answer(room, _aware(requested_at, "requested_at"), status, tz=tz)
    return {"requested_at": _local_text(requested_at, tz), "status": str(status)}


def wakeup_time_payload(room: str, at: datetime, tz: tzinfo) -> dict[str, object]:
    outbound.wakeup_set(room, _aware(at, "the wake-up time"), tz=tz)
    return {"at": _local_text(at, tz)}


def maid_status_payload(room: str, status: MaidStatus | int) -> dict[str, object]:
    return {"status": int(outbound.maid_status(room, status).get("RS") or 0)}


def guest_service_payload(room: str, status: GuestServiceStatus | int) -> dict[str, object]:
    """DND on (8), make-up room (9) or all off (10), as the guest set it on the phone."""
    return {"status": int(outbound.guest_service_status(room, status).get("RS") or 0)}


def room_condition_payload(room: str, condition: str,
                           status: MaidStatus | int) -> dict[str, object]:
    """A condition FIAS RS cannot carry (out of order, maintenance needed), sent as a maid
    status report with the status it leaves the room in and the condition beside it."""
    if not _CONDITION.fullmatch(condition):
        raise ValueError(f"a room condition is a lower-case word, not {condition!r}")
    return {**maid_status_payload(room, status), "condition": condition}


def posting_payload(room: str, *, amount_minor: int, dialled: str, duration_seconds: int,
                    at: datetime, posting_type: str, tz: tzinfo, class_name: str | None = None,
                    fields: PostingFields | None = None) -> dict[str, object]:
    """`class_name`: the tariff class the call was rated in (PC comes from it). With the
    link's `fields`, a posting the IFC could not take (no PC for its class) is refused now."""
    if isinstance(duration_seconds, bool) or not isinstance(duration_seconds, int):
        raise ValueError("the call duration is a whole number of seconds")
    fields = fields or PostingFields()
    outbound.posting(_ANY_P_NUMBER, room, amount_minor, at=_aware(at, "the call's end"), tz=tz,
                     dialled=dialled, duration=timedelta(seconds=duration_seconds),
                     posting_type=posting_type, call_type=fields.call_type(class_name))
    payload: dict[str, object] = {
        "amount_minor": amount_minor, "dialled": dialled,
        "duration_seconds": duration_seconds, "at": _local_text(at, tz),
        "posting_type": posting_type}
    if class_name is not None:
        payload["class_name"] = class_name
    return payload


# Channels

def fias_record(report: Report, tz: tzinfo, posting: PostingFields | None = None) -> Record:
    """The FIAS record for a report (ValueError if its payload cannot be one). `posting`:
    the SO/PX/PC this hotel's IFC wants on every PS."""
    payload = report.payload
    posting = posting or PostingFields()
    match report.kind:
        case "wakeup_answer":
            return outbound.wakeup_answer(report.room, _time(payload, "requested_at"),
                                          str(payload["status"]), tz=tz)
        case "wakeup_set":
            return outbound.wakeup_set(report.room, _time(payload, "at"), tz=tz)
        case "wakeup_clear":
            return outbound.wakeup_clear(report.room, _time(payload, "at"), tz=tz)
        case "maid_status":
            return outbound.maid_status(report.room, _int(payload["status"]))
        case "guest_service":
            return outbound.guest_service_status(report.room, _int(payload["status"]))
        case "posting":
            if report.p_number is None:
                raise ValueError(f"posting {report.id} has no P#")
            return outbound.posting(
                report.p_number, report.room, _int(payload["amount_minor"]),
                at=_time(payload, "at"), tz=tz, dialled=str(payload["dialled"]),
                duration=timedelta(seconds=_int(payload["duration_seconds"])),
                posting_type=str(payload["posting_type"]), sales_outlet=posting.sales_outlet,
                trunk=posting.trunk, call_type=posting.call_type(_class(payload)))
    raise ValueError(f"report {report.id} is of an unknown kind {report.kind!r}")


def callback_body(report: Report, report_id: str) -> bytes:
    """The JSON a webhook PMS receives for a report: compact UTF-8, keys in a fixed order.
    `report_id` is its idempotency key (the same on every retry)."""
    body: dict[str, object] = {
        "id": report_id,
        "type": report.kind,
        "room": report.room,
        "created_at": report.created_at.isoformat(),
        **report.payload,
    }
    if report.kind == "maid_status":
        body["status_name"] = MaidStatus(_int(report.payload["status"])).name.lower()
    elif report.kind == "guest_service":
        body["status_name"] = GuestServiceStatus(_int(report.payload["status"])).name.lower()
    if report.p_number is not None:
        body["posting_number"] = report.p_number
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def _class(payload: Mapping[str, object]) -> str | None:
    value = payload.get("class_name")
    return None if value is None else str(value)


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected a whole number, not {value!r}")
    return value
