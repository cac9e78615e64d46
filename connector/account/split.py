"""An account-wide listing split into each hotel's rows (`routing.py`). Pure."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from connector.account.group import Group, Hotel

Row = dict[str, Any]


@dataclass(frozen=True)
class Split:
    """Each hotel's rows (every hotel of the group, even with none) and how many rows no
    hotel owns (another app's extensions, a call queue)."""

    by_hotel: dict[str, list[Row]]
    unowned: int


def split_rows(group: Group, rows: Iterable[Row],
               hotel_of: Callable[[Group, Mapping[str, Any]], Hotel | None]) -> Split:
    by_hotel: dict[str, list[Row]] = {hotel.hotel_id: [] for hotel in group.hotels}
    unowned = 0
    for row in rows:
        hotel = hotel_of(group, row)
        if hotel is None:
            unowned += 1
        else:
            by_hotel[hotel.hotel_id].append(row)
    return Split(by_hotel, unowned)
