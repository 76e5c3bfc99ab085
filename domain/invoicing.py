"""An edition's invoicing terms: who issues its invoices, how they are numbered, when due.

Read from the edition document's "invoicing" section, e.g.
    {"prefix": "SEUS19-", "padding": 4, "credit_note_prefix": "SEUS19-CN-",
     "payment_terms_days": 30, "on_payment": true,
     "issuer": {"legal_name": "…", "address": ["…", "…"], "email": "…"},
     "bank": {…}}  (see domain.bank_details)
Without a credit-note prefix, credit notes take their numbers from the invoices' sequence.
With `on_payment` (the default for a Canadian host with tax numbers), a card payment for
places no invoice bills gets an invoice of its own, issued paid: the payer's tax document.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from domain.bank_details import BankDetails, parse_bank
from domain.documents import DocumentReader, join
from domain.text import normalized

PREFIX = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,19}$")
SECTION = "invoicing"


@dataclass(frozen=True)
class Issuer:
    legal_name: str
    address: tuple[str, ...] = ()
    email: str | None = None
    phone: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"legal_name": self.legal_name, "address": list(self.address),
                "email": self.email, "phone": self.phone}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Issuer:
        return cls(legal_name=data["legal_name"], address=tuple(data.get("address") or ()),
                   email=data.get("email"), phone=data.get("phone"))


@dataclass(frozen=True)
class InvoicingTerms:
    prefix: str
    issuer: Issuer
    padding: int = 4
    credit_note_prefix: str | None = None
    payment_terms_days: int = 30
    tax_numbers: Mapping[str, str] = field(default_factory=dict)
    attendee_requests: bool = True  # attendees may ask for an invoice instead of paying by card
    on_payment: bool = False  # a card payment gets an invoice, issued paid (pretix's mode)
    bank: BankDetails | None = None  # where a transfer goes, printed on invoices

    def series(self, kind: str) -> str:
        """The prefix whose sequence numbers a document of this kind."""
        if kind == "credit_note" and self.credit_note_prefix:
            return self.credit_note_prefix
        return self.prefix

    def number(self, kind: str, sequence_number: int) -> str:
        return f"{self.series(kind)}{sequence_number:0{self.padding}d}"


def default_prefix(slug: str) -> str:
    return re.sub(r"[^A-Z0-9-]", "", slug.upper())[:19] + "-"


def parse_invoicing(r: DocumentReader, doc: Mapping[str, Any], slug: str) -> InvoicingTerms:
    """The terms from the document; an edition without the section gets workable defaults."""
    section = doc.get(SECTION) or {}
    tax_numbers = dict(doc.get("tax_numbers") or {})
    names = doc.get("names")
    names = names if isinstance(names, Mapping) else {}
    fallback = Issuer(legal_name=str(names.get("en") or names.get("fr") or slug))
    if not isinstance(section, Mapping):
        r.problem(SECTION, "must be an object")
        return InvoicingTerms(default_prefix(slug), fallback, tax_numbers=tax_numbers)
    prefix = _prefix(r, section, "prefix") or default_prefix(slug)
    padding = r.integer(section, "padding", SECTION)
    if padding is not None and not 1 <= padding <= 10:
        r.problem(join(SECTION, "padding"), "must be between 1 and 10")
    terms_days = r.integer(section, "payment_terms_days", SECTION)
    attendee_requests = section.get("attendee_requests", True)
    if not isinstance(attendee_requests, bool):
        r.problem(join(SECTION, "attendee_requests"), "must be true or false")
    on_payment = _on_payment(r, section, str(doc.get("host") or ""), tax_numbers)
    return InvoicingTerms(
        prefix=prefix,
        issuer=_issuer(r, section.get("issuer"), fallback),
        padding=padding or 4,
        credit_note_prefix=_prefix(r, section, "credit_note_prefix"),
        payment_terms_days=30 if terms_days is None else terms_days,
        tax_numbers=tax_numbers,
        attendee_requests=attendee_requests is not False,
        on_payment=on_payment,
        bank=parse_bank(r, section.get("bank"), str(doc.get("host") or "")),
    )


def _on_payment(r: DocumentReader, section: Mapping[str, Any], host: str,
                tax_numbers: Mapping[str, str]) -> bool:
    """On by default where a payment needs a tax document an input tax credit can rest on:
    a Canadian host whose tax numbers are known (an invoice of $100 or more must show them)."""
    canadian = host.startswith("CA-")
    value = section.get("on_payment", canadian and bool(tax_numbers))
    if not isinstance(value, bool):
        r.problem(join(SECTION, "on_payment"), "must be true or false")
        return False
    if value and canadian and not tax_numbers:
        r.problem(join(SECTION, "on_payment"),
                  "needs the issuer's tax_numbers: a Canadian invoice of $100 or more shows them")
    return value


def _prefix(r: DocumentReader, section: Mapping[str, Any], key: str) -> str | None:
    value = r.text(section, key, SECTION, required=False)
    if value and not PREFIX.match(value):
        r.problem(join(SECTION, key), "must be capitals, digits and dashes, e.g. SEUS19-")
        return None
    return value or None


def _issuer(r: DocumentReader, doc: Any, fallback: Issuer) -> Issuer:
    if doc is None:
        return fallback
    path = join(SECTION, "issuer")
    address = r.items(doc, "address", path, required=False)
    if not all(isinstance(line, str) for line in address):
        r.problem(join(path, "address"), "must be a list of lines of text")
        address = []
    return Issuer(
        legal_name=r.text(doc, "legal_name", path),
        address=tuple(normalized(line) for line in address if line.strip()),
        email=r.text(doc, "email", path, required=False) or None,
        phone=r.text(doc, "phone", path, required=False) or None,
    )
