"""Invoices and credit notes as PDFs: the template's context, formatted for its language.

Amounts, rates and dates follow Babel's conventions for the document's language
(`1 258,98 $` in fr_CA, `$1,258.98` in en_CA); labels come from the small catalogue below.
A bilingual document (a Quebec edition billing in English) leads with French and gives the
English beside each French label, name and note; a name the same in both is written once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal

from domain.invoice_lines import PLACE_CHANGE, lines_total, summed_taxes
from domain.money import Money
from domain.payment_details import DESK_PAYMENT_METHODS
from domain.tax import TaxLine
from registration.adapters.documents import DocumentRenderer
from registration.amounts_text import currency_text
from registration.french import first_of_month, of_name
from registration.projections.ledger_queries import InvoiceView

TEMPLATE = "documents/invoice.html"
STYLESHEETS = ("documents/invoice.css",)

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "invoice": "Invoice", "credit_note": "Credit note", "number": "Number",
        "issue_date": "Issue date", "credit_date": "Date", "credited": "Credit notes",
        "due_date": "Due date", "terms": "Payment terms",
        "net_days": "Net {days} days", "on_receipt": "Due on receipt",
        "po_number": "Purchase order", "bill_to": "Bill to", "customer_tax_id": "Tax ID",
        "refers_to": "Refers to invoice", "reason": "Reason", "edition": "Event",
        "description": "Description", "amount": "Amount", "subtotal": "Subtotal",
        "total": "Total", "total_credited": "Total credited", "paid": "Amount paid",
        "balance": "Balance due", "tax_numbers": "Tax registration numbers",
        "amounts_in": "Amounts in {currency}", "cancellation": "Cancellation",
        "retained": "Cancellation fee retained (stays billed)", "delegation": "Delegation",
        "issuer": "Issued by", "status_paid": "Paid", "status_cancelled": "Cancelled",
        "pay_by": "Pay by bank transfer or cheque to {issuer}, quoting the invoice number.",
        "credit_applies": "This credit note reduces the amount billed on invoice {number}.",
        "credited_by": "Credit notes issued", "page": "Page",
        "bank": "Bank details", "bank_name": "Bank", "account_holder": "Account holder",
        "institution": "Institution", "transit": "Transit", "account": "Account",
        "aba_routing": "ABA routing", "swift": "SWIFT/BIC",
        "paid_by": "Paid by card on {day} (payment {reference}): this invoice is the receipt "
                   "for that payment.",
        "paid_by_card_terminal": "Paid by card at the registration desk on {day} (payment "
                                 "{reference}): this invoice is the receipt for that payment.",
        "paid_by_cash": "Paid in cash at the registration desk on {day} (payment {reference}): "
                        "this invoice is the receipt for that payment.",
        "rounding": "Each tax is calculated on each line's amount and rounded to the cent; "
                    "the tax totals are the sums of the lines.",
    },
    "fr": {
        "invoice": "Facture", "credit_note": "Note de crédit", "number": "Numéro",
        "issue_date": "Date de facturation", "credit_date": "Date d\u2019émission",
        "credited": "Notes de crédit", "due_date": "Date d\u2019échéance",
        "terms": "Conditions de paiement", "net_days": "Net {days} jours",
        "on_receipt": "Payable sur réception", "po_number": "Bon de commande",
        "bill_to": "Facturer à", "customer_tax_id": "N° de taxe",
        "refers_to": "Se rapporte à la facture", "reason": "Motif", "edition": "Événement",
        "description": "Description", "amount": "Montant", "subtotal": "Sous-total",
        "total": "Total", "total_credited": "Total crédité", "paid": "Montant payé",
        "balance": "Solde dû", "tax_numbers": "Numéros d\u2019inscription aux taxes",
        "amounts_in": "Montants en {currency}", "cancellation": "Annulation",
        "retained": "Frais d\u2019annulation retenus (demeurent facturés)",
        "delegation": "Délégation", "issuer": "Émise par", "status_paid": "Payée",
        "status_cancelled": "Annulée",
        "pay_by": "Payable par virement ou par chèque à l\u2019ordre {of_issuer}, en indiquant le "
                  "numéro de facture.",
        "credit_applies": "Cette note de crédit réduit le montant facturé sur la facture "
                          "{number}.",
        "credited_by": "Notes de crédit émises", "page": "Page",
        "bank": "Coordonnées bancaires", "bank_name": "Institution financière",
        "account_holder": "Titulaire du compte", "institution": "Institution",
        "transit": "Transit", "account": "Compte", "aba_routing": "Acheminement ABA",
        "swift": "SWIFT/BIC",
        "paid_by": "Payée par carte le {day} (paiement {reference})\u00a0: cette facture "
                   "tient lieu de reçu pour ce paiement.",
        "paid_by_card_terminal": "Payée par terminal de paiement à l\u2019accueil le {day} "
                                 "(paiement {reference})\u00a0: cette facture tient lieu de "
                                 "reçu pour ce paiement.",
        "paid_by_cash": "Payée comptant à l\u2019accueil le {day} (paiement {reference})\u00a0: "
                        "cette facture tient lieu de reçu pour ce paiement.",
        "rounding": "Chaque taxe est calculée sur le montant de chaque ligne et arrondie au "
                    "cent\u00a0; les totaux des taxes sont les sommes des lignes.",
    },
}
BANK_FIELDS = ("bank_name", "account_holder", "institution", "transit", "aba_routing", "swift",
               "account")
REASONS = {"cancellation": {"en": "Registration cancelled", "fr": "Inscription annulée"},
           PLACE_CHANGE: {"en": "Registration type or delegation changed",
                          "fr": "Type d\u2019inscription ou délégation changé"}}


def locale_for(language: str, currency: str) -> str:
    if language == "fr":
        return "fr_CA"
    return "en_CA" if currency == "CAD" else "en_US"


class Formats:
    def __init__(self, language: str, currency: str) -> None:
        self.locale = locale_for(language, currency)
        self.currency = currency

    def money(self, amount: Decimal | Money | str) -> str:
        value = amount.amount if isinstance(amount, Money) else Decimal(amount)
        return currency_text(value, self.currency, self.locale)

    def rate(self, rate: Decimal | str) -> str:
        number = format_decimal(Decimal(rate), format="#,##0.###", locale=self.locale)
        return f"{number}\u00a0%" if self.locale.startswith("fr") else f"{number}%"

    def day(self, iso: str) -> str:
        return first_of_month(format_date(date.fromisoformat(iso), format="long",
                                          locale=self.locale))


def in_each(languages: list[str], text_of: Callable[[str], str]) -> list[str]:
    """What the document says in each of its languages, the leading one first; once when
    they agree ("Ontario")."""
    return list(dict.fromkeys(text_of(language) for language in languages))


def names_in(names: dict[str, str], languages: list[str]) -> list[str]:
    """A name given per language (an edition's, an item's), in the document's languages."""
    fallback = names.get("en") or next(iter(names.values()), "")
    return in_each(languages, lambda language: names.get(language) or fallback)


def invoice_context(view: InvoiceView) -> dict[str, Any]:
    doc = view.document
    languages = doc["languages"]
    language = languages[0]
    f = Formats(language, doc["currency"])
    labels, alternate = LABELS[language], (LABELS[languages[1]] if len(languages) > 1 else None)
    taxes = summed_taxes(doc["lines"])
    tax_names = {t.code: tax_name(t, languages) for t in taxes}
    bank = doc["issuer"].get("bank") or {}
    days = (date.fromisoformat(doc["due_on"]) - date.fromisoformat(doc["issued_on"])).days

    def said(key: str, **values: str) -> list[str]:
        return in_each(languages, lambda lang: LABELS[lang][key].format(**values))

    return {
        "t": labels, "t2": alternate, "language": language, "doc": doc, "f": f,
        "colon": "\u00a0:" if language == "fr" else ":",
        "is_credit_note": doc["kind"] == "credit_note",
        "edition_name": names_in(doc["edition"]["names"], languages),
        "terms": said("net_days", days=str(days)) if days else said("on_receipt"),
        "amounts_in": said("amounts_in", currency=doc["currency"]),
        "lines": [_line(doc, line, languages, f) for line in doc["lines"]],
        "tax_columns": [(t.code, t.rate) for t in taxes],
        "taxes": [{"name": tax_names[t.code], "rate": f.rate(t.rate), "base": f.money(t.base),
                   "number": t.registration_number, "amount": f.money(t.amount)}
                  for t in taxes],
        "tax_numbers": [(tax_names.get(code, code), number)
                        for code, number in doc["issuer"]["tax_numbers"].items()],
        "reason": (names_in(REASONS[doc["reason"]], languages) if doc["reason"] in REASONS
                   else [doc["reason"]] if doc["reason"] else []),
        "subtotal": f.money(lines_total(doc["lines"], "amount", doc["currency"])),
        "total": f.money(lines_total(doc["lines"], "total", doc["currency"])),
        "paid": f.money(view.paid), "balance": f.money(view.balance), "status": view.status,
        "credited": f.money(view.credited) if view.credited else None,
        "delegation": delegation_names(doc, doc["delegation"], languages),
        "credit_notes": view.credit_notes,
        "bank": [(key, bank[key]) for key in BANK_FIELDS if bank.get(key)],
        "notes": _notes(doc, languages, said),
    }


def _notes(doc: dict[str, Any], languages: list[str],
           said: Callable[..., list[str]]) -> list[str]:
    """The sentence closing the document, in each language: what a credit note does, how
    the invoice was paid, or how to pay it."""
    if doc["kind"] == "credit_note":
        return said("credit_applies", number=doc["refers_to_number"])
    if doc.get("paid_by"):
        return [LABELS[lang][paid_note(doc)].format(
            day=Formats(lang, doc["currency"]).day(doc["issued_on"]), reference=doc["paid_by"])
            for lang in languages]
    return said("pay_by", issuer=doc["issuer"]["legal_name"],
                of_issuer=of_name(doc["issuer"]["legal_name"]))


def paid_note(doc: dict[str, Any]) -> str:
    """The note of an invoice issued on payment: by card, or at the desk."""
    method = doc.get("paid_with")
    return f"paid_by_{method}" if method in DESK_PAYMENT_METHODS else "paid_by"


def tax_name(tax: TaxLine, languages: list[str]) -> str:
    """"TVQ", or "TVQ / QST" on a bilingual document."""
    return " / ".join(in_each(languages, tax.name))


def delegation_names(doc: dict[str, Any], code: str | None,
                     languages: list[str]) -> list[str]:
    """The delegation's name in the document's languages ("Québec / Quebec"); none: []."""
    if code is None:
        return []
    return names_in(doc["edition"].get("delegations", {}).get(code) or {"en": code}, languages)


def _line(doc: dict[str, Any], line: dict[str, Any], languages: list[str],
          f: Formats) -> dict[str, Any]:
    return {
        "credit": line["kind"] == "credit", "item": names_in(line["item"], languages),
        "attendee": line["attendee"],
        "delegation": delegation_names(doc, line["delegation"], languages),
        "amount": f.money(Money.from_dict(line["amount"])),
        "taxes": {(t.code, t.rate): f.money(t.amount)
                  for t in (TaxLine.from_dict(tax) for tax in line["taxes"])},
        "total": f.money(Money.from_dict(line["total"])),
        "retained": f.money(Money.from_dict(line["retained"])) if line["retained"] else None,
        "extras": [{"item": names_in(extra["item"], languages), "quantity": extra["quantity"],
                    "amount": f.money(Money.from_dict(extra["amount"]))}
                   for extra in line.get("extras", ())],
    }


def render_invoice(renderer: DocumentRenderer, view: InvoiceView) -> bytes:
    return renderer.pdf(TEMPLATE, invoice_context(view), STYLESHEETS)
