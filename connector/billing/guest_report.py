"""The guest's call report: a stay's charged calls as the front desk hands them over, built
from the kept calls (pure: the calls, the stay's rooms and the hotel's zone are handed in;
`report_files` writes it as CSV or XLSX).

What is on it is what the guest is charged for: calls posted to the folio (answered OK,
waiting for the PMS's answer, or unknown until someone checks the folio) and calls rated at
nothing (toll-free, emergency). A call the PMS refused, one held for a missing rate, a late
charge and one rated but not postable are not on the folio, so not on the report: they are
counted in `left_out` for the front desk, never shown to the guest as charged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, tzinfo

import phonenumbers

from connector.billing.money import format_major
from connector.hotel_time import zone_label
from connector.store import CallRecord, StaySpan

# A posting sent and not refused: on the folio, or on its way there.
_POSTED = frozenset({"posted", "accepted", "unknown"})
# Stays in house when call accounting came (schema v6) count from the beginning of time:
# their arrival is not known.
_KNOWN_SINCE_YEAR = 1900

_KIND_WORDS = {
    "local": "Local", "national": "National", "mobile": "Mobile", "premium": "Premium",
    "shared_cost": "Shared cost", "toll_free": "Toll-free", "international": "International",
    "emergency": "Emergency",
}


class ReportError(ValueError):
    """The report cannot be made; the message says why and what to do."""


@dataclass(frozen=True)
class ReportLine:
    """One call as the guest reads it: local date and time (with the zone's label, which
    changes with daylight saving), the number dialled, mm:ss of talk, the destination class
    in words, and the amount in minor units of the report's currency."""

    call_id: str
    room: str
    date: str
    time: str
    dialled: str
    duration: str
    destination: str
    amount_minor: int


@dataclass(frozen=True)
class GuestCallReport:
    """A stay's calls. `arrival`/`departure`: hotel dates (None: not known / still in house);
    `awaiting_folio`: calls on it whose posting the PMS has not confirmed (posted, unknown);
    `left_out`: the stay's calls that are not on it, and why (for the front desk)."""

    hotel: str | None
    reservation: str | None
    rooms: tuple[str, ...]
    arrival: date | None
    departure: date | None
    zone: str
    currency: str
    minor_units: int
    lines: tuple[ReportLine, ...]
    awaiting_folio: int
    left_out: tuple[tuple[str, str], ...]

    @property
    def total_minor(self) -> int:
        return sum(line.amount_minor for line in self.lines)

    @property
    def columns(self) -> tuple[str, ...]:
        return ("Date", "Time", "Room", "Number dialled", "Duration", "Destination",
                f"Amount ({self.currency})")

    def heading(self) -> list[tuple[str, str]]:
        """What the report is of, label and value, above its calls."""
        rows = [("Hotel", self.hotel)] if self.hotel else []
        if self.reservation:
            rows.append(("Reservation", self.reservation))
        rows += [("Room", ", ".join(self.rooms)),
                 ("Stay", _stay_words(self.arrival, self.departure)),
                 ("Times", f"hotel time ({self.zone})"), ("Currency", self.currency)]
        return rows

    def amount(self, amount_minor: int) -> str:
        """An amount of this report in major units ("12.50")."""
        return format_major(amount_minor, self.minor_units)


def on_the_bill(record: CallRecord) -> bool:
    """Whether the guest is charged for the call (see the module's docstring)."""
    if record.rating is None:
        return False
    return record.state in _POSTED or (record.state == "rated"
                                       and record.rating.amount_minor == 0)


def build_report(calls: Sequence[CallRecord], spans: Sequence[StaySpan], *,
                 reservation: str | None, tz: tzinfo, zone: str, hotel: str | None,
                 currency: str, minor_units: int) -> GuestCallReport:
    """The report of a stay from its calls (any state, any order) and its spans (its rooms,
    in order); `reservation` None: a room's own stay (a PMS that keys guests by room).
    `currency`/`minor_units`: the tariff's; a call rated in another currency cannot be
    added up with the others (ReportError)."""
    billed = sorted((c for c in calls if on_the_bill(c)), key=lambda c: c.call.start_time)
    foreign = sorted({c.rating.currency for c in billed if c.rating} - {currency})
    if foreign:
        raise ReportError(
            f"the stay has calls rated in {', '.join(foreign)}, not in the "
            f"tariff's {currency}: one report cannot add them up")
    rooms = tuple(dict.fromkeys([*(s.room for s in spans),
                                 *(c.room for c in billed if c.room is not None)]))
    return GuestCallReport(
        hotel=hotel or None, reservation=reservation, rooms=rooms,
        arrival=_arrival(spans, tz), departure=_departure(spans, tz), zone=zone,
        currency=currency, minor_units=minor_units,
        lines=tuple(_line(c, tz) for c in billed),
        awaiting_folio=sum(1 for c in billed if c.state in ("posted", "unknown")),
        left_out=tuple((c.call.call_id, c.state) for c in calls
                       if not on_the_bill(c) and c.state != "not_chargeable"))


def duration(seconds: int) -> str:
    """Talk time as mm:ss ("03:05"; an hour and more stays in minutes: "75:00")."""
    minutes, rest = divmod(max(seconds, 0), 60)
    return f"{minutes:02d}:{rest:02d}"


def class_words(class_name: str) -> str:
    """A tariff class as a guest reads it: "international/US" is "International (US)"."""
    kind, _, where = class_name.partition("/")
    words = _KIND_WORDS.get(kind, kind.replace("_", " ").capitalize())
    return f"{words} ({where})" if where else words


def readable_number(dialled: str) -> str:
    """An E.164 number grouped as dialled abroad ("+44 20 7183 8750"); anything else as
    Zoom gave it (a short code, a number phonenumbers does not know)."""
    if not dialled.startswith("+"):
        return dialled
    try:
        number = phonenumbers.parse(dialled, None)
    except phonenumbers.NumberParseException:
        return dialled
    if not phonenumbers.is_possible_number(number):
        return dialled
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _stay_words(arrival: date | None, departure: date | None) -> str:
    if arrival and departure:
        return f"{arrival} to {departure}"
    if arrival:
        return f"from {arrival} (in house)"
    if departure:
        return f"until {departure}"
    return "in house"


def _line(record: CallRecord, tz: tzinfo) -> ReportLine:
    assert record.rating is not None
    local = record.call.start_time.astimezone(tz)
    return ReportLine(
        call_id=record.call.call_id, room=record.room or "", date=f"{local:%Y-%m-%d}",
        time=f"{local:%H:%M} {zone_label(local)}", dialled=readable_number(record.call.dialled),
        duration=duration(record.call.talk_seconds),
        destination=class_words(record.rating.class_name),
        amount_minor=record.rating.amount_minor)


def _arrival(spans: Sequence[StaySpan], tz: tzinfo) -> date | None:
    if not spans:
        return None
    since = spans[0].since
    return None if since.year < _KNOWN_SINCE_YEAR else since.astimezone(tz).date()


def _departure(spans: Sequence[StaySpan], tz: tzinfo) -> date | None:
    if not spans or any(s.until is None for s in spans):
        return None
    return max(s.until for s in spans if s.until is not None).astimezone(tz).date()
