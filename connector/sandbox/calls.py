"""Outside calls placed from the emulated room phones: what the admin API asks for, and a
day of a hotel's calls for benchmarks. Pure logic: no clock, no I/O.

Zoom writes a call's history record some seconds after hang-up; only then does the call
show in `GET /phone/call_history` and only then is `phone.caller_call_history_completed`
sent (`RECORD_DELAY_SECONDS`).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from connector.sandbox.state import COUNTRIES

# Zoom's record of a call exists this long after hang-up (field reports: "a few seconds").
RECORD_DELAY_SECONDS = 10.0
# The emulated account's phones are in the United States (the demo hotel's country).
HOME_COUNTRY = "US"
# Numbers Zoom routes as emergency calls (`call_type` emergency); 933 is the US test number.
EMERGENCY_NUMBERS = frozenset({"911", "933", "112"})
# `result` values of Zoom's call history (the webhook spec's enum).
RESULTS = frozenset({
    "answered", "accepted", "picked_up", "connected", "succeeded", "voicemail", "hang_up",
    "canceled", "call_failed", "unconnected", "rejected", "busy", "ring_timeout",
    "overflowed", "no_answer", "invalid_key", "invalid_operation", "abandoned",
    "system_blocked", "service_unavailable",
})
_CALLING_CODES = sorted(((str(code), iso) for iso, (_, code) in COUNTRIES.items()),
                        key=lambda c: -len(c[0]))
# Canada shares +1 with the United States; which is which takes the area code.
_SHARED_CODE_HOME = {"1": "US"}


class CallOrderInvalid(ValueError):
    """An outside call the sandbox cannot place; the message names the field."""


@dataclass(frozen=True)
class CallOrder:
    """An outside call a room phone places: `talk_seconds` once the far end answers (a call
    with another result has none). `start` None: the call has just ended."""

    extension: int
    number: str
    talk_seconds: int = 60
    result: str = "answered"
    start: datetime | None = None
    ring_seconds: int = 5
    country: str | None = None  # the far end's ISO country; None: read from the number

    @property
    def emergency(self) -> bool:
        return self.number in EMERGENCY_NUMBERS

    @property
    def callee_country(self) -> str:
        return self.country or country_of(self.number) or HOME_COUNTRY

    @property
    def international(self) -> bool:
        return not self.emergency and self.callee_country != HOME_COUNTRY

    @classmethod
    def from_json(cls, body: Mapping[str, Any]) -> CallOrder:
        """From the admin API: `extension`, `number`, and optionally `talk_seconds`,
        `result`, `start` (ISO 8601 with a zone), `ring_seconds`, `country`."""
        try:
            extension = int(body["extension"])
            number = str(body["number"]).strip()
        except KeyError as missing:
            raise CallOrderInvalid(f"{missing.args[0]} is required") from None
        except (TypeError, ValueError):
            raise CallOrderInvalid("extension must be a number") from None
        start = body.get("start")
        country = body.get("country")
        order = cls(
            extension=extension, number=number,
            talk_seconds=_whole(body, "talk_seconds", 60),
            result=str(body.get("result", "answered")),
            start=_moment(start) if start is not None else None,
            ring_seconds=_whole(body, "ring_seconds", 5),
            country=str(country).upper() if country is not None else None,
        )
        order.check()
        return order

    def check(self) -> None:
        """CallOrderInvalid unless Zoom could have recorded this call."""
        if not self.number:
            raise CallOrderInvalid("number is required")
        if self.result not in RESULTS:
            raise CallOrderInvalid(f"result must be one of Zoom's: {', '.join(sorted(RESULTS))}")
        if self.talk_seconds < 0 or self.ring_seconds < 0:
            raise CallOrderInvalid("talk_seconds and ring_seconds cannot be negative")


def _whole(body: Mapping[str, Any], name: str, default: int) -> int:
    value = body.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise CallOrderInvalid(f"{name} must be a whole number of seconds")
    return value


def _moment(value: object) -> datetime:
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise CallOrderInvalid(f"start is not an ISO 8601 time: {value!r}") from None
    if moment.tzinfo is None:
        raise CallOrderInvalid("start needs a time zone (e.g. Z)")
    return moment


def country_of(number: str) -> str | None:
    """The ISO country of an E.164 number, by the calling codes the emulator knows (enough
    for the emulator's call history; the connector classifies numbers with `phonenumbers`);
    None for a short number or an unknown code."""
    if not number.startswith("+"):
        return None
    digits = number[1:]
    for code, iso in _CALLING_CODES:
        if digits.startswith(code):
            return _SHARED_CODE_HOME.get(code, iso)
    return None


# A hotel's outside calls, by share: (weight, numbers, talk seconds range). Every number is
# valid for `phonenumbers` (so a tariff can rate it); London's is from Ofcom's range for drama.
_TRAFFIC: tuple[tuple[float, tuple[str, ...], tuple[int, int]], ...] = (
    (0.40, ("+12125550143", "+12127365000", "+16465550171"), (20, 600)),  # local (NYC)
    (0.22, ("+13125550177", "+14155550123", "+15615550123"), (30, 900)),  # national
    (0.06, ("+18005550100", "+18885550123"), (60, 1200)),  # toll-free
    (0.10, ("+442079460018", "+447400123456"), (60, 1500)),  # United Kingdom
    (0.06, ("+33142685300", "+33612345678"), (60, 1200)),  # France
    (0.05, ("+493012345678", "+4915112345678"), (60, 1200)),  # Germany
    (0.05, ("+525512345678",), (60, 900)),  # Mexico
    (0.05, ("+81312345678",), (60, 900)),  # Japan
    (0.005, ("+19005550199",), (30, 300)),  # premium
    (0.005, ("933",), (10, 60)),  # the emergency test number: never charged, never blocked
)
_UNANSWERED = ("no_answer", "busy", "canceled", "voicemail")
# No call of `day_of_calls` lasts longer (talk and ringing), so a day that ended this long ago
# is all in Zoom's records.
LONGEST_CALL = timedelta(minutes=30)


def day_of_calls(extensions: Sequence[int], count: int, start: datetime,
                 span: timedelta, rng: random.Random) -> list[CallOrder]:
    """`count` outside calls from `extensions`, started over [start, start + span), in
    start order: a hotel's mix of local, national, toll-free, international, premium and
    emergency calls, one in seven not answered. Seeded by `rng`, so a benchmark can repeat
    a day exactly."""
    if not extensions or count <= 0:
        return []
    weights = [w for w, _, _ in _TRAFFIC]
    seconds = max(1, int(span.total_seconds()))
    offsets = sorted(rng.randrange(seconds) for _ in range(count))
    orders = []
    for offset in offsets:
        _, numbers, (shortest, longest) = rng.choices(_TRAFFIC, weights)[0]
        answered = rng.random() >= 1 / 7
        orders.append(CallOrder(
            extension=rng.choice(extensions), number=rng.choice(numbers),
            talk_seconds=rng.randint(shortest, longest) if answered else 0,
            result="answered" if answered else rng.choice(_UNANSWERED),
            start=start + timedelta(seconds=offset), ring_seconds=rng.randint(3, 20),
        ))
    return orders
