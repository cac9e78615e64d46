"""The simulated PMS's in-house list: what a DR resync sends back as swap GIs."""

from __future__ import annotations

from connector.pms.fias.codec import Record


class InHouse:
    """Reservations in house, by G#, as the GI that checked them in (kept up to date by
    GC, removed by GO)."""

    def __init__(self) -> None:
        self._by_reservation: dict[str, Record] = {}

    def apply(self, record: Record) -> None:
        """Follow a guest record the PMS sends (GI/GO/GC); others are ignored."""
        reservation = record.get("G#")
        if reservation is None:
            return
        if record.type == "GI":
            self._by_reservation[reservation] = record
        elif record.type == "GO":
            self._by_reservation.pop(reservation, None)
        elif record.type == "GC":
            fields = tuple((i, v) for i, v in record.fields if i != "RO")
            self._by_reservation[reservation] = Record("GI", fields)

    def swap_records(self) -> list[Record]:
        """One GI per reservation in house, flagged with SF (swap flag), as sent between
        DS and DE."""
        return [
            Record("GI", (*(f for f in gi.fields if f[0] != "SF"), ("SF", "")))
            for gi in self._by_reservation.values()
        ]

    def __len__(self) -> int:
        return len(self._by_reservation)
