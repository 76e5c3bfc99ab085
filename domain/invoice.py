"""Invoices and credit notes: numbered documents that, once issued, never change.

An invoice bills one or several registrations (a delegation's, typically). Cancelling
something it billed issues a credit note: a new document, with its own number, that refers
to the invoice and negates what is cancelled. What happens afterwards (payments received,
credits issued against it) is recorded beside the document, never in it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import event

from domain.base import ConferenceAggregate
from domain.errors import Invalid, MoreThanDue, ReferenceAlreadyUsed, Refused
from domain.identifiers import NAMESPACE
from domain.invoice_lines import BillTo, lines_total, summed_taxes
from domain.invoice_parts import EditionSnapshot, InvoiceLine, IssuerSnapshot
from domain.money import Money, check_moved
from domain.payment_details import (
    CARD,
    DESK_PAYMENT_METHODS,
    PAYMENT_METHODS,
    check_received_on,
)
from domain.tax import TaxLine

KINDS = ("invoice", "credit_note")
TAX_NUMBER_THRESHOLD = Money.from_dict({"amount": "100.00", "currency": "CAD"})


class UnknownRegistration(Invalid):
    code = "unknown_registration"
    default_message = "There is no such registration in this edition."


class MissingTaxNumber(Refused):
    code = "missing_tax_number"
    default_message = "A Canadian invoice of $100 or more must show the issuer's tax numbers."


class NotCreditable(Refused):
    code = "not_creditable"
    default_message = "Nothing on this invoice is left to credit."


def invoice_id(number: str) -> UUID:
    return uuid5(NAMESPACE, f"invoice/{number}")


class Invoice(ConferenceAggregate):
    class Issued(ConferenceAggregate.Created):
        class_version = 4
        edition_id: UUID
        edition: EditionSnapshot  # slug, names and host, as they were
        number: str
        kind: str
        refers_to_number: str | None
        issuer: IssuerSnapshot
        bill_to: BillTo
        lines: list[InvoiceLine]
        currency: str
        languages: list[str]
        issued_on: str
        due_on: str
        po_number: str | None
        delegation: str | None
        reason: str | None
        paid_by: str | None  # the payment an invoice issued on payment was issued for
        paid_with: str | None  # how: "card", or at the desk "card_terminal" or "cash"

        @classmethod
        def upcast_v2_v3(cls, state: dict[str, Any]) -> None:
            """Version 2 knew no invoices issued on payment."""
            state["paid_by"] = None

        @classmethod
        def upcast_v3_v4(cls, state: dict[str, Any]) -> None:
            """Version 3 issued them on card payments only."""
            state["paid_with"] = CARD if state.get("paid_by") else None

    class PaymentRecorded(ConferenceAggregate.Event):
        class_version = 3
        amount: Money
        method: str  # one of PAYMENT_METHODS, CARD (a card payment of places it bills), or
        # one of DESK_PAYMENT_METHODS (the desk payment an invoice was issued on)
        reference: str
        received_on: str
        charge: str | None  # a card payment's charge at the processor, for reconciliation

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            """Version 2 named no charge: the journal took card payments from the places."""
            state["charge"] = None

    class Credited(ConferenceAggregate.Event):
        credit_note_number: str
        registration_ids: list[str]
        amount: Money  # the credit note's total (negative)

    @staticmethod
    def create_id(number: str) -> UUID:
        return invoice_id(number)

    @event(Issued)
    def __init__(
        self, edition_id: UUID, edition: EditionSnapshot, number: str, kind: str,
        refers_to_number: str | None, issuer: IssuerSnapshot, bill_to: BillTo,
        lines: list[InvoiceLine], currency: str, languages: list[str], issued_on: str,
        due_on: str, po_number: str | None, delegation: str | None, reason: str | None,
        paid_by: str | None = None, paid_with: str | None = None,
    ) -> None:
        self.edition_id = edition_id
        self.number = number
        self.kind = kind
        self.currency = currency
        self.lines: list[dict[str, Any]] = [line.to_dict() for line in lines]
        self.document: dict[str, Any] = {
            "edition_id": str(edition_id), "edition": edition.to_dict(), "number": number,
            "kind": kind, "refers_to_number": refers_to_number, "issuer": issuer.to_dict(),
            "bill_to": bill_to.to_dict(), "lines": self.lines, "currency": currency,
            "languages": list(languages),
            "issued_on": issued_on, "due_on": due_on, "po_number": po_number,
            "delegation": delegation, "reason": reason, "paid_by": paid_by,
            "paid_with": paid_with,
        }
        self.paid = lines_total(self.lines, "prepaid", self.currency)
        self.payment_references: list[str] = []
        self.credited = Money.zero(self.currency)
        self.credited_registrations: list[str] = []
        self.credit_notes: list[str] = []

    @classmethod
    def issue(cls, *, edition: EditionSnapshot, bill_to: BillTo, lines: list[dict[str, Any]],
              issued_on: date, due_on: date, **document: Any) -> Invoice:
        if not lines:
            raise Invalid("An invoice needs at least one line.")
        invoice = cls(edition=edition, bill_to=bill_to,
                      lines=[InvoiceLine.from_dict(line) for line in lines],
                      issued_on=issued_on.isoformat(), due_on=due_on.isoformat(), **document)
        invoice.check_tax_numbers(edition.host)
        return invoice

    def check_tax_numbers(self, host: str) -> None:
        if not host.startswith("CA-") or self.kind != "invoice" or self.currency != "CAD":
            return
        if self.total >= TAX_NUMBER_THRESHOLD:
            missing = [t.code for t in self.tax_lines if not t.registration_number]
            if missing:
                raise MissingTaxNumber(
                    f"Configure the issuer's {', '.join(missing)} number(s) (edition "
                    "tax_numbers): a Canadian invoice of $100 or more must show them.")

    @property
    def subtotal(self) -> Money:
        return lines_total(self.lines, "amount", self.currency)

    @property
    def tax_lines(self) -> list[TaxLine]:
        return summed_taxes(self.lines)

    @property
    def total(self) -> Money:
        return lines_total(self.lines, "total", self.currency)

    @property
    def balance_due(self) -> Money:
        return self.total + self.credited - self.paid

    @property
    def registration_ids(self) -> list[str]:
        return [line["registration_id"] for line in self.lines]

    def line_for(self, registration_id: str) -> dict[str, Any]:
        for line in self.lines:
            if line["registration_id"] == registration_id:
                return line
        raise UnknownRegistration(f"Invoice {self.number} does not bill {registration_id}.")

    def uncredited(self) -> list[str]:
        return [r for r in self.registration_ids if r not in self.credited_registrations]

    def record_payment(self, amount: Money, method: str, reference: str, received_on: date,
                       today: date, overpayment: bool = False) -> None:
        """Record money received against this invoice on `received_on` (`today` is the
        edition's day as it is recorded).

        A reference already recorded is refused (a typing slip, or the same transfer twice);
        more than what is due only when the overpayment is confirmed: the invoice then shows
        a credit to refund. So is a received date that cannot be right (check_received_on).
        """
        if self.kind != "invoice":
            raise Refused("A credit note is not paid; record payments against the invoice.")
        if method not in PAYMENT_METHODS:
            raise Invalid(f"A payment method must be one of {', '.join(PAYMENT_METHODS)}.")
        check_moved(amount, self.currency)
        check_received_on(received_on, date.fromisoformat(self.document["issued_on"]), today)
        if reference in self.payment_references:
            raise ReferenceAlreadyUsed(
                f"A payment with reference {reference} is already recorded on {self.number}.")
        if amount.amount > self.balance_due.amount and not overpayment:
            raise MoreThanDue(f"Only {self.balance_due} is due on {self.number}; confirm the "
                              "overpayment to record it as a credit to refund.")
        self._payment_recorded(amount, method, reference, received_on.isoformat(), None)

    def record_taken_payment(self, amount: Money, method: str, reference: str,
                             charge: str | None, received_on: date) -> bool:
        """Money already taken for places this invoice bills: a card payment (the
        processor's payment id as its reference, its charge for the reconciliation), or the
        desk payment this invoice was issued on. Nothing is refused — beyond what is due it
        shows as a credit to refund. The same payment again changes nothing (False)."""
        if reference in self.payment_references:
            return False
        if method not in (CARD, *DESK_PAYMENT_METHODS):
            raise Invalid(f"Money taken is paid by {', '.join((CARD, *DESK_PAYMENT_METHODS))}.")
        check_moved(amount, self.currency)
        self._payment_recorded(amount, method, reference, received_on.isoformat(), charge)
        return True

    @event(PaymentRecorded)
    def _payment_recorded(self, amount: Money, method: str, reference: str,
                          received_on: str, charge: str | None) -> None:
        self.paid = self.paid + amount
        self.payment_references.append(reference)

    def check_creditable(self, registration_ids: Iterable[str]) -> list[str]:
        """The registrations that may still be credited, refusing any that may not."""
        if self.kind != "invoice":
            raise NotCreditable("A credit note cannot itself be credited.")
        wanted = list(registration_ids)
        for registration_id in wanted:
            self.line_for(registration_id)
            if registration_id in self.credited_registrations:
                raise NotCreditable(
                    f"Registration {registration_id} was already credited on {self.number}.")
        if not wanted:
            raise NotCreditable(f"Everything on invoice {self.number} is already credited.")
        return wanted

    def record_credit(self, note: Invoice, registration_ids: list[str]) -> None:
        self._credited(note.number, registration_ids, note.total)

    @event(Credited)
    def _credited(self, credit_note_number: str, registration_ids: list[str],
                  amount: Money) -> None:
        self.credited = self.credited + amount
        self.credited_registrations.extend(registration_ids)
        self.credit_notes.append(credit_note_number)
