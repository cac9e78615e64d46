"""What a guest is charged for a call: increments, fees, minimums, free seconds, markup and
the currency's minor unit, rounded once."""

from __future__ import annotations

from pathlib import Path

from connector.billing.rating import NoRate, Rated, rate_call
from connector.billing.tariff import Tariff, load_tariff
from tests.billing.tariffs import one_class, tariff

ROOT = Path(__file__).resolve().parents[2]
UK_MOBILE = "+447400123456"
PARIS = "+33145678901"


def mobile(prices: str) -> Rated:
    rated = rate_call(one_class("mobile", prices), UK_MOBILE, 185)
    assert isinstance(rated, Rated)
    return rated


def amount(prices: Tariff, dialled: str, seconds: int) -> int:
    rated = rate_call(prices, dialled, seconds)
    assert isinstance(rated, Rated), rated
    return rated.amount_minor


def test_three_minutes_five_seconds_at_60_60_is_billed_as_four_minutes() -> None:
    rated = mobile("increments: 60/60\nper_minute: '0.25'")
    assert rated == Rated("mobile", 100, "GBP", 240)


def test_three_minutes_five_seconds_at_30_6_is_billed_to_the_next_six_seconds() -> None:
    # 30 s, then 26 x 6 s = 186 s; 186 x 25 / 60 = 77.5 pence, rounded up to 78.
    rated = mobile("increments: 30/6\nper_minute: '0.25'")
    assert rated == Rated("mobile", 78, "GBP", 186)


def test_per_second_billing_charges_the_seconds_talked() -> None:
    assert mobile("increments: 1/1\nper_minute: '0.60'").billed_seconds == 185


def test_a_call_of_exactly_one_increment_is_one_increment() -> None:
    prices = one_class("mobile", "increments: 60/60\nper_minute: '0.25'")
    assert rate_call(prices, UK_MOBILE, 60) == Rated("mobile", 25, "GBP", 60)


def test_one_second_over_the_first_increment_costs_a_second_one() -> None:
    prices = one_class("mobile", "increments: 60/60\nper_minute: '0.25'")
    assert rate_call(prices, UK_MOBILE, 61) == Rated("mobile", 50, "GBP", 120)


def test_a_call_that_never_connected_costs_nothing() -> None:
    prices = one_class("mobile", "connection_fee: '0.50'\nminimum_charge: '1.00'\n"
                                 "per_minute: '0.25'")
    rated = rate_call(prices, UK_MOBILE, 0)
    assert rated == Rated("mobile", 0, "GBP", 0) and not rated.chargeable


def test_a_call_within_the_free_seconds_costs_nothing_not_even_the_connection_fee() -> None:
    prices = one_class("mobile", "free_seconds: 10\nconnection_fee: '0.50'\n"
                                 "minimum_charge: '1.00'\nper_minute: '0.25'")
    assert rate_call(prices, UK_MOBILE, 10) == Rated("mobile", 0, "GBP", 0)


def test_free_seconds_are_taken_off_before_the_increments() -> None:
    prices = one_class("mobile", "free_seconds: 10\nincrements: 60/60\nper_minute: '0.25'")
    assert rate_call(prices, UK_MOBILE, 70) == Rated("mobile", 25, "GBP", 60)
    assert rate_call(prices, UK_MOBILE, 71) == Rated("mobile", 50, "GBP", 120)


def test_the_connection_fee_is_added_once_per_call() -> None:
    rated = mobile("connection_fee: '0.10'\nincrements: 60/60\nper_minute: '0.25'")
    assert rated.amount_minor == 10 + 100


def test_a_short_call_is_charged_at_least_the_minimum() -> None:
    prices = one_class("mobile", "increments: 1/1\nper_minute: '0.60'\n"
                                 "minimum_charge: '0.30'")
    assert amount(prices, UK_MOBILE, 5) == 30
    assert amount(prices, UK_MOBILE, 100) == 100


def test_a_fraction_of_a_penny_per_minute_is_kept_until_the_call_is_rounded() -> None:
    # 0.015 a minute is 1.5 pence: 10 minutes are 15 pence, not 10 x 2.
    prices = one_class("national", "per_minute: '0.015'\nincrements: 1/1")
    assert rate_call(prices, "+441912345678", 600) == Rated("national", 15, "GBP", 600)


def test_the_rounding_rule_is_applied_once_to_the_total() -> None:
    # 61 s at 1/1 and 0.25 a minute is 25.41… pence.
    text = "currency: GBP\nhome_region: GB\nrounding: {}\nclasses:\n" \
           "  mobile:\n    increments: 1/1\n    per_minute: '0.25'\n"
    amounts = {rule: amount(tariff(text.format(rule)), UK_MOBILE, 61)
               for rule in ("up", "half_up", "down")}
    assert amounts == {"up": 26, "half_up": 25, "down": 25}
    # 66 s is 27.5 pence: half up makes it 28.
    assert amount(tariff(text.format("half_up")), UK_MOBILE, 66) == 28


def test_yen_have_no_minor_unit() -> None:
    prices = one_class("international", "per_minute: '100'\nconnection_fee: '50'",
                       currency="JPY", region="JP")
    assert rate_call(prices, PARIS, 185) == Rated("international", 450, "JPY", 240)


def test_bahraini_dinars_have_three_decimals() -> None:
    prices = one_class("international", "per_minute: '0.125'\nincrements: 30/6",
                       currency="BHD", region="BH")
    # 186 s x 125 fils / 60 = 387.5 fils, rounded up.
    assert rate_call(prices, PARIS, 185) == Rated("international", 388, "BHD", 186)


def test_the_hotel_may_mark_up_zooms_carrier_charge_where_it_is_known() -> None:
    prices = one_class("international", "connection_fee: '0.50'\nper_minute: '1.20'\n"
                                        "carrier_markup_percent: 15")
    # 87 pence from Zoom + 15% = 100.05, up to 101, plus the 50 pence connection.
    assert rate_call(prices, PARIS, 185, carrier_charge_minor=87) == Rated(
        "international", 151, "GBP", 240)
    # Without Zoom's charge the class's own price per minute is used.
    assert rate_call(prices, PARIS, 185) == Rated("international", 530, "GBP", 240)


def test_a_markup_only_class_holds_the_call_until_zooms_charge_is_known() -> None:
    prices = one_class("international", "carrier_markup_percent: 50")
    rated = rate_call(prices, PARIS, 185)
    assert isinstance(rated, NoRate) and "carrier charge" in rated.reason
    assert rate_call(prices, PARIS, 185, carrier_charge_minor=40) == Rated(
        "international", 60, "GBP", 240)


def test_the_worked_examples_of_the_docs_hold_for_the_example_tariff() -> None:
    example = load_tariff(ROOT / "deploy" / "tariff.example.yaml")
    # docs/billing.md, "Worked examples": 185 s to a UK mobile at 30/6, then at 60/60.
    assert rate_call(example, UK_MOBILE, 185) == Rated("mobile", 88, "GBP", 186)
    at_60_60 = one_class("mobile", "connection_fee: '0.10'\nincrements: 60/60\n"
                                   "per_minute: '0.25'\nminimum_charge: '0.30'")
    assert rate_call(at_60_60, UK_MOBILE, 185) == Rated("mobile", 110, "GBP", 240)
    # ... and the table below them.
    assert rate_call(example, "020 7183 8750", 185) == Rated("local", 30, "GBP", 240)
    assert rate_call(example, PARIS, 185) == Rated("international/europe", 170, "GBP", 180)
    tokyo = "+81 3 1234 5678"
    assert rate_call(example, tokyo, 185) == Rated("international", 410, "GBP", 180)
    assert rate_call(example, tokyo, 185, carrier_charge_minor=87) == Rated(
        "international", 181, "GBP", 180)
    assert amount(example, "+12125550123", 4) == 0
    assert rate_call(example, "0800 111 1111", 300) == Rated("toll_free", 0, "GBP", 300)
    assert rate_call(example, "999", 300) == Rated("emergency", 0, "GBP", 0)
