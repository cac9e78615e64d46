"""What kind of number a room dialled, as Google's `phonenumbers` sees it (pure, no I/O).

The tariff prices destinations by number type and region; those come from libphonenumber's
metadata (kept up to date by Google from the numbering plans), never from a hand-written
prefix table. A number dialled without `+` is read as the hotel's home region reads it
(`020…` in GB, `011…` from the US), so the same call reads the same however Zoom wrote it.
"""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberType, shortnumberinfo

# phonenumbers' region for numbers of no country (+800, +870, +881, +882, …).
NON_GEOGRAPHIC = "001"


@dataclass(frozen=True)
class Destination:
    """A dialled number, read. `e164` is None when the digits cannot be read as a number
    at all; `region` is an ISO 3166 alpha-2 code, `001` for non-geographic numbers, or None
    when the number is not valid; `number_type` is a `PhoneNumberType` name
    (FIXED_LINE, MOBILE, FIXED_LINE_OR_MOBILE, TOLL_FREE, PREMIUM_RATE, SHARED_COST, VOIP,
    PERSONAL_NUMBER, PAGER, UAN, VOICEMAIL, UNKNOWN)."""

    dialled: str
    e164: str | None
    calling_code: int | None
    region: str | None
    number_type: str
    valid: bool
    domestic: bool
    emergency: bool

    @property
    def shown(self) -> str:
        """The number cut after its country code and two digits (`+44791…`): enough for the
        front desk to see where the call went, without writing a guest's contact into logs
        and doctor output."""
        digits = self.e164 or self.dialled
        keep = len(str(self.calling_code)) + 3 if self.calling_code else 4
        return digits if len(digits) <= keep else digits[:keep] + "…"


def classify(dialled: str, home_region: str) -> Destination:
    """Read `dialled` as a room in `home_region` (ISO 3166 alpha-2) dialled it."""
    text = dialled.strip()
    # Zoom marks emergency calls itself; this also catches 112/911/999 dialled as digits.
    emergency = shortnumberinfo.is_emergency_number(text, home_region)
    try:
        number = phonenumbers.parse(text, home_region)
    except phonenumbers.NumberParseException:
        return Destination(text, None, None, None, "UNKNOWN", False, False, emergency)
    valid = phonenumbers.is_valid_number(number)
    region = phonenumbers.region_code_for_number(number) if valid else None
    number_type = PhoneNumberType.to_string(phonenumbers.number_type(number))
    return Destination(
        dialled=text,
        e164=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        calling_code=number.country_code,
        region=region,
        number_type=number_type or "UNKNOWN",
        valid=valid,
        domestic=region == home_region,
        emergency=emergency,
    )
