"""The optional fields of a call-charge posting (PS) a hotel's IFC may be configured for
(pure): SO sales outlet, PX trunk, PC call type (Oracle's spec, pms-facts §1.0).

The IFC reads only the fields our LR for PS announces, and one set up for SO/PX/PC expects
them on every PS: so the LR announces exactly `PostingFields.names()`, and every PS carries
each of them. PC comes from the tariff class the call was rated in; a class the hotel gave
no PC for (neither the class, its kind, nor `*`) cannot be posted, rather than posted without
it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from connector.pms.fias.config import DEFAULT_SUBSCRIPTIONS, Subscription

# The PS fields every posting carries, in the order `outbound.posting` writes them.
BASE_PS_FIELDS = ("DA", "TI", "RN", "PT", "TA", "DD", "DU", "P#")
# A field value: printable ASCII without the separator, short enough for any IFC's column.
_VALUE = re.compile(r"[A-Za-z0-9 ._-]{1,16}")
_CLASS = re.compile(r"\*|[a-z_-]{1,40}(/[A-Za-z0-9_-]{1,40})?")
ANY_CLASS = "*"


def _value(value: str, what: str) -> str:
    value = value.strip()
    if not _VALUE.fullmatch(value):
        raise ValueError(f"{what} must be 1-16 letters, digits, spaces or ._- , not {value!r}")
    return value


def parse_call_types(text: str) -> dict[str, str]:
    """`local=L,national=N,international=I,international/US=U,*=O` → {class: PC}.
    Empty text: no PC. ValueError naming the first bad entry."""
    mapping: dict[str, str] = {}
    for entry in (part.strip() for part in text.split(",")):
        if not entry:
            continue
        name, sep, code = entry.partition("=")
        name = name.strip()
        if not sep or not _CLASS.fullmatch(name):
            raise ValueError(f"a call type is `class=CODE` (class in lower case, or *), "
                             f"not {entry!r}")
        if name in mapping:
            raise ValueError(f"the tariff class {name!r} is given a call type twice")
        mapping[name] = _value(code, f"the call type (PC) for {name!r}")
    return mapping


@dataclass(frozen=True, slots=True)
class PostingFields:
    """What this hotel's IFC wants beside the base PS fields; all None/empty: nothing."""

    sales_outlet: str | None = None
    trunk: str | None = None
    call_types: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        if self.sales_outlet is not None:
            _value(self.sales_outlet, "the sales outlet (SO)")
        if self.trunk is not None:
            _value(self.trunk, "the trunk (PX)")
        object.__setattr__(self, "call_types", MappingProxyType(dict(self.call_types)))

    def names(self) -> tuple[str, ...]:
        """The optional fields every PS carries, in the order they are written."""
        return tuple(name for name, on in (
            ("SO", self.sales_outlet is not None), ("PX", self.trunk is not None),
            ("PC", bool(self.call_types))) if on)

    def call_type(self, class_name: str | None) -> str | None:
        """PC for a call rated in `class_name`: its own entry, else its kind's
        (`international` for `international/US`), else `*`. None when PC is not configured;
        ValueError when it is but none of these is listed."""
        if not self.call_types:
            return None
        name = class_name or ""
        code = (self.call_types.get(name) or self.call_types.get(name.partition("/")[0])
                or self.call_types.get(ANY_CLASS))
        if code is None:
            listed = ", ".join(sorted(self.call_types))
            raise ValueError(f"no FIAS call type (PC) for the tariff class {class_name!r}: "
                             f"CONNECTOR_FIAS__POSTING_CALL_TYPES names only {listed}")
        return code

    def ps_subscription(self) -> Subscription:
        """The LR for PS: the base fields and exactly the optional ones sent."""
        return Subscription("PS", (*BASE_PS_FIELDS, *self.names()))

    def subscriptions(
        self, base: tuple[Subscription, ...] = DEFAULT_SUBSCRIPTIONS
    ) -> tuple[Subscription, ...]:
        """`base` with its PS entry replaced by `ps_subscription()`."""
        return tuple(self.ps_subscription() if s.record_type == "PS" else s for s in base)
