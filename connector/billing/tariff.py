"""The hotel's tariff: what a call from a room costs the guest, read and checked from the
hotel's YAML file (docs/billing.md has a full example and every field).

Money is kept in integer minor units of the tariff's currency (cents, fils, yen), except a
price per minute, which may hold a fraction of a minor unit (0.015 EUR a minute is 1.5 cents):
it is kept as an exact `Decimal` and a call's amount is rounded once, at the end. Amounts in
the file are decimal text in major units ("0.25"), read exactly, never through a float.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Literal

import phonenumbers
import yaml
from iso4217 import Currency

from connector.billing.yaml_fields import (
    Problems,
    YamlUnreadable,
    compose,
    mapping,
    scalar,
    sequence,
)

Rounding = Literal["up", "half_up", "down"]
ROUNDINGS: tuple[Rounding, ...] = ("up", "half_up", "down")

# The classes a tariff may have, by what they match (docs/billing.md, "Which class a call
# falls in"). `emergency` is not one: emergency calls are free and never blocked, whatever
# the file says.
KINDS = ("local", "national", "mobile", "premium", "shared_cost", "toll_free", "international")

_HOTEL_FIELDS = ("currency", "minor_units", "home_region", "rounding", "zones", "classes")
_CLASS_FIELDS = (
    "prefixes", "connection_fee", "increments", "per_minute", "minimum_charge",
    "free_seconds", "carrier_markup_percent",
)
_AMOUNT = re.compile(r"\d+(\.\d+)?")
_PREFIX = re.compile(r"\+[1-9]\d{0,14}")
_INCREMENTS = re.compile(r"(\d+)\s*/\s*(\d+)")
_ZONE = re.compile(r"[a-z][a-z0-9_-]*")
_CALLING_CODE = re.compile(r"\+[1-9]\d{0,2}")


class TariffError(ValueError):
    """The tariff file cannot be used; the message lists every problem, each with its line
    and field, so that one edit fixes them all."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            f"tariff {path}: {len(problems)} problem(s)\n  " + "\n  ".join(problems))


@dataclass(frozen=True)
class TariffClass:
    """One destination class and its prices. `name` is one of `KINDS`, or
    `international/<country or zone>` (`international/US`, `international/europe`)."""

    name: str
    prefixes: tuple[str, ...]
    connection_fee_minor: int
    first_increment: int
    next_increment: int
    per_minute_minor: Decimal | None
    minimum_charge_minor: int
    free_seconds: int
    carrier_markup_percent: Decimal | None

    @property
    def kind(self) -> str:
        return self.name.partition("/")[0]


@dataclass(frozen=True)
class Tariff:
    """A checked tariff. `zone_of` maps each zone member (an ISO 3166 alpha-2 region or a
    `+NNN` country calling code) to its zone's name."""

    currency: str
    minor_units: int
    home_region: str
    rounding: Rounding
    zone_of: Mapping[str, str]
    classes: Mapping[str, TariffClass]

    def by_prefix(self, e164: str) -> TariffClass | None:
        """The class with the longest prefix that `e164` starts with, if any."""
        best: tuple[int, TariffClass] | None = None
        for tariff_class in self.classes.values():
            for prefix in tariff_class.prefixes:
                if e164.startswith(prefix) and (best is None or len(prefix) > best[0]):
                    best = (len(prefix), tariff_class)
        return None if best is None else best[1]


def load_tariff(path: Path) -> Tariff:
    """Read and check the hotel's tariff file. Raises `TariffError` listing every problem
    with its line, or `OSError` when the file cannot be read."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise TariffError(path, [f"line {line}: not UTF-8 text; save the file as UTF-8"]
                          ) from None
    return parse_tariff(text, path)


def parse_tariff(text: str, path: Path) -> Tariff:
    """Check a tariff file's text; `path` only names it in errors."""
    try:
        root = compose(text)
    except YamlUnreadable as error:
        raise TariffError(path, [str(error)]) from None
    if root is None:
        raise TariffError(path, ["the file is empty: it needs at least currency, "
                                 "home_region and classes"])
    problems = Problems()
    tariff = _Reader(problems).hotel(root)
    if problems.found or tariff is None:
        raise TariffError(path, problems.in_file_order())
    return tariff


class _Reader:
    """Reads one file, adding every problem it meets to `problems` and carrying on."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems
        self.minor_units: int | None = None
        self.root: yaml.Node | None = None
        self.prefix_owner: dict[str, str] = {}

    def hotel(self, root: yaml.Node) -> Tariff | None:
        self.root = root
        fields = mapping(root, "tariff", self.problems)
        if fields is None:
            return None
        self._unknown(fields, _HOTEL_FIELDS, "")
        currency = self._currency(fields)
        home_region = self._home_region(fields)
        rounding = self._rounding(fields)
        zone_of, zones = self._zones(fields)
        classes = self._classes(fields, zones, home_region)
        if currency is None or home_region is None or self.minor_units is None:
            return None
        return Tariff(currency, self.minor_units, home_region, rounding,
                      MappingProxyType(zone_of), MappingProxyType(classes))

    def _currency(self, fields: dict[str, tuple[yaml.Node, yaml.Node]]) -> str | None:
        code = self._required(fields, "currency", "an ISO 4217 code such as EUR")
        if code is None:
            return None
        code = code.upper()
        node = fields["currency"][1]
        try:
            exponent = Currency(code).exponent
        except ValueError:
            self.problems.add(node, "currency", f"{code!r} is not an ISO 4217 currency code")
            return None
        if exponent is None:
            self.problems.add(node, "currency", f"{code} has no minor unit in ISO 4217 "
                              "(gold, funds, …): not a currency a folio is kept in")
            return None
        self.minor_units = exponent
        # A PMS may count a currency otherwise than ISO 4217 (rupiah without decimals): TA
        # must be in the PMS's minor units, so the hotel may say what they are.
        if "minor_units" in fields:
            value = fields["minor_units"][1]
            units = self._whole(value, "minor_units")
            if units is not None and units > 4:
                self.problems.add(value, "minor_units", "must be 0 to 4")
            elif units is not None:
                self.minor_units = units
        return code

    def _home_region(self, fields: dict[str, tuple[yaml.Node, yaml.Node]]) -> str | None:
        region = self._required(fields, "home_region", "the hotel's country, such as GB")
        if region is not None and region.upper() not in phonenumbers.SUPPORTED_REGIONS:
            hint = " (the United Kingdom is GB)" if region.upper() == "UK" else ""
            self.problems.add(fields["home_region"][1], "home_region",
                              f"{region!r} is not an ISO 3166 alpha-2 country code{hint}")
            return None
        return None if region is None else region.upper()

    def _rounding(self, fields: dict[str, tuple[yaml.Node, yaml.Node]]) -> Rounding:
        if "rounding" not in fields:
            return "up"
        node = fields["rounding"][1]
        text = scalar(node, "rounding", self.problems)
        if text is not None and text not in ROUNDINGS:
            self.problems.add(node, "rounding", f"{text!r} is not one of {', '.join(ROUNDINGS)}")
            return "up"
        return text or "up"

    def _zones(
        self, fields: dict[str, tuple[yaml.Node, yaml.Node]]
    ) -> tuple[dict[str, str], set[str]]:
        zone_of: dict[str, str] = {}
        if "zones" not in fields:
            return zone_of, set()
        zones = mapping(fields["zones"][1], "zones", self.problems) or {}
        for name, (key, value) in zones.items():
            where = f"zones.{name}"
            if not _ZONE.fullmatch(name):
                self.problems.add(key, where, "a zone's name is lower-case letters, digits, "
                                  "- and _ (upper-case two letters are countries)")
            for item in sequence(value, where, self.problems) or []:
                member = scalar(item, where, self.problems)
                if member is None:
                    continue
                member = member if member.startswith("+") else member.upper()
                if not _zone_member(member):
                    self.problems.add(item, where, f"{member!r} is neither an ISO 3166 "
                                      "alpha-2 country nor a +NNN country calling code")
                elif member in zone_of:
                    self.problems.add(item, where,
                                      f"{member} is already in zone {zone_of[member]!r}")
                else:
                    zone_of[member] = name
        return zone_of, set(zones)

    def _classes(
        self,
        fields: dict[str, tuple[yaml.Node, yaml.Node]],
        zones: set[str],
        home_region: str | None,
    ) -> dict[str, TariffClass]:
        if "classes" not in fields:
            assert self.root is not None
            self.problems.add(self.root, "classes", "missing: a tariff needs at least one class")
            return {}
        entries = mapping(fields["classes"][1], "classes", self.problems) or {}
        classes: dict[str, TariffClass] = {}
        for name, (key, value) in entries.items():
            if not self._class_name(key, name, zones, home_region):
                continue
            tariff_class = self._class(name, value)
            if tariff_class is not None:
                classes[name] = tariff_class
        return classes

    def _class_name(
        self, key: yaml.Node, name: str, zones: set[str], home_region: str | None
    ) -> bool:
        where = f"classes.{name}"
        kind, _, place = name.partition("/")
        if kind == "emergency":
            self.problems.add(key, where, "emergency calls are always free and never blocked; "
                              "remove this class")
            return False
        if kind not in KINDS or (place and kind != "international") or name.endswith("/"):
            self.problems.add(key, where, f"unknown class; a class is one of {', '.join(KINDS)}"
                              ", or international/<country or zone>")
            return False
        if place and place not in zones and place not in phonenumbers.SUPPORTED_REGIONS:
            self.problems.add(key, where, f"{place!r} is neither a zone of this file nor an "
                              "ISO 3166 alpha-2 country (upper case)")
            return False
        if place and place == home_region:
            self.problems.add(key, where, f"{place} is the home region: its numbers are "
                              "local, national, mobile, …, never international")
            return False
        return True

    def _class(self, name: str, node: yaml.Node) -> TariffClass | None:
        where = f"classes.{name}"
        fields = mapping(node, where, self.problems)
        if fields is None:
            return None
        self._unknown(fields, _CLASS_FIELDS, f"{where}.")
        prefixes = self._prefixes(fields, name)
        if name == "local" and not prefixes:
            self.problems.add(node, f"{where}.prefixes", "the local class needs the prefixes "
                              "of the local area, such as +44207")
        first, following = self._increments(fields, where)
        per_minute = self._money(fields, "per_minute", where, whole=False)
        markup = self._percent(fields, "carrier_markup_percent", where)
        if "per_minute" not in fields and "carrier_markup_percent" not in fields:
            self.problems.add(node, where, "needs a per_minute price or a "
                              "carrier_markup_percent")
        return TariffClass(
            name=name,
            prefixes=prefixes,
            connection_fee_minor=int(self._money(fields, "connection_fee", where) or 0),
            first_increment=first,
            next_increment=following,
            per_minute_minor=per_minute,
            minimum_charge_minor=int(self._money(fields, "minimum_charge", where) or 0),
            free_seconds=self._seconds(fields, "free_seconds", where),
            carrier_markup_percent=markup,
        )

    def _prefixes(
        self, fields: dict[str, tuple[yaml.Node, yaml.Node]], name: str
    ) -> tuple[str, ...]:
        if "prefixes" not in fields:
            return ()
        where = f"classes.{name}.prefixes"
        found: list[str] = []
        for item in sequence(fields["prefixes"][1], where, self.problems) or []:
            prefix = scalar(item, where, self.problems)
            if prefix is None:
                continue
            prefix = prefix.replace(" ", "")
            if not _PREFIX.fullmatch(prefix):
                self.problems.add(item, where, f"{prefix!r} is not an E.164 prefix: + then "
                                  "the country code and digits, as +44207")
            elif prefix in self.prefix_owner:
                # Two classes for one prefix: which price applies would be a guess.
                self.problems.add(item, where, f"{prefix} is already in class "
                                  f"{self.prefix_owner[prefix]!r}")
            else:
                self.prefix_owner[prefix] = name
                found.append(prefix)
        return tuple(found)

    def _increments(
        self, fields: dict[str, tuple[yaml.Node, yaml.Node]], where: str
    ) -> tuple[int, int]:
        if "increments" not in fields:
            return 60, 60
        node = fields["increments"][1]
        text = scalar(node, f"{where}.increments", self.problems)
        match = _INCREMENTS.fullmatch(text or "")
        if match is None or 0 in (int(match[1]), int(match[2])):
            if text is not None:
                self.problems.add(node, f"{where}.increments", f"{text!r} is not first/next "
                                  "seconds, such as 60/60, 30/6 or 1/1")
            return 60, 60
        return int(match[1]), int(match[2])

    def _money(
        self, fields: dict[str, tuple[yaml.Node, yaml.Node]], name: str, where: str,
        *, whole: bool = True,
    ) -> Decimal | None:
        """An amount in major units, as minor units (whole ones unless `whole` is False)."""
        if name not in fields:
            return None
        node = fields[name][1]
        text = scalar(node, f"{where}.{name}", self.problems)
        if text is None:
            return None
        if not _AMOUNT.fullmatch(text):
            self.problems.add(node, f"{where}.{name}", f"{text!r} is not an amount such as "
                              "0.25 (major units, a point for decimals, no sign or currency)")
            return None
        if self.minor_units is None:
            return None
        minor = Decimal(text).scaleb(self.minor_units)
        if whole and minor != minor.to_integral_value():
            self.problems.add(node, f"{where}.{name}", f"{text} is not a whole number of "
                              f"minor units ({self.minor_units} decimals in this currency)")
            return None
        return minor

    def _percent(
        self, fields: dict[str, tuple[yaml.Node, yaml.Node]], name: str, where: str
    ) -> Decimal | None:
        if name not in fields:
            return None
        node = fields[name][1]
        text = scalar(node, f"{where}.{name}", self.problems)
        if text is not None and not _AMOUNT.fullmatch(text):
            self.problems.add(node, f"{where}.{name}", f"{text!r} is not a percentage such "
                              "as 15 or 12.5")
            return None
        return None if text is None else Decimal(text)

    def _seconds(
        self, fields: dict[str, tuple[yaml.Node, yaml.Node]], name: str, where: str
    ) -> int:
        if name not in fields:
            return 0
        return self._whole(fields[name][1], f"{where}.{name}") or 0

    def _whole(self, node: yaml.Node, where: str) -> int | None:
        text = scalar(node, where, self.problems)
        if text is not None and not text.isdigit():
            self.problems.add(node, where, f"{text!r} is not a whole number")
            return None
        return None if text is None else int(text)

    def _required(
        self, fields: dict[str, tuple[yaml.Node, yaml.Node]], name: str, example: str
    ) -> str | None:
        if name not in fields:
            assert self.root is not None
            self.problems.add(self.root, name, f"missing: {example}")
            return None
        return scalar(fields[name][1], name, self.problems)

    def _unknown(
        self, fields: dict[str, tuple[yaml.Node, yaml.Node]], known: tuple[str, ...],
        where: str,
    ) -> None:
        for name, (key, _) in fields.items():
            if name not in known:
                self.problems.add(key, f"{where}{name}",
                                  f"unknown field; known: {', '.join(known)}")


def _zone_member(member: str) -> bool:
    if _CALLING_CODE.fullmatch(member):
        return bool(phonenumbers.region_codes_for_country_code(int(member[1:])))
    return member in phonenumbers.SUPPORTED_REGIONS
