"""`connector calls`' listing: kept calls as a table for the front desk (hotel time, amounts
in major units, states in words, totals per stay) or as JSON for scripts. Pure: the calls,
the zone and the currencies' decimals are handed in; the command prints what comes out.

Dialled numbers are personal data: they are shown here in full (the operator asked for
them, on their own machine) and never logged.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any

from connector.billing.guest_report import class_words, duration, on_the_bill
from connector.billing.money import format_major
from connector.hotel_time import hotel_time
from connector.store import CallRecord, CallState

# What each filter asks for. `--unposted`: calls a room should be charged for that are on
# no folio (waiting, late, no rate, refused, or rated and not postable; not free ones).
ATTENTION: dict[str, tuple[CallState, ...]] = {
    "unposted": ("new", "late", "no_rate", "waiting_charge", "refused", "rated"),
    "unknown": ("unknown",),
    "no_rate": ("no_rate",),
    "late": ("late",),
}

_WORDS: dict[CallState, str] = {
    "new": "waiting to be rated",
    "not_chargeable": "not charged",
    "not_a_room": "not a room's phone",
    "vacant": "room vacant",
    "late": "late charge, not posted",
    "no_rate": "no rate",
    "waiting_charge": "waiting for Zoom's charge",
    "rated": "rated, not posted",
    "posted": "sent, waiting for the PMS",
    "accepted": "on the folio",
    "refused": "refused by the PMS",
    "unknown": "unknown: check the folio",
}
# The PMS's answers (FIAS PA's AS, or a webhook PMS's status) in words.
_ANSWERS = {
    "NP": "no-post guest", "CO": "credit limit", "NA": "night audit",
    "NG": "guest not found", "IA": "invalid account", "FX": "not allowed",
    "UR": "cannot be processed", "NOT_POSTED": "not on the folio, checked by hand",
}
_HEADINGS = ("Time", "Room", "Reservation", "Dialled", "Talk", "Class", "Amount", "State",
             "P#")

# The decimals of a currency's amounts (`connector.billing.money.minor_units_of`).
Decimals = Callable[[str], int]


@dataclass(frozen=True)
class StayTotal:
    """What a stay (a reservation, or a room's own stay) made: calls listed, calls charged
    (on the folio or on their way) and their amount in each currency (one, but for a tariff
    that changed currency during the stay)."""

    reservation: str
    rooms: tuple[str, ...]
    calls: int
    charged: int
    amounts: tuple[tuple[str, int], ...]


def state_words(record: CallRecord) -> str:
    """The call's state as the front desk says it."""
    if record.state == "rated" and record.rating is not None and record.rating.amount_minor == 0:
        return "free"
    words = _WORDS[record.state]
    answer = record.posting_answer
    if record.state == "refused" and answer:
        words += f" ({answer}: {_ANSWERS[answer]})" if answer in _ANSWERS else f" ({answer})"
    return words


def wanted(records: Sequence[CallRecord], unposted: bool) -> list[CallRecord]:
    """`--unposted` leaves out the free calls that its `rated` state also holds."""
    if not unposted:
        return list(records)
    return [r for r in records
            if not (r.state == "rated" and r.rating is not None and r.rating.amount_minor == 0)]


def table(records: Sequence[CallRecord], tz: tzinfo, decimals: Decimals) -> list[str]:
    """The calls as aligned lines, each call's reason under it where it has one."""
    rows = [_HEADINGS, *(_row(r, tz, decimals) for r in records)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(_HEADINGS))]
    lines = []
    for index, row in enumerate(rows):
        cells = [cell.rjust(width) if column in (4, 6) else cell.ljust(width)
                 for column, (cell, width) in enumerate(zip(row, widths, strict=True))]
        lines.append("  ".join(cells).rstrip())
        reason = records[index - 1].reason if index else None
        if reason:
            lines.append(f"    {reason}")
    return lines


def totals(records: Sequence[CallRecord]) -> list[StayTotal]:
    """Per stay, in the order the stays first called (calls from no stay are left out)."""
    found: dict[str, StayTotal] = {}
    for record in records:
        if record.room is None or record.state in ("not_chargeable", "vacant"):
            continue
        stay = record.reservation or f"room {record.room}'s own stay"
        old = found.get(stay, StayTotal(stay, (), 0, 0, ()))
        amounts = dict(old.amounts)
        charged = on_the_bill(record)
        if charged and record.rating is not None:
            currency = record.rating.currency
            amounts[currency] = amounts.get(currency, 0) + record.rating.amount_minor
        found[stay] = StayTotal(stay, tuple(dict.fromkeys([*old.rooms, record.room])),
                                old.calls + 1, old.charged + int(charged),
                                tuple(amounts.items()))
    return list(found.values())


def total_lines(stays: Sequence[StayTotal], decimals: Decimals) -> list[str]:
    """One line a stay: "R-7 (room 101): 2 call(s), 1 charged, 4.00 EUR"."""
    lines = []
    for stay in stays:
        money = " + ".join(f"{format_major(minor, decimals(currency))} {currency}"
                           for currency, minor in stay.amounts)
        lines.append(f"  {stay.reservation} (room {', '.join(stay.rooms)}): {stay.calls} "
                     f"call(s), {stay.charged} charged{', ' + money if money else ''}")
    return lines


def as_json(records: Sequence[CallRecord], tz: tzinfo, decimals: Decimals) -> dict[str, Any]:
    """The calls and the stays' totals for scripts: times in UTC (ISO 8601) and in hotel
    time, amounts in minor units and as major-unit text."""
    return {
        "calls": [_json(r, tz, decimals) for r in records],
        "totals": [{
            "reservation": t.reservation, "rooms": list(t.rooms), "calls": t.calls,
            "charged": t.charged,
            "amounts": [{"currency": currency, "amount_minor": minor,
                         "amount": format_major(minor, decimals(currency))}
                        for currency, minor in t.amounts],
        } for t in totals(records)],
    }


def _row(record: CallRecord, tz: tzinfo, decimals: Decimals) -> tuple[str, ...]:
    rating = record.rating
    amount = ("" if rating is None else
              f"{format_major(rating.amount_minor, decimals(rating.currency))} {rating.currency}")
    return (hotel_time(record.call.start_time, tz), record.room or "-",
            record.reservation or "-", record.call.dialled or "-",
            duration(record.call.talk_seconds),
            class_words(rating.class_name) if rating else "-", amount or "-",
            state_words(record), "" if record.p_number is None else str(record.p_number))


def _json(record: CallRecord, tz: tzinfo, decimals: Decimals) -> dict[str, Any]:
    call, rating = record.call, record.rating
    return {
        "call_id": call.call_id, "start_time": call.start_time.isoformat(),
        "start_hotel_time": hotel_time(call.start_time, tz, seconds=True),
        "extension": call.caller_extension, "room": record.room,
        "reservation": record.reservation, "dialled": call.dialled,
        "talk_seconds": call.talk_seconds, "class": rating.class_name if rating else None,
        "amount_minor": rating.amount_minor if rating else None,
        "amount": format_major(rating.amount_minor, decimals(rating.currency))
        if rating else None,
        "currency": rating.currency if rating else None, "state": record.state,
        "state_words": state_words(record), "reason": record.reason,
        "p_number": record.p_number, "posting_answer": record.posting_answer,
        "sources": list(record.sources),
    }
