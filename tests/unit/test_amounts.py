"""Amounts typed the person's way: what the pages show in a field reads back the same, in
French and English, and anything else is refused rather than guessed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from babel.numbers import format_decimal
from hypothesis import given
from hypothesis import strategies as st

from registration.web.common.amounts import MOST, parse_amount

LOCALES = ("fr_CA", "en_CA", "en_US")
amounts = st.decimals(min_value=0, max_value=MOST, places=2, allow_nan=False,
                      allow_infinity=False)


@given(amount=amounts, locale=st.sampled_from(LOCALES))
def test_an_amount_as_shown_reads_back_the_same(amount: Decimal, locale: str) -> None:
    assert parse_amount(format_decimal(amount, format="#,##0.00", locale=locale),
                        locale) == amount


@pytest.mark.parametrize(("typed", "locale", "read"), [
    ("500,00", "fr_CA", "500.00"), ("1 258,98", "fr_CA", "1258.98"),
    ("1\u202f258,98", "fr_CA", "1258.98"), ("1258.98", "fr_CA", "1258.98"),
    ("1,258.98", "en_CA", "1258.98"), ("  42 ", "en_CA", "42.00"),
])
def test_what_people_type_is_read(typed: str, locale: str, read: str) -> None:
    assert parse_amount(typed, locale) == Decimal(read)


@pytest.mark.parametrize(("typed", "locale"), [
    ("1.258,98", "fr_CA"), ("12,345", "fr_CA"), ("-5,00", "fr_CA"), ("1258,98", "en_CA"),
    ("abc", "en_CA"), ("1e3", "en_CA"), ("", "en_CA"), ("1000000000,00", "fr_CA"),
])
def test_what_is_not_an_amount_is_refused(typed: str, locale: str) -> None:
    with pytest.raises(ValueError):
        parse_amount(typed, locale)
