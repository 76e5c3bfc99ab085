"""What an invoice or a credit note says: the bill-to party, its lines, its taxes, its language.

Lines are plain dicts (they go into events as they are): one line per registration, with the
price agreed at registration before tax, its own tax lines rounded half-up to the cent, and
its total. Document totals are sums of lines, so they add up exactly, and each registration's
share of an invoice is exactly its line's total.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from domain.billing import newest_first
from domain.errors import Invalid
from domain.extras import ExtraLine
from domain.money import Money, round_cents, total
from domain.tax import TaxLine, TaxRate, price_before_taxes, summed_tax_lines, tax_lines


@dataclass(frozen=True)
class BillTo:
    """Who the document is addressed to, as it stood when it was issued."""

    name: str  # the organisation, or the person when billed privately
    contact: str | None = None
    address: tuple[str, ...] = ()
    email: str | None = None
    tax_id: str | None = None
    language: str = "en"

    def __post_init__(self) -> None:
        if not (self.name or "").strip():
            raise Invalid("The bill-to party needs a name.")
        if self.language not in {"en", "fr"}:
            raise Invalid("The bill-to language must be en or fr.")
        object.__setattr__(self, "address", tuple(self.address))

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["address"] = list(self.address)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BillTo:
        return cls(**{**data, "address": tuple(data.get("address") or ())})


def document_languages(host: str, bill_to_language: str) -> list[str]:
    """The document's languages, the first one leading.

    A Quebec edition's documents are in French (Charter of the French Language); an English
    bill-to also gets the English labels beside the French ones.
    """
    if host == "CA-QC":
        return ["fr"] if bill_to_language == "fr" else ["fr", "en"]
    return [bill_to_language]


def tax_point(due_on: date, paid_on: date | None) -> date:
    """The day whose rates apply: the earlier of payment and the due date."""
    return min(due_on, paid_on) if paid_on is not None else due_on


def admission_line(
    *, registration_id: str, attendee: str, item: Mapping[str, str], delegation: str | None,
    price: Money, rates: Sequence[TaxRate], tax_numbers: Mapping[str, str], prepaid: Money,
    extras: Sequence[ExtraLine] = (),
) -> dict[str, Any]:
    """One registration billed: its agreed price before tax and the taxes at the tax point.

    The add-ons bought with it (`extras`) are billed within its line, each listed, each
    taxed on its own amount under the one rounding rule, as its quote did: the line's
    amount and taxes are the place's and its add-ons' sums.
    """
    parts = [price, *(extra.amount for extra in extras)]
    taxes = summed_tax_lines(t for part in parts for t in tax_lines(part, rates, tax_numbers))
    amount = total(parts, price.currency)
    return {
        "kind": "admission", "registration_id": registration_id, "attendee": attendee,
        "item": dict(item), "delegation": delegation, "amount": amount.to_dict(),
        "taxes": [line.to_dict() for line in taxes],
        "total": (amount + total((t.amount for t in taxes), price.currency)).to_dict(),
        "prepaid": prepaid.to_dict(), "retained": None,
        **({"extras": [{"code": e.code, "item": dict(e.names), "quantity": e.quantity,
                        "amount": e.amount.to_dict()} for e in extras]} if extras else {}),
    }


def credit_line(line: Mapping[str, Any], retained: Money) -> dict[str, Any] | None:
    """The credit negating an invoice line, less a retained amount (taxes included).

    Without retention every amount is negated exactly. With it, what is credited is split
    back into a price and its taxes under the one rounding rule (`tax_lines`), so credit
    plus retained equals the line's total to the cent. For the few amounts no price reaches
    that way, each tax is the credited amount's share of that tax, rounded half-up, and
    the price takes the remainder. None when nothing is credited.
    """
    line_total = Money.from_dict(line["total"])
    credited = line_total - retained
    if credited.amount <= 0:
        return None
    taxes = [TaxLine.from_dict(t) for t in line["taxes"]]
    if retained.is_zero:
        price, amounts = Money.from_dict(line["amount"]), [t.amount for t in taxes]
    else:
        price, amounts = _split(credited, [t.rate for t in taxes])
    credit_taxes = [
        TaxLine(code=t.code, names=t.names, rate=t.rate, base=-price, amount=-amount,
                registration_number=t.registration_number)
        for t, amount in zip(taxes, amounts, strict=True)
    ]
    return {
        **line, "kind": "credit", "amount": (-price).to_dict(),
        "taxes": [t.to_dict() for t in credit_taxes], "total": (-credited).to_dict(),
        "prepaid": Money.zero(credited.currency).to_dict(),
        "retained": retained.to_dict() if not retained.is_zero else None,
    }


# The reason a place change's document gives (staff's own reason stays in the history).
PLACE_CHANGE = "place_change"


def adjustment_lines(line: Mapping[str, Any], difference: Money, item: Mapping[str, str],
                     delegation: str | None,
                     billed: Mapping[str, Money]) -> list[tuple[str, dict[str, Any]]]:
    """A change of place billed against the documents billing it (`billed`: what each still
    bills, oldest first), each line with the number it refers to. The difference in price
    is taxed at the rates of the invoice line that billed the place, under the one rounding
    rule: when it costs more, a supplementary invoice's line referring to that invoice; when
    less, one credit note's line per document credited, the newest first up to what it
    still bills (`newest_first`); nothing when the price is the same."""
    if difference.is_zero:
        return []
    taxes = [TaxLine.from_dict(t) for t in line["taxes"]]
    more = admission_line(
        registration_id=line["registration_id"], attendee=line["attendee"], item=item,
        delegation=delegation, price=difference if difference.amount > 0 else -difference,
        rates=[TaxRate(code=t.code, names=dict(t.names), rate=t.rate) for t in taxes],
        tax_numbers={t.code: t.registration_number for t in taxes if t.registration_number},
        prepaid=Money.zero(difference.currency))
    documents = list(billed.items())
    if difference.amount > 0:
        return [(documents[0][0], more)]
    whole = Money.from_dict(more["total"])
    return [(number, {**credit, "retained": None})
            for number, part in newest_first(documents, whole)
            if (credit := credit_line(more, whole - part)) is not None]


def place_credit_line(line: Mapping[str, Any], billed: Money,
                      kept: Money) -> dict[str, Any] | None:
    """The credit for one place on an invoice: what the invoice still bills for it
    (`billed`: its line, less credit notes for a cheaper place) less what stays billed
    (`kept`: a cancellation fee). None when nothing is credited."""
    zero = Money.zero(billed.currency)
    line_total = Money.from_dict(line["total"])
    credited = billed - kept
    credit = credit_line(line, zero if credited == line_total else line_total - credited)
    if credit is None:
        return None
    return {**credit, "retained": None if kept.is_zero else kept.to_dict()}


def _split(credited: Money, rates: list[Decimal]) -> tuple[Money, list[Money]]:
    """A tax-included amount as its price and taxes (see credit_line)."""
    price = price_before_taxes(credited, rates)
    if price is not None:
        return price, [price.times(rate / 100) for rate in rates]
    divisor = 100 + sum(rates, Decimal(0))
    amounts = [Money(round_cents(credited.amount * rate / divisor), credited.currency)
               for rate in rates]
    return credited - total(amounts, credited.currency), amounts


def cancels_whole(note_total: Money, document_total: Money) -> bool:
    """Whether a credit note cancels the document it refers to (negates all of it), or only
    credits part of it: a cheaper place's difference, or a place cancelled with a fee kept."""
    return note_total == -document_total


def summed_taxes(lines: Iterable[Mapping[str, Any]]) -> list[TaxLine]:
    """The document's tax lines: one per tax and rate, summing the lines' bases and amounts."""
    return summed_tax_lines(TaxLine.from_dict(t) for line in lines for t in line["taxes"])


def lines_total(lines: Iterable[Mapping[str, Any]], key: str, currency: str) -> Money:
    return total((Money.from_dict(line[key]) for line in lines), currency)
