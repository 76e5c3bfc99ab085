"""Money: a Decimal amount with an ISO 4217 currency, never a float.

Amounts are not rounded on construction, so a rate can be applied to an exact amount and the
result rounded once, per line, half-up to the cent (`times`, `rounded`, `round_cents`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from domain.errors import Invalid

CENT = Decimal("0.01")

_CURRENCY = re.compile(r"[A-Z]{3}")
# The currency codes already found well formed: a registration makes Money dozens of times,
# and its checks were a tenth of the projection worker's function calls.
_CHECKED_CURRENCIES: set[str] = set()


class CurrencyMismatch(ValueError):
    """Two amounts in different currencies were combined or compared."""


class AmountNotPositive(Invalid):
    code = "amount_not_positive"
    default_message = "An amount of money moved is above zero."


def round_cents(amount: Decimal) -> Decimal:
    """Round half-up to the cent (-0.004 gives 0.00, never -0.00)."""
    rounded = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    return rounded.copy_abs() if rounded.is_zero() else rounded


def _format(amount: Decimal) -> str:
    """At least two decimals; more only if the amount is not yet rounded (nothing is lost)."""
    if amount == amount.quantize(CENT):
        amount = amount.quantize(CENT)
    if amount.is_zero():
        amount = amount.copy_abs()
    return f"{amount:f}"


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        # (`type(…) is` first: it costs no call, and is the answer nearly every time)
        if type(self.amount) is not Decimal and not isinstance(self.amount, Decimal):
            raise ValueError(f"Money needs a Decimal amount, not {type(self.amount).__name__}")
        if not self.amount.is_finite():
            raise ValueError(f"Money needs a finite amount, not {self.amount}")
        if type(self.currency) is not str or self.currency not in _CHECKED_CURRENCIES:
            if not isinstance(self.currency, str) or not _CURRENCY.fullmatch(self.currency):
                raise ValueError(
                    f"Currency must be three upper-case letters, not {self.currency!r}")
            _CHECKED_CURRENCIES.add(self.currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal("0.00"), currency)

    def _same_currency(self, other: Money) -> None:
        """(Sums call it only when the codes differ, and test the type without a call
        first: they run dozens of times a registration.)"""
        if self.currency != other.currency:
            raise CurrencyMismatch(f"Cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: object) -> Money:
        if type(other) is not Money and not isinstance(other, Money):
            return NotImplemented
        if other.currency != self.currency:
            self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: object) -> Money:
        if type(other) is not Money and not isinstance(other, Money):
            return NotImplemented
        if other.currency != self.currency:
            self._same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def _amounts(self, other: object) -> tuple[Decimal, Decimal]:
        if not isinstance(other, Money):
            raise TypeError(f"Cannot compare Money with {type(other).__name__}")
        self._same_currency(other)
        return self.amount, other.amount

    def __lt__(self, other: object) -> bool:
        mine, theirs = self._amounts(other)
        return mine < theirs

    def __le__(self, other: object) -> bool:
        mine, theirs = self._amounts(other)
        return mine <= theirs

    def __gt__(self, other: object) -> bool:
        mine, theirs = self._amounts(other)
        return mine > theirs

    def __ge__(self, other: object) -> bool:
        mine, theirs = self._amounts(other)
        return mine >= theirs

    def times(self, factor: Decimal | int) -> Money:
        """Multiply and round half-up to the cent, e.g. a percentage as `Decimal("0.09975")`."""
        if isinstance(factor, float | bool) or not isinstance(factor, Decimal | int):
            raise ValueError(f"Multiply Money by a Decimal, not {type(factor).__name__}")
        return Money(round_cents(self.amount * factor), self.currency)

    def rounded(self) -> Money:
        return Money(round_cents(self.amount), self.currency)

    @property
    def is_zero(self) -> bool:
        return self.amount.is_zero()

    def to_dict(self) -> dict[str, str]:
        return {"amount": _format(self.amount), "currency": self.currency}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Money:
        amount = data["amount"]
        if not isinstance(amount, str | Decimal):
            raise ValueError(f"Money amount must be a string, not {type(amount).__name__}")
        try:
            decimal_amount = Decimal(amount)
        except ArithmeticError as error:
            raise ValueError(f"Not an amount: {amount!r}") from error
        return cls(decimal_amount, data["currency"])

    def __str__(self) -> str:
        return f"{_format(self.amount)} {self.currency}"


def total(moneys: Iterable[Money], currency: str) -> Money:
    """Sum in one currency; an empty iterable gives zero, a foreign amount raises."""
    result = Money.zero(currency)
    for money in moneys:
        result += money
    return result


def check_moved(amount: Money, currency: str) -> None:
    """Money paid or sent back: above zero (not 0, not -0), in `currency`."""
    if amount.currency != currency or not amount.amount > 0:
        raise AmountNotPositive(f"An amount above zero in {currency} is needed.")
