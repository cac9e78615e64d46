"""What the connector says to OPERA, as OHIP's request bodies (pure, no I/O).

Wake-up times are property time without an offset, as OPERA keeps them (fof.json
`callTime`); a wake-up result echoes the call's own `callTime`, so OPERA finds the call.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, tzinfo
from decimal import Decimal
from typing import Any

from connector.pms.fias.outbound import AnswerStatus, MaidStatus
from connector.pms.ohip.translate import parse_time

Json = dict[str, Any]

# FIAS maid status (RS 1-6) as OPERA's front office status and housekeeping room status.
_ROOM_STATUS: Mapping[MaidStatus, tuple[str, str]] = {
    MaidStatus.DIRTY_VACANT: ("Vacant", "Dirty"), MaidStatus.DIRTY_OCCUPIED: ("Occupied", "Dirty"),
    MaidStatus.CLEAN_VACANT: ("Vacant", "Clean"), MaidStatus.CLEAN_OCCUPIED: ("Occupied", "Clean"),
    MaidStatus.INSPECTED_VACANT: ("Vacant", "Inspected"),
    MaidStatus.INSPECTED_OCCUPIED: ("Occupied", "Inspected")}


def property_time(moment: datetime, tz: tzinfo) -> str:
    """`moment` as OPERA's property time, to the second, without an offset."""
    return moment.astimezone(tz).replace(tzinfo=None).isoformat(timespec="seconds")


def wakeup_result(code: str) -> str:
    """A FIAS wake-up answer (WA `AS`) as OPERA's wake-up status: answered is Completed;
    busy, no answer and anything else is NoAnswer (OPERA has no third outcome)."""
    return "Completed" if code == AnswerStatus.OK else "NoAnswer"


def find_call(answer: Mapping[str, Any], requested_at: datetime,
              tz: tzinfo) -> Mapping[str, Any] | None:
    """The wake-up call of a `wakeUpCalls` answer set for `requested_at` (not cancelled)."""
    for call in answer.get("calls") or []:
        if not isinstance(call, Mapping) or call.get("status") == "Cancelled":
            continue
        when = parse_time(str(call.get("callTime") or ""), tz)
        if when is not None and when == requested_at:
            return call
    return None


def call_reservation(call: Mapping[str, Any]) -> str | None:
    """The reservation a wake-up call belongs to."""
    info = call.get("reservationInfo")
    ids = info.get("reservationIdList") if isinstance(info, Mapping) else None
    for row in ids if isinstance(ids, list) else []:
        if isinstance(row, Mapping) and row.get("id"):
            return str(row["id"])
    return None


def wakeup_answer_body(call: Mapping[str, Any], status: str) -> Json:
    """The PUT that writes a call's result, keeping its requested time."""
    info = call.get("reservationInfo")
    reservation: Json = {}
    if isinstance(info, Mapping):
        reservation = {k: info[k] for k in ("reservationIdList", "room") if k in info}
    return {"calls": [{"reservationInfo": reservation, "callTime": call.get("callTime"),
                       "status": status}]}


def wakeup_new_body(reservation: str, room: str, at: datetime, tz: tzinfo) -> Json:
    """The POST of a wake-up the guest set on the room phone."""
    return {"calls": [{
        "reservationInfo": {"reservationIdList": [{"id": reservation, "type": "Reservation"}],
                            "room": room},
        "callTime": property_time(at, tz), "status": "Pending"}]}


def room_status_body(room: str, status: int) -> Json:
    """The PUT of a maid status keyed on the room phone (hsk.json
    `housekeepingRoomStatusCriteria`)."""
    front, housekeeping = _ROOM_STATUS[MaidStatus(status)]
    return {"roomList": [{"roomId": room}], "housekeepingStatus": front,
            "housekeepingRoomStatus": housekeeping}


def charge_body(hotel_id: str, reservation: str, *, transaction_code: str, amount_minor: int,
                minor_units: int, currency: str, reference: str, remark: str,
                cashier_id: int | None) -> Json:
    """The postBillingCharges body (csh.json `billingCharges`): one charge, final amount,
    our report id as the posting reference."""
    amount = Decimal(amount_minor).scaleb(-minor_units)
    charge: Json = {
        "transactionCode": transaction_code,
        "price": {"amount": int(amount) if minor_units == 0 else float(amount),
                  "currencyCode": currency},
        "postingQuantity": 1, "postingReference": reference, "postingRemark": remark}
    criteria: Json = {"hotelId": hotel_id,
                      "reservationId": {"id": reservation, "type": "Reservation"},
                      "charges": [charge]}
    if cashier_id is not None:
        criteria["cashierId"] = cashier_id
    return {"criteria": criteria}


def charge_remark(duration_seconds: int) -> str:
    """The folio line's remark: the call's length, never the number dialled (a folio is
    printed and kept by OPERA, beyond the connector's erasure of dialled numbers)."""
    minutes, seconds = divmod(max(0, duration_seconds), 60)
    return f"Phone call {minutes} min {seconds:02d} s"
