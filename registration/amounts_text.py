"""Amounts as text in a locale, formatted once per amount, currency and locale.

babel's `format_currency` reads its locale data on every call (about a millisecond a call
on a loaded machine); a confirmation e-mail formats a dozen amounts, and a rush's mails
repeat the same few prices and taxes.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from babel.numbers import format_currency


@lru_cache(maxsize=4096)
def currency_text(amount: Decimal, currency: str, locale: str) -> str:
    """`1 258,98 $` in fr_CA, `$1,258.98` in en_CA: the currency's own number of decimals,
    so that 10.0 and 10.00 (equal, hence one entry) read the same."""
    return format_currency(amount, currency, locale=locale)
