"""Small tariffs for the tests, written as a hotel would write its file."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from connector.billing.tariff import Tariff, parse_tariff


def tariff(text: str) -> Tariff:
    return parse_tariff(dedent(text).lstrip("\n"), Path("tariff.yaml"))


def one_class(name: str, prices: str, *, currency: str = "GBP", region: str = "GB") -> Tariff:
    """A tariff with the single class `name` priced by the indented `prices` lines."""
    body = "\n".join(f"    {line.strip()}" for line in dedent(prices).strip().splitlines())
    return tariff(f"currency: {currency}\nhome_region: {region}\n"
                  f"classes:\n  {name}:\n{body}\n")
