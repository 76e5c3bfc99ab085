"""Add-ons an attendee buys with their place ("extras"): a gala dinner ticket, a
companion's ticket.

An edition document may define `extras`:

    [{"code": "gala", "names": {"en": "Gala dinner ticket", "fr": "Billet du souper gala"},
      "prices": {"CAD": "125.00"}, "capacity": 200,
      "registration_types": ["student"], "max_per_registration": 2}]

Each is priced in the edition's currency and taxed like the place (the same rates, one
line per tax rounded half-up to the cent: domain.tax.tax_lines). What a registration
bought is frozen into its quote as `ExtraLine`s, so its total, balance, cancellation
terms and refunds include them. An extra with a capacity is a limited resource decided
like a type's seats (domain.capacity.Allocation, one unit per ticket).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from domain.documents import DocumentReader, join
from domain.errors import ExtraNotOffered
from domain.money import Money, round_cents, total
from domain.tax import TaxLine, TaxRate, tax_lines

CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")  # a form field's and a column's name
MAX_QUANTITY = 20  # what any one registration may buy of one extra, whatever the document says


@dataclass(frozen=True)
class Extra:
    code: str
    names: Mapping[str, str]
    prices: Mapping[str, Decimal]  # currency -> unit price before tax
    capacity: int | None = None
    registration_types: frozenset[str] | None = None  # None: offered with every type
    max_per_registration: int = MAX_QUANTITY

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names.get("en") or self.code

    def offered_with(self, type_code: str) -> bool:
        return self.registration_types is None or type_code in self.registration_types


@dataclass(frozen=True)
class ExtraLine:
    """So many of one extra, as bought: unit price and taxes frozen at that moment."""

    code: str
    names: Mapping[str, str]
    quantity: int
    unit_price: Money
    tax_lines: tuple[TaxLine, ...] = field(default=())

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names.get("en") or self.code

    @property
    def amount(self) -> Money:
        return self.unit_price.times(self.quantity)

    @property
    def tax_total(self) -> Money:
        return total((line.amount for line in self.tax_lines), self.unit_price.currency)

    @property
    def total(self) -> Money:
        return self.amount + self.tax_total

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "names": dict(self.names), "quantity": self.quantity,
                "unit_price": self.unit_price.to_dict(),
                "tax_lines": [line.to_dict() for line in self.tax_lines]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ExtraLine:
        return cls(code=data["code"], names=dict(data["names"]), quantity=int(data["quantity"]),
                   unit_price=Money.from_dict(data["unit_price"]),
                   tax_lines=tuple(TaxLine.from_dict(t) for t in data["tax_lines"]))


def extra_lines(extras: Sequence[Extra], chosen: Mapping[str, int], type_code: str,
                currency: str, rates: Sequence[TaxRate],
                tax_numbers: Mapping[str, str] | None = None) -> tuple[ExtraLine, ...]:
    """The lines for `chosen` (code -> quantity; none of an extra leaves it out), in the
    document's order; ExtraNotOffered for an unknown code, one not offered with
    `type_code`, or more than one registration may buy."""
    by_code = {extra.code: extra for extra in extras}
    for code, quantity in chosen.items():
        extra = by_code.get(code)
        if extra is None:
            raise ExtraNotOffered(f"There is no add-on {code!r} in this edition.")
        if quantity and not extra.offered_with(type_code):
            raise ExtraNotOffered(f"The add-on {code!r} is not offered with the registration "
                                  f"type {type_code!r}.")
        if not 0 <= quantity <= extra.max_per_registration:
            raise ExtraNotOffered(f"A registration may buy from 0 to "
                                  f"{extra.max_per_registration} of the add-on {code!r}.")
    lines = []
    for extra in extras:
        quantity = chosen.get(extra.code, 0)
        if quantity:
            price = Money(round_cents(extra.prices[currency]), currency)
            lines.append(ExtraLine(extra.code, dict(extra.names), quantity, price,
                                   tax_lines(price.times(quantity), rates, tax_numbers)))
    return tuple(lines)


def units(lines: Sequence[ExtraLine]) -> dict[str, int]:
    """How many of each extra the lines hold."""
    return {line.code: line.quantity for line in lines}


EXTRA_KEYS = {"code", "names", "prices", "capacity", "registration_types",
              "max_per_registration"}


def parse_extras(r: DocumentReader, doc: Mapping[str, Any], type_codes: set[str],
                 currency: str) -> tuple[Extra, ...]:
    """The document's extras, every problem recorded."""
    extras = tuple(_extra(r, item, join("extras", i), type_codes, currency)
                   for i, item in enumerate(r.items(doc, "extras", "", required=False)))
    r.unique([extra.code for extra in extras], "extras", "extra")
    return extras


def _extra(r: DocumentReader, doc: Any, path: str, type_codes: set[str],
           currency: str) -> Extra:
    if not isinstance(doc, Mapping):
        r.problem(path, "must be an object with a code")
        return Extra("", {}, {})
    for key in sorted(set(doc) - EXTRA_KEYS):
        r.problem(join(path, str(key)), "is not a known field")
    prices = _prices(r, doc, join(path, "prices"), currency)
    types = None
    if doc.get("registration_types") is not None:
        types = frozenset(r.items(doc, "registration_types", path))
        for unknown in sorted(str(t) for t in types - type_codes):
            r.problem(join(path, "registration_types"), f"unknown registration type {unknown!r}")
    most = r.integer(doc, "max_per_registration", path)
    if most is not None and not 1 <= most <= MAX_QUANTITY:
        r.problem(join(path, "max_per_registration"), f"must be from 1 to {MAX_QUANTITY}")
        most = None
    code = r.text(doc, "code", path)
    if code and not CODE.match(code):
        r.problem(join(path, "code"), "must be lower-case letters, digits, - or _, e.g. gala")
    return Extra(code=code, names=r.names(doc, "names", path),
                 prices=prices, capacity=r.integer(doc, "capacity", path),
                 registration_types=types, max_per_registration=most or MAX_QUANTITY)


def _prices(r: DocumentReader, doc: Mapping[str, Any], path: str,
            currency: str) -> dict[str, Decimal]:
    value = doc.get("prices")
    if not isinstance(value, Mapping) or not currency or currency not in value:
        r.problem(path, f'must give the price in the edition\'s currency, e.g. '
                        f'{{"{currency or "CAD"}": "125.00"}}')
        return {currency: Decimal(0)}
    prices = {}
    for code in value:
        price = r.decimal(value, code, path)
        prices[str(code)] = price if price is not None else Decimal(0)
    return prices
