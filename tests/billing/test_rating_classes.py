"""Which class of the hotel's tariff a dialled number falls in, and what happens when none
fits: emergency first, then the longest prefix, then the number's type at home or its
country and zone abroad."""

from __future__ import annotations

import pytest

from connector.billing.rating import NoRate, Rated, rate_call
from connector.billing.tariff import Tariff
from tests.billing.tariffs import one_class, tariff

LONDON = tariff("""
    currency: GBP
    home_region: GB
    zones:
      europe: [FR, DE, IE]
      satellite: ["+870", "+881", "+882"]
    classes:
      local:
        prefixes: ["+44207", "+44203"]
        per_minute: "0.05"
      national: {per_minute: "0.10"}
      mobile: {per_minute: "0.25"}
      premium: {per_minute: "1.50"}
      shared_cost: {per_minute: "0.20"}
      international/US: {per_minute: "0.30"}
      international/europe: {per_minute: "0.40"}
      international: {per_minute: "1.20"}
    """)


def class_of(dialled: str, prices: Tariff = LONDON) -> str:
    rated = rate_call(prices, dialled, 60)
    assert isinstance(rated, Rated), rated
    return rated.class_name


def no_rate(dialled: str, prices: Tariff = LONDON) -> str:
    rated = rate_call(prices, dialled, 60)
    assert isinstance(rated, NoRate), rated
    return rated.reason


@pytest.mark.parametrize(("dialled", "expected"), [
    ("+442071838750", "local"),
    ("020 7183 8750", "local"),  # dialled without +, read as London reads it
    ("+441912345678", "national"),
    ("07400 123456", "mobile"),
    ("+449065000000", "premium"),
    ("+447012345678", "premium"),  # 070 personal numbers cost like premium ones
    ("+448451234567", "premium"),  # 084/087 carry a service charge since 2015
    ("+445612345678", "national"),  # 056 VoIP
    ("+12125550123", "international/US"),  # a country's own class beats the zones
    ("0033 1 45 67 89 01", "international/europe"),  # 00 is how London dials abroad
    ("+4930123456", "international/europe"),
    ("+81312345678", "international"),
])
def test_each_number_falls_in_the_class_a_front_desk_expects(dialled: str,
                                                             expected: str) -> None:
    assert class_of(dialled) == expected


def test_a_prefix_class_beats_the_numbers_type() -> None:
    # +44203 and +44207 are fixed lines (national by type) but the hotel made them local.
    assert class_of("+442034567890") == "local"
    assert class_of("+441912345678") == "national"


def test_the_longest_prefix_wins() -> None:
    prices = tariff("""
        currency: GBP
        home_region: GB
        classes:
          local: {prefixes: ["+44207"], per_minute: "0.05"}
          national: {prefixes: ["+44"], per_minute: "0.10"}
        """)
    assert class_of("+442071838750", prices) == "local"
    assert class_of("+441912345678", prices) == "national"
    # A prefix catches even what its type would not: a mobile priced as national here.
    assert class_of("+447400123456", prices) == "national"


@pytest.mark.parametrize(("dialled", "region"), [("999", "GB"), ("112", "GB"),
                                                 ("911", "US"), ("112", "DE")])
def test_emergency_numbers_are_free_with_no_class_in_the_file(dialled: str,
                                                              region: str) -> None:
    prices = one_class("international", "per_minute: '9.99'", region=region)
    assert rate_call(prices, dialled, 600) == Rated("emergency", 0, "GBP", 0)


def test_a_call_zoom_marks_as_emergency_is_free_whatever_was_dialled() -> None:
    assert rate_call(LONDON, "+442071838750", 600, emergency=True) == Rated(
        "emergency", 0, "GBP", 0)


def test_an_emergency_number_is_free_even_under_a_prefix_class() -> None:
    prices = one_class("national", "prefixes: ['+44']\nper_minute: '0.10'")
    assert rate_call(prices, "999", 600) == Rated("emergency", 0, "GBP", 0)


def test_a_toll_free_number_is_free_unless_the_hotel_prices_it() -> None:
    assert rate_call(LONDON, "0800 111 1111", 600) == Rated("toll_free", 0, "GBP", 600)
    priced = one_class("toll_free", "connection_fee: '0.20'\nper_minute: '0'")
    assert rate_call(priced, "0800 111 1111", 600) == Rated("toll_free", 20, "GBP", 600)


def test_a_home_number_of_a_type_with_no_class_names_the_class_to_add() -> None:
    prices = one_class("national", "per_minute: '0.10'")
    assert no_rate("+447400123456", prices) == (
        "no tariff class for +4474…, a mobile number in GB: add the class `mobile`")


def test_a_number_abroad_with_no_class_names_its_country_and_international() -> None:
    prices = one_class("national", "per_minute: '0.10'")
    assert no_rate("+81312345678", prices) == (
        "no tariff class for +8131…, an international number in JP: "
        "add `international/JP` or `international`")


def test_a_satellite_number_with_no_class_names_its_zone() -> None:
    prices = tariff("""
        currency: GBP
        home_region: GB
        zones: {satellite: ["+881", "+882"]}
        classes: {national: {per_minute: "0.10"}}
        """)
    assert no_rate("+882161234567", prices) == (
        "no tariff class for +88216…, an international number in zone 'satellite': "
        "add `international/satellite` or `international`")
    assert class_of("+882161234567", LONDON) == "international"


def test_a_number_that_is_not_valid_is_held_not_guessed() -> None:
    assert no_rate("+4412") == ("+4412 is not a valid number dialled from GB: add its "
                                "prefix to a class's prefixes if the hotel charges for it")
    assert "not a valid number" in no_rate("call me")


def test_a_short_code_is_priced_by_a_prefix_of_the_form_the_home_region_gives_it() -> None:
    # Directory enquiries, 118 118, reads as +44118118 from London.
    prices = one_class("premium", "prefixes: ['+44118']\nper_minute: '3.00'")
    assert class_of("118118", prices) == "premium"


def test_the_crown_dependencies_are_abroad_unless_the_hotel_zones_them() -> None:
    # Jersey shares +44 but phonenumbers gives it its own region, JE.
    assert class_of("+441534123456") == "international"
    prices = tariff("""
        currency: GBP
        home_region: GB
        zones: {islands: [JE, GG, IM]}
        classes: {international/islands: {per_minute: "0.10"}}
        """)
    assert class_of("+441534123456", prices) == "international/islands"


def test_a_french_shared_cost_number_has_a_class_of_its_own() -> None:
    prices = one_class("shared_cost", "per_minute: '0.12'", currency="EUR", region="FR")
    assert class_of("08 84 01 23 45", prices) == "shared_cost"


def test_american_numbers_are_national_from_a_us_hotel_whether_fixed_or_mobile() -> None:
    # NANP digits do not tell a mobile from a fixed line: both are national.
    prices = tariff("""
        currency: USD
        home_region: US
        classes:
          national: {per_minute: "0.05"}
          international: {per_minute: "0.90"}
        """)
    assert class_of("(212) 555-0199", prices) == "national"
    assert class_of("011 44 20 7183 8750", prices) == "international"


def test_a_call_that_did_not_connect_is_not_held_for_a_missing_class() -> None:
    prices = one_class("national", "per_minute: '0.10'")
    assert rate_call(prices, "+81312345678", 0) == Rated("none", 0, "GBP", 0)
