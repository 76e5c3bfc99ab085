"""Amounts as people type them: `500,00` or `1 258,98` in French, `1,258.98` in English,
and `1258.98` (what the API documents) in either language."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from babel.numbers import NumberFormatError, format_decimal, get_group_symbol, parse_decimal
from marshmallow import ValidationError, fields

from domain.money import Money
from registration.web.common import i18n

PLAIN = re.compile(r"^[0-9]{1,9}(\.[0-9]{1,2})?$")
SPACES = re.compile(r"[ \u00a0\u202f]")
TYPED = re.compile(r"[0-9][0-9 .,\u00a0\u202f]*")  # digits and separators, nothing else
MOST = Decimal("999999999.99")


def parse_amount(text: str, locale: str) -> Decimal:
    """The amount `text` says in `locale` (ValueError when it is not one, at most 2 decimals)."""
    text = text.strip()
    if PLAIN.fullmatch(text):
        return Decimal(text)
    if not TYPED.fullmatch(text):
        raise ValueError(f"{text!r} is not an amount")
    group = get_group_symbol(locale)
    text = SPACES.sub(group if SPACES.fullmatch(group) else "", text)
    try:
        amount = parse_decimal(text, locale=locale, strict=True)
    except NumberFormatError as error:
        raise ValueError(str(error)) from error
    if amount < 0 or amount > MOST or amount != amount.quantize(Decimal("0.01")):
        raise ValueError(f"{text!r} is not an amount")
    return amount.quantize(Decimal("0.01"))


def amount_example() -> str:
    return amount_typed(Money(Decimal("1258.98"), "CAD"))


class Amount(fields.Field):
    """A money amount typed in the person's language; loads as a Decimal."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        try:
            if not isinstance(value, str):
                raise ValueError("not text")
            return parse_amount(value, i18n.current_locale())
        except ValueError:
            raise ValidationError(i18n.gettext("An amount like %(example)s.") % {
                "example": amount_example()}) from None

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return None if value is None else str(value)


def amount_typed(value: Money) -> str:
    """An amount as the person would type it (no currency sign): `1 258,98` in French."""
    return format_decimal(value.amount, format="#,##0.00", locale=i18n.current_locale())
