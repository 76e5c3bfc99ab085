from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.money import CENT, CurrencyMismatch, Money, round_cents, total


def cad(amount: str) -> Money:
    return Money(Decimal(amount), "CAD")


cents = st.decimals(min_value=-1_000_000, max_value=1_000_000, places=2)
amounts = st.decimals(
    min_value=-1_000_000, max_value=1_000_000, allow_nan=False, allow_infinity=False
)


def test_half_a_cent_rounds_up_away_from_zero():
    assert round_cents(Decimal("0.005")) == Decimal("0.01")
    assert round_cents(Decimal("41.39625")) == Decimal("41.40")
    assert round_cents(Decimal("-0.005")) == Decimal("-0.01")


def test_rounding_a_tiny_negative_amount_gives_zero_not_negative_zero():
    assert str(round_cents(Decimal("-0.004"))) == "0.00"


def test_a_float_amount_is_refused():
    with pytest.raises(ValueError):
        Money(12.5, "CAD")  # type: ignore[arg-type]


@pytest.mark.parametrize("currency", ["cad", "CA", "CADD", "", "C4D", None, ["CAD"]])
def test_a_currency_that_is_not_three_upper_case_letters_is_refused(currency):
    with pytest.raises(ValueError):
        Money(Decimal("1"), currency)


def test_an_infinite_amount_is_refused():
    with pytest.raises(ValueError):
        Money(Decimal("Infinity"), "CAD")


def test_amounts_are_not_rounded_until_asked():
    assert cad("10.005").amount == Decimal("10.005")
    assert cad("10.005").rounded() == cad("10.01")


def test_adding_and_subtracting_the_same_currency():
    assert cad("10.00") + cad("2.50") == cad("12.50")
    assert cad("10.00") - cad("2.50") == cad("7.50")
    assert -cad("2.50") == cad("-2.50")


def test_combining_two_currencies_raises_currency_mismatch():
    with pytest.raises(CurrencyMismatch):
        cad("1") + Money(Decimal("1"), "USD")
    with pytest.raises(CurrencyMismatch):
        cad("1") - Money(Decimal("1"), "USD")
    with pytest.raises(CurrencyMismatch):
        assert cad("1") < Money(Decimal("2"), "USD")


def test_currency_mismatch_is_a_value_error():
    assert issubclass(CurrencyMismatch, ValueError)


def test_comparisons_follow_the_amount():
    assert cad("1.00") < cad("2.00") <= cad("2.00") < cad("3")
    assert cad("3") > cad("2.99") >= cad("2.99")
    assert max(cad("1"), cad("5"), cad("2")) == cad("5")


def test_equal_amounts_with_different_precision_are_equal():
    assert cad("12.5") == cad("12.50")
    assert hash(cad("12.5")) == hash(cad("12.50"))


def test_times_rounds_half_up_to_the_cent():
    assert cad("415.00").times(Decimal("0.09975")) == cad("41.40")
    assert cad("100.00").times(Decimal("0.09975")) == cad("9.98")
    assert cad("10.00").times(3) == cad("30.00")


def test_times_refuses_a_float_factor():
    with pytest.raises(ValueError):
        cad("10.00").times(0.5)  # type: ignore[arg-type]


def test_zero_is_zero():
    assert Money.zero("USD").is_zero
    assert not cad("0.01").is_zero
    assert Money.zero("USD") == Money(Decimal("0"), "USD")


def test_money_is_written_with_two_decimals_and_its_currency():
    assert str(cad("12.5")) == "12.50 CAD"
    assert str(cad("-3")) == "-3.00 CAD"
    assert cad("12.5").to_dict() == {"amount": "12.50", "currency": "CAD"}


def test_an_unrounded_amount_keeps_its_decimals_when_written():
    assert cad("41.39625").to_dict() == {"amount": "41.39625", "currency": "CAD"}


def test_from_dict_reads_what_to_dict_wrote():
    assert Money.from_dict({"amount": "12.50", "currency": "CAD"}) == cad("12.50")


def test_from_dict_refuses_a_float_or_garbage_amount():
    with pytest.raises(ValueError):
        Money.from_dict({"amount": 12.5, "currency": "CAD"})
    with pytest.raises(ValueError):
        Money.from_dict({"amount": "twelve", "currency": "CAD"})


def test_the_total_of_nothing_is_zero_in_the_given_currency():
    assert total([], "USD") == Money.zero("USD")


def test_total_refuses_an_amount_in_another_currency():
    with pytest.raises(CurrencyMismatch):
        total([cad("1"), Money(Decimal("1"), "USD")], "CAD")


@given(st.lists(cents, max_size=20))
def test_money_always_adds_up(values):
    moneys = [Money(v, "CAD") for v in values]
    assert total(moneys, "CAD").amount == sum(values, Decimal(0))


@given(cents, cents)
def test_subtracting_undoes_adding(a, b):
    assert Money(a, "EUR") + Money(b, "EUR") - Money(b, "EUR") == Money(a, "EUR")


@given(amounts)
def test_rounding_is_within_half_a_cent_and_idempotent(amount):
    rounded = round_cents(amount)
    assert abs(rounded - amount) <= CENT / 2
    assert round_cents(rounded) == rounded
    assert rounded.as_tuple().exponent == -2


@given(amounts)
def test_to_dict_and_from_dict_round_trip(amount):
    money = Money(amount, "CAD")
    assert Money.from_dict(money.to_dict()) == money
