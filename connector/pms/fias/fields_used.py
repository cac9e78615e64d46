"""Which fields of each record the mapping reads (the table beside `mapping`), and what a
record carries that the connector does not use (pure).

The PMS should send only what our LR subscriptions ask for (`config.DEFAULT_SUBSCRIPTIONS`);
this catches a PMS that ignores the list, and fields we subscribe to but leave unread.
Keep the table in step with `mapping`: a field read there and missing here is reported as
unused, one listed here and never read would hide a loss.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from connector.pms.fias.codec import Record
from connector.pms.fias.mapping import maid_status

# DA/TI date every event (or are the wake-up's time); RN names the room.
_GUEST = frozenset({"RN", "G#", "GN", "GF", "GT", "GV", "GL", "GS", "GA", "GD", "CS", "DA",
                    "TI"})
USED_FIELDS: Mapping[str, frozenset[str]] = MappingProxyType({
    "GI": _GUEST,
    "GC": _GUEST | {"RO"},
    "GO": frozenset({"RN", "G#", "DA", "TI"}),  # GS: a check-out is by reservation or room
    "RE": frozenset({"RN", "DN", "ML", "CS", "RS", "DA", "TI"}),
    "WR": frozenset({"RN", "DA", "TI"}),
    "WC": frozenset({"RN", "DA", "TI"}),
    "DS": frozenset({"DA", "TI"}),
    "DE": frozenset({"DA", "TI"}),
})
# Records read elsewhere: posting answers (the postings pump) and the night audit's start
# and end (which hold and release postings).
READ_ELSEWHERE = frozenset({"PA", "NS", "NE"})
# The swap flag only means something inside a resync (DS … DE).
_RESYNC_ONLY = frozenset({"SF"})
WHOLE_RECORD = "*"


def unused_fields(record: Record, *, in_resync: bool) -> tuple[str, ...]:
    """The ids of the record's fields the connector does not use, in wire order, each once;
    `("*",)` for a record type it does not use at all. RS is unused when it is not a maid
    status (1-6: guest service and out-of-order codes are not applied)."""
    if record.type in READ_ELSEWHERE:
        return ()
    used = USED_FIELDS.get(record.type)
    if used is None:
        return (WHOLE_RECORD,)
    if in_resync and record.type in ("GI", "GO", "GC"):
        used = used | _RESYNC_ONLY
    unused = [f for f, _ in record.fields if f not in used]
    if record.type == "RE" and record.get("RS") is not None and maid_status(record) is None:
        unused.append("RS")
    return tuple(dict.fromkeys(unused))
