"""Whatever the class's prices: a longer call never costs less, the guest is never billed
less time than talked (nor a whole increment more), and rounding `up` never charges less
than the price, `down` never more."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from connector.billing.rating import Rated, billed_seconds, charge
from connector.billing.tariff import Rounding, Tariff, TariffClass

increments = st.integers(min_value=1, max_value=120)
seconds = st.integers(min_value=0, max_value=4 * 3600)
classes = st.builds(
    TariffClass,
    name=st.just("national"),
    prefixes=st.just(()),
    connection_fee_minor=st.integers(0, 500),
    first_increment=increments,
    next_increment=increments,
    per_minute_minor=st.decimals(min_value=0, max_value=1000, places=3),
    minimum_charge_minor=st.integers(0, 500),
    free_seconds=st.integers(0, 30),
    carrier_markup_percent=st.none(),
)


def priced(tariff_class: TariffClass, talk: int, rounding: Rounding = "up") -> Rated:
    tariff = Tariff("EUR", 2, "FR", rounding, {}, {"national": tariff_class})
    rated = charge(tariff, tariff_class, talk)
    assert isinstance(rated, Rated)
    return rated


@given(classes, seconds, st.integers(1, 600))
def test_a_longer_call_never_costs_less(tariff_class: TariffClass, talk: int,
                                        longer_by: int) -> None:
    assert priced(tariff_class, talk).amount_minor <= priced(
        tariff_class, talk + longer_by).amount_minor


@given(st.integers(1, 4 * 3600), increments, increments)
def test_billed_time_covers_the_talk_and_less_than_one_more_increment(
        talk: int, first: int, following: int) -> None:
    billed = billed_seconds(talk, first, following)
    assert billed >= talk
    assert billed == first if talk <= first else billed - talk < following


@given(classes, seconds)
def test_a_charged_call_costs_at_least_the_minimum_and_a_free_one_nothing(
        tariff_class: TariffClass, talk: int) -> None:
    rated = priced(tariff_class, talk)
    if talk <= tariff_class.free_seconds:
        assert (rated.amount_minor, rated.billed_seconds) == (0, 0)
    else:
        assert rated.amount_minor >= tariff_class.minimum_charge_minor


@given(classes, st.integers(31, 4 * 3600))
def test_rounding_up_never_undercharges_and_down_never_overcharges(
        tariff_class: TariffClass, talk: int) -> None:
    billed = priced(tariff_class, talk).billed_seconds
    exact = tariff_class.connection_fee_minor + Fraction(
        tariff_class.per_minute_minor or Decimal(0)) * billed / 60
    floor = tariff_class.minimum_charge_minor
    assert priced(tariff_class, talk, "up").amount_minor >= exact
    assert priced(tariff_class, talk, "down").amount_minor <= max(exact, floor)
    assert abs(priced(tariff_class, talk, "half_up").amount_minor - max(exact, floor)) <= 1
