"""Price lists, discount codes and the price quote frozen into every registration."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from domain.errors import CodeInvalid
from domain.extras import ExtraLine
from domain.money import Money, round_cents
from domain.tax import TaxLine, TaxRate, summed_tax_lines, tax_lines


@dataclass(frozen=True)
class PriceTier:
    """One step of a price list: this price applies until `until` (inclusive)."""

    name: str
    price: Decimal
    until: datetime | None = None
    early_bird: bool = False

    def applies_at(self, at: datetime) -> bool:
        return self.until is None or at <= self.until


@dataclass(frozen=True)
class RegistrationType:
    code: str
    names: Mapping[str, str]
    tiers: tuple[PriceTier, ...]
    capacity: int | None = None
    color: str = "#1f4e79"
    access: str = "open"  # "open", or "code": hidden and refused without an access code
    approval: bool = False  # a place of this type waits for the organisers' approval
    payment_days: int | None = None  # overrides the edition's (domain.payment_deadline)

    @property
    def by_invitation(self) -> bool:
        return self.access == "code"

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names.get("en") or self.code

    def tier_at(self, at: datetime) -> PriceTier:
        """The tier in force; once every deadline has passed, the last tier stays."""
        return next((tier for tier in self.tiers if tier.applies_at(at)), self.tiers[-1])

    def list_tier_at(self, at: datetime) -> PriceTier:
        """The undiscounted tier an early-bird price is measured against."""
        current = self.tier_at(at)
        later = self.tiers[self.tiers.index(current):]
        return next((tier for tier in later if not tier.early_bird), current)

    def early_bird_until(self, at: datetime) -> datetime | None:
        tier = self.tier_at(at)
        return tier.until if tier.early_bird else None


@dataclass(frozen=True)
class DiscountCode:
    code: str
    kind: str  # "percent" or "fixed"
    value: Decimal
    max_uses: int | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    registration_types: frozenset[str] = field(default_factory=frozenset)

    def check(self, type_code: str, at: datetime) -> None:
        if self.valid_from and at < self.valid_from:
            raise CodeInvalid(f"The discount code {self.code} is not valid yet.")
        if self.valid_until and at > self.valid_until:
            raise CodeInvalid(f"The discount code {self.code} has expired.")
        if self.registration_types and type_code not in self.registration_types:
            raise CodeInvalid(
                f"The discount code {self.code} does not apply to this registration type."
            )

    def discount_on(self, amount: Money) -> Money:
        if self.kind == "percent":
            off = amount.times(self.value / 100)
        else:
            off = Money(self.value, amount.currency)
        return min(off, amount)


@dataclass(frozen=True)
class PriceQuote:
    """What a registration costs at one moment; frozen into the registration."""

    registration_type: str
    tier: str
    list_price: Money
    early_bird_discount: Money
    code: str | None
    code_discount: Money
    tax_lines: tuple[TaxLine, ...]
    quoted_at: datetime
    early_bird_until: datetime | None = None
    extras: tuple[ExtraLine, ...] = ()  # add-ons bought with the place (domain.extras)

    @property
    def currency(self) -> str:
        return self.list_price.currency

    @property
    def early_bird_applied(self) -> bool:
        return not self.early_bird_discount.is_zero

    @property
    def subtotal(self) -> Money:
        return self.list_price - self.early_bird_discount - self.code_discount

    @property
    def tax_total(self) -> Money:
        return sum((line.amount for line in self.tax_lines), Money.zero(self.currency))

    @property
    def extras_total(self) -> Money:
        """What the add-ons cost, their taxes included."""
        return sum((line.total for line in self.extras), Money.zero(self.currency))

    @property
    def total(self) -> Money:
        """The place (`subtotal` and `tax_lines` are the place's alone) and its add-ons."""
        return self.subtotal + self.tax_total + self.extras_total

    @property
    def before_tax(self) -> Money:
        """The place and its add-ons before tax."""
        return sum((line.amount for line in self.extras), self.subtotal)

    @property
    def all_tax_lines(self) -> list[TaxLine]:
        """The place's and its add-ons' taxes, one line per tax."""
        return summed_tax_lines([*self.tax_lines, *(t for e in self.extras for t in e.tax_lines)])

    def with_extras(self, extras: tuple[ExtraLine, ...]) -> PriceQuote:
        return replace(self, extras=extras)

    def to_dict(self) -> dict[str, Any]:
        return {
            "registration_type": self.registration_type,
            "tier": self.tier,
            "list_price": self.list_price.to_dict(),
            "early_bird_discount": self.early_bird_discount.to_dict(),
            "early_bird_until": self.early_bird_until,
            "code": self.code,
            "code_discount": self.code_discount.to_dict(),
            "tax_lines": [line.to_dict() for line in self.tax_lines],
            "quoted_at": self.quoted_at,
            **({"extras": [line.to_dict() for line in self.extras]} if self.extras else {}),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PriceQuote:
        return cls(
            registration_type=data["registration_type"],
            tier=data["tier"],
            list_price=Money.from_dict(data["list_price"]),
            early_bird_discount=Money.from_dict(data["early_bird_discount"]),
            early_bird_until=data.get("early_bird_until"),
            code=data.get("code"),
            code_discount=Money.from_dict(data["code_discount"]),
            tax_lines=tuple(TaxLine.from_dict(line) for line in data["tax_lines"]),
            quoted_at=data["quoted_at"],
            extras=tuple(ExtraLine.from_dict(line) for line in data.get("extras", ())),
        )


def price_quote(
    registration_type: RegistrationType,
    currency: str,
    taxes: Sequence[TaxRate],
    at: datetime,
    code: DiscountCode | None = None,
    tax_numbers: Mapping[str, str] | None = None,
) -> PriceQuote:
    """Quote `registration_type` at moment `at`, with an optional checked discount code."""
    if at.tzinfo is None:
        raise ValueError("a quote needs a timezone-aware moment")
    tier = registration_type.tier_at(at)
    list_price = Money(round_cents(registration_type.list_tier_at(at).price), currency)
    early_bird_discount = list_price - Money(round_cents(tier.price), currency)
    if early_bird_discount.amount < 0:
        early_bird_discount = Money.zero(currency)
    after_early_bird = list_price - early_bird_discount
    code_discount = Money.zero(currency)
    if code is not None:
        code.check(registration_type.code, at)
        code_discount = code.discount_on(after_early_bird)
    subtotal = after_early_bird - code_discount
    return PriceQuote(
        registration_type=registration_type.code,
        tier=tier.name,
        list_price=list_price,
        early_bird_discount=early_bird_discount,
        early_bird_until=tier.until if tier.early_bird else None,
        code=code.code if code else None,
        code_discount=code_discount,
        tax_lines=tax_lines(subtotal, taxes, tax_numbers),
        quoted_at=at,
    )
