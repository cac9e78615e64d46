"""Times as the hotel reads them: in the hotel's zone, labelled with that zone.

The store keeps UTC; people at the hotel think in wall-clock time. Every time a command or a
log line shows goes through here, so "07:00 CET" means what the front desk means by it.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo


def zone_label(moment: datetime) -> str:
    """The zone's abbreviation at `moment` ("CET", "CEST", "EST"), or its name where the zone
    has none (tzdata writes "-03" for America/Sao_Paulo: a bare offset reads as a typo)."""
    abbreviation = moment.tzname() or ""
    if abbreviation and abbreviation[0] not in "+-":
        return abbreviation
    zone = moment.tzinfo
    return zone.key if isinstance(zone, ZoneInfo) else str(zone)


def hotel_time(moment: datetime, tz: tzinfo, *, seconds: bool = False,
               same_day_as: datetime | None = None) -> str:
    """`moment` in the hotel's zone with its label: "2026-03-10 07:00 CET".

    With `same_day_as`, the date is left out when both fall on the same hotel day
    ("07:00 CET"), as people say it. Naive datetimes are refused: the store has none."""
    if moment.tzinfo is None:
        raise ValueError(f"refusing a naive datetime ({moment.isoformat()}): give it a zone")
    local = moment.astimezone(tz)
    clock = f"{local:%H:%M:%S}" if seconds else f"{local:%H:%M}"
    if same_day_as is not None and same_day_as.astimezone(tz).date() == local.date():
        return f"{clock} {zone_label(local)}"
    return f"{local:%Y-%m-%d} {clock} {zone_label(local)}"
