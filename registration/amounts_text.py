"""Amounts and rates as text in a locale, formatted once per value and locale.

babel's `format_currency` reads its locale data on every call (about a millisecond a call
on a loaded machine); a confirmation e-mail formats a dozen amounts and four tax rates, and
a rush's mails repeat the same few prices and taxes.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from babel import localedata
from babel.numbers import format_currency, format_decimal


@lru_cache(maxsize=4096)
def currency_text(amount: Decimal, currency: str, locale: str) -> str:
    """`1 258,98 $` in fr_CA, `$1,258.98` in en_CA: the currency's own number of decimals,
    so that 10.0 and 10.00 (equal, hence one entry) read the same."""
    return format_currency(amount, currency, locale=locale)


@lru_cache(maxsize=1024)
def percent_text(rate: Decimal, locale: str) -> str:
    """`9,975 %` in fr_CA, `9.975 %` in en_CA (equal rates read the same)."""
    return format_decimal(rate, format="#,##0.###", locale=locale) + "\u00a0%"


def locale_of(language: str, territory: str) -> str:
    """The language as written in the host's country (`fr_CA`, `en_US`), or as written in
    Canada where there is no such locale: a French page or mail about a US edition reads
    Québec's French (`fr_US` does not exist)."""
    name = f"{language}_{territory}"
    return name if localedata.exists(name) else f"{language}_CA"
