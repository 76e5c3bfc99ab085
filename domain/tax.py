"""Sales taxes on admission, as data with effective dates.

Admission to an event is taxed where the event is held, so the edition's host jurisdiction
(ISO 3166-2, e.g. "CA-QC") picks the rates. The defaults below are a starting point for the
organiser's tax adviser; an edition can carry its own schedule as plain data instead
(`parse_tax_rates` / `TaxRate.to_dict`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from domain.money import Money, total


def _pick_name(names: Mapping[str, str], language: str, code: str) -> str:
    """The name in `language` ("fr-CA" falls back to "fr"), else English, else the code."""
    for candidate in (language, language.split("-")[0], "en"):
        if candidate in names:
            return names[candidate]
    return code


def _decimal(value: Any, what: str) -> Decimal:
    # A float has already lost the exact rate (9.975 is not representable): refuse it.
    if isinstance(value, float | bool) or not isinstance(value, str | int | Decimal):
        raise ValueError(f"{what} must be a string or Decimal, not {type(value).__name__}")
    try:
        result = Decimal(value)
    except InvalidOperation as error:
        raise ValueError(f"{what} is not a number: {value!r}") from error
    if not result.is_finite():
        raise ValueError(f"{what} must be finite, not {value!r}")
    return result


def _date(value: Any, what: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{what} must be a YYYY-MM-DD date or null, not {value!r}") from error


@dataclass(frozen=True)
class TaxRate:
    code: str
    names: dict[str, str] = field(hash=False)
    rate: Decimal  # percent: Decimal("9.975") is 9.975 %
    effective_from: date | None = None
    effective_until: date | None = None  # inclusive

    def __post_init__(self) -> None:
        if not self.code:
            raise ValueError("A tax needs a code")
        object.__setattr__(self, "names", dict(self.names))
        object.__setattr__(self, "rate", _decimal(self.rate, f"{self.code} rate"))
        if not Decimal(0) <= self.rate <= Decimal(100):
            raise ValueError(f"{self.code} rate must be a percentage, not {self.rate}")
        start, end = self.effective_from, self.effective_until
        if start is not None and end is not None and start > end:
            raise ValueError(f"{self.code} is effective from {start}, after its end {end}")

    def applies_on(self, day: date) -> bool:
        # A datetime would be compared in whatever zone it carries; the caller must decide the
        # local date (in the edition's time zone) that governs the rate.
        if isinstance(day, datetime):
            raise TypeError("Pass a date (in the edition's time zone), not a datetime")
        if self.effective_from is not None and day < self.effective_from:
            return False
        return self.effective_until is None or day <= self.effective_until

    def name(self, language: str) -> str:
        return _pick_name(self.names, language, self.code)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "names": dict(self.names),
            "rate": str(self.rate),
            "effective_from": self.effective_from.isoformat() if self.effective_from else None,
            "effective_until": self.effective_until.isoformat() if self.effective_until else None,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TaxRate:
        try:
            code, names, rate = data["code"], data["names"], data["rate"]
        except KeyError as error:
            raise ValueError(f"A tax rate needs {error.args[0]!r}") from error
        if not isinstance(code, str) or not isinstance(names, Mapping):
            raise ValueError("A tax rate needs a code string and a names mapping")
        return cls(
            code=code,
            names=dict(names),
            rate=_decimal(rate, f"{code} rate"),
            effective_from=_date(data.get("effective_from"), f"{code} effective_from"),
            effective_until=_date(data.get("effective_until"), f"{code} effective_until"),
        )


def _overlaps(a: TaxRate, b: TaxRate) -> bool:
    a_start, b_start = a.effective_from or date.min, b.effective_from or date.min
    a_end, b_end = a.effective_until or date.max, b.effective_until or date.max
    return a_start <= b_end and b_start <= a_end


def parse_tax_rates(data: Sequence[Mapping[str, Any]]) -> tuple[TaxRate, ...]:
    """One jurisdiction's schedule from plain data; a tax may not be charged twice on a day."""
    rates = tuple(TaxRate.from_dict(item) for item in data)
    for i, rate in enumerate(rates):
        for other in rates[i + 1 :]:
            if rate.code == other.code and _overlaps(rate, other):
                raise ValueError(f"Two {rate.code} rates are effective on the same days")
    return rates


_GST = {"en": "GST", "fr": "TPS"}
_QST = {"en": "QST", "fr": "TVQ"}
_HST = {"en": "HST", "fr": "TVH"}


def _gst() -> tuple[TaxRate, ...]:
    return (TaxRate("GST", _GST, Decimal("5")),)


def _hst(percent: str) -> tuple[TaxRate, ...]:
    return (TaxRate("HST", _HST, Decimal(percent)),)


# Taxes on admission by host jurisdiction. An absent key (every US state) means no tax.
# Manitoba RST and BC/Saskatchewan PST do not apply to admissions by default.
DEFAULT_TAX_RATES: dict[str, tuple[TaxRate, ...]] = {
    "CA-QC": (TaxRate("GST", _GST, Decimal("5")), TaxRate("QST", _QST, Decimal("9.975"))),
    "CA-ON": _hst("13"),
    "CA-NB": _hst("15"),
    "CA-NL": _hst("15"),
    "CA-PE": _hst("15"),
    "CA-NS": (
        TaxRate("HST", _HST, Decimal("15"), effective_until=date(2025, 3, 31)),
        TaxRate("HST", _HST, Decimal("14"), effective_from=date(2025, 4, 1)),
    ),
    **{
        jurisdiction: _gst()
        for jurisdiction in ("CA-MB", "CA-AB", "CA-BC", "CA-SK", "CA-YT", "CA-NT", "CA-NU")
    },
}


def rates_for(
    jurisdiction: str,
    day: date,
    schedule: Mapping[str, Sequence[TaxRate]] | None = None,
) -> tuple[TaxRate, ...]:
    """The rates applying on `day`.

    A given schedule replaces the defaults entirely: a jurisdiction it leaves out has no tax,
    so an edition's configuration is the whole truth for that edition.
    """
    source = DEFAULT_TAX_RATES if schedule is None else schedule
    return tuple(rate for rate in source.get(jurisdiction.upper(), ()) if rate.applies_on(day))


@dataclass(frozen=True)
class TaxLine:
    code: str
    names: dict[str, str] = field(hash=False)
    rate: Decimal
    base: Money
    amount: Money
    registration_number: str | None = None

    def name(self, language: str) -> str:
        return _pick_name(self.names, language, self.code)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "names": dict(self.names),
            "rate": str(self.rate),
            "base": self.base.to_dict(),
            "amount": self.amount.to_dict(),
            "registration_number": self.registration_number,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TaxLine:
        return cls(
            code=data["code"],
            names=dict(data["names"]),
            rate=_decimal(data["rate"], "tax rate"),
            base=Money.from_dict(data["base"]),
            amount=Money.from_dict(data["amount"]),
            registration_number=data.get("registration_number"),
        )


def tax_lines(
    base: Money,
    rates: Sequence[TaxRate],
    registration_numbers: Mapping[str, str] | None = None,
) -> tuple[TaxLine, ...]:
    """One line per tax, each on the same base and rounded half-up to the cent on its own.

    This is the one rounding rule of every document (README, "Rounding"): taxes are
    computed per line — a quote, an invoice or credit-note line, i.e. one place — and a
    document's tax totals are the sums of its lines'. Every tax is on the pre-tax price:
    QST stopped being charged on GST in 2013.
    """
    numbers = registration_numbers or {}
    return tuple(
        TaxLine(
            code=rate.code,
            names=dict(rate.names),
            rate=rate.rate,
            base=base,
            amount=base.times(rate.rate / 100),
            registration_number=numbers.get(rate.code),
        )
        for rate in rates
    )


def price_before_taxes(amount: Money, rates: Sequence[Decimal]) -> Money | None:
    """The pre-tax price whose taxes (rounded as `tax_lines` rounds them) bring it to exactly
    `amount`; None for the few amounts per-cent taxes step over (each cent of price adds
    more than a cent of taxes)."""
    divisor = 100 + sum(rates, Decimal(0))
    guess = Money(amount.amount * 100 / divisor, amount.currency).rounded()
    cent = Money(Decimal("0.01"), amount.currency)
    for price in (guess, guess - cent, guess + cent):
        if price + total((price.times(rate / 100) for rate in rates), amount.currency) == amount:
            return price
    return None


def summed_tax_lines(lines: Iterable[TaxLine]) -> list[TaxLine]:
    """One line per tax and rate, summing the bases and amounts of `lines` (a document's or
    a quote's taxes over its lines), in the order first met."""
    sums: dict[tuple[str, Decimal], TaxLine] = {}
    for tax in lines:
        key = (tax.code, tax.rate)
        if key in sums:
            seen = sums[key]
            tax = TaxLine(code=tax.code, names=tax.names, rate=tax.rate,
                          base=seen.base + tax.base, amount=seen.amount + tax.amount,
                          registration_number=tax.registration_number)
        sums[key] = tax
    return list(sums.values())
