"""The hotel's tariff file: read exactly, and refused with every problem named by line and
field when it is wrong, so that the hotel fixes it in one edit."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from connector.billing.tariff import TariffError, load_tariff, parse_tariff
from tests.billing.tariffs import one_class, tariff

ROOT = Path(__file__).resolve().parents[2]


def problems(text: str) -> list[str]:
    with pytest.raises(TariffError) as refused:
        tariff(text)
    return refused.value.problems


def test_the_example_tariff_of_the_docs_loads() -> None:
    example = load_tariff(ROOT / "deploy" / "tariff.example.yaml")
    assert (example.currency, example.minor_units, example.home_region, example.rounding) == (
        "GBP", 2, "GB", "up")
    mobile = example.classes["mobile"]
    assert (mobile.connection_fee_minor, mobile.first_increment, mobile.next_increment,
            mobile.per_minute_minor, mobile.minimum_charge_minor) == (10, 30, 6, 25, 30)
    assert example.zone_of["FR"] == "europe" and example.zone_of["+882"] == "satellite"
    assert example.classes["international"].carrier_markup_percent == 50


def test_the_docs_show_the_example_tariff_word_for_word() -> None:
    example = (ROOT / "deploy" / "tariff.example.yaml").read_text()
    assert example in (ROOT / "docs" / "billing.md").read_text()


def test_prices_written_as_plain_decimals_are_read_exactly_not_as_floats() -> None:
    # 0.1 + 0.2 is not 0.3 in floating point; here 0.3 is 30 pence, exactly.
    prices = one_class("national", "per_minute: 0.3\nconnection_fee: 0.1\n"
                                   "minimum_charge: '0.20'")
    national = prices.classes["national"]
    assert national.per_minute_minor == Decimal(30)
    assert (national.connection_fee_minor, national.minimum_charge_minor) == (10, 20)


def test_a_price_per_minute_may_hold_a_fraction_of_a_minor_unit() -> None:
    prices = one_class("national", "per_minute: '0.015'")
    assert prices.classes["national"].per_minute_minor == Decimal("1.5")


def test_a_fee_must_be_a_whole_number_of_minor_units() -> None:
    assert problems("""
        currency: GBP
        home_region: GB
        classes:
          national:
            per_minute: "0.10"
            connection_fee: "0.105"
        """) == ["line 6, classes.national.connection_fee: 0.105 is not a whole number of "
                 "minor units (2 decimals in this currency)"]


@pytest.mark.parametrize(("currency", "minor_units"), [("JPY", 0), ("EUR", 2), ("BHD", 3),
                                                       ("kwd", 3)])
def test_the_minor_unit_comes_from_the_currency(currency: str, minor_units: int) -> None:
    prices = one_class("national", "per_minute: '1'", currency=currency)
    assert prices.minor_units == minor_units
    assert prices.classes["national"].per_minute_minor == 10 ** minor_units


def test_yen_cannot_have_a_fraction_in_a_fee() -> None:
    assert problems("""
        currency: JPY
        home_region: JP
        classes: {national: {per_minute: "10", minimum_charge: "0.5"}}
        """) == ["line 3, classes.national.minimum_charge: 0.5 is not a whole number of "
                 "minor units (0 decimals in this currency)"]


def test_a_hotel_whose_pms_counts_a_currency_otherwise_says_so() -> None:
    # ISO 4217 gives the rupiah two decimals; a PMS that keeps whole rupiah says 0.
    prices = tariff("""
        currency: IDR
        minor_units: 0
        home_region: ID
        classes: {national: {per_minute: "1500"}}
        """)
    assert prices.minor_units == 0 and prices.classes["national"].per_minute_minor == 1500


def test_an_unknown_currency_is_refused() -> None:
    assert problems("""
        currency: EURO
        home_region: FR
        classes: {national: {per_minute: "0.10"}}
        """) == ["line 1, currency: 'EURO' is not an ISO 4217 currency code"]


def test_gold_is_not_a_currency_a_folio_is_kept_in() -> None:
    assert problems("""
        currency: XAU
        home_region: CH
        classes: {national: {per_minute: "1"}}
        """) == ["line 1, currency: XAU has no minor unit in ISO 4217 (gold, funds, …): "
                 "not a currency a folio is kept in"]


def test_a_malformed_file_names_every_problem_with_its_line() -> None:
    found = problems("""
        currency: GBP
        home_region: UK
        rounding: nearest
        classes:
          mobil:
            per_minute: "0.25"
          national:
            increments: 60
            per_minute: "0,10"
            per_minute: "0.20"
          local:
            per_minute: "0.05"
          international/ZZ: {per_minute: "1"}
        """)
    assert found == [
        "line 2, home_region: 'UK' is not an ISO 3166 alpha-2 country code "
        "(the United Kingdom is GB)",
        "line 3, rounding: 'nearest' is not one of up, half_up, down",
        "line 5, classes.mobil: unknown class; a class is one of local, national, mobile, "
        "premium, shared_cost, toll_free, international, or international/<country or zone>",
        "line 8, classes.national.increments: '60' is not first/next seconds, such as 60/60, "
        "30/6 or 1/1",
        "line 9, classes.national.per_minute: '0,10' is not an amount such as 0.25 (major "
        "units, a point for decimals, no sign or currency)",
        "line 10, classes.national.per_minute: written twice (first on line 9)",
        "line 12, classes.local.prefixes: the local class needs the prefixes of the local "
        "area, such as +44207",
        "line 13, classes.international/ZZ: 'ZZ' is neither a zone of this file nor an "
        "ISO 3166 alpha-2 country (upper case)",
    ]


def test_text_that_is_not_yaml_is_refused_with_its_line() -> None:
    assert problems("currency: GBP\nclasses:\n  local: [\n") == [
        "line 4: not valid YAML: expected the node content, but found '<stream end>'"]


def test_an_empty_file_says_what_a_tariff_needs() -> None:
    assert problems("# nothing yet\n") == [
        "the file is empty: it needs at least currency, home_region and classes"]


def test_missing_hotel_settings_are_named() -> None:
    assert problems("rounding: up\n") == [
        "line 1, currency: missing: an ISO 4217 code such as EUR",
        "line 1, home_region: missing: the hotel's country, such as GB",
        "line 1, classes: missing: a tariff needs at least one class",
    ]


def test_an_emergency_class_is_refused_because_emergency_calls_are_always_free() -> None:
    assert problems("""
        currency: GBP
        home_region: GB
        classes:
          emergency: {per_minute: "0.10"}
        """) == ["line 4, classes.emergency: emergency calls are always free and never "
                 "blocked; remove this class"]


def test_unknown_fields_are_refused_rather_than_ignored() -> None:
    assert problems("""
        currency: GBP
        home_region: GB
        classes:
          national: {per_minute: "0.10", per_second: "0.01"}
        """) == ["line 4, classes.national.per_second: unknown field; known: prefixes, "
                 "connection_fee, increments, per_minute, minimum_charge, free_seconds, "
                 "carrier_markup_percent"]


def test_a_class_needs_a_price() -> None:
    assert problems("""
        currency: GBP
        home_region: GB
        classes:
          national: {increments: 60/60}
        """) == ["line 4, classes.national: needs a per_minute price or a "
                 "carrier_markup_percent"]


def test_one_prefix_in_two_classes_is_refused() -> None:
    assert problems("""
        currency: GBP
        home_region: GB
        classes:
          local: {prefixes: ["+44207"], per_minute: "0.05"}
          national: {prefixes: ["+44 207", "0207"], per_minute: "0.10"}
        """) == [
        "line 5, classes.national.prefixes: +44207 is already in class 'local'",
        "line 5, classes.national.prefixes: '0207' is not an E.164 prefix: + then the "
        "country code and digits, as +44207",
    ]


def test_zones_hold_countries_and_calling_codes_once_each() -> None:
    assert problems("""
        currency: GBP
        home_region: GB
        zones:
          europe: [FR, DE]
          Schengen: [fr, QQ, "+999"]
        classes:
          international/europe: {per_minute: "0.40"}
          international/asia: {per_minute: "0.90"}
          international/GB: {per_minute: "0.90"}
        """) == [
        "line 5, zones.Schengen: a zone's name is lower-case letters, digits, - and _ "
        "(upper-case two letters are countries)",
        "line 5, zones.Schengen: FR is already in zone 'europe'",
        "line 5, zones.Schengen: 'QQ' is neither an ISO 3166 alpha-2 country nor a +NNN "
        "country calling code",
        "line 5, zones.Schengen: '+999' is neither an ISO 3166 alpha-2 country nor a +NNN "
        "country calling code",
        "line 8, classes.international/asia: 'asia' is neither a zone of this file nor an "
        "ISO 3166 alpha-2 country (upper case)",
        "line 9, classes.international/GB: GB is the home region: its numbers are local, "
        "national, mobile, …, never international",
    ]


def test_the_error_names_the_file() -> None:
    with pytest.raises(TariffError, match=r"^tariff /etc/hotel/tariff.yaml: 1 problem\(s\)"):
        parse_tariff("currency: GBP\nhome_region: GB\n", Path("/etc/hotel/tariff.yaml"))


def test_a_file_saved_in_another_encoding_is_refused(tmp_path: Path) -> None:
    saved = tmp_path / "tariff.yaml"
    saved.write_bytes("currency: EUR\n# Tarif für Zimmer\n".encode("latin-1"))
    with pytest.raises(TariffError) as refused:
        load_tariff(saved)
    assert refused.value.problems == ["line 2: not UTF-8 text; save the file as UTF-8"]
