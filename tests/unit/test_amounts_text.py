"""Amounts as text: the locale of a language in the host's country, or in Canada's."""

from __future__ import annotations

from decimal import Decimal

from registration.amounts_text import currency_text, locale_of


def test_french_about_a_us_edition_reads_as_in_quebec() -> None:
    assert locale_of("fr", "US") == "fr_CA"  # there is no fr_US
    assert locale_of("en", "US") == "en_US" and locale_of("fr", "CA") == "fr_CA"
    assert currency_text(Decimal("1258.98"), "USD", locale_of("fr", "US")) \
        == "1\u00a0258,98\u00a0$\u00a0US"
