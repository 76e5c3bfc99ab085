"""Finance commands: issue invoices and credit notes, record payments against invoices.

Each command is one `app.decide`: the document, the number it takes from its series and the
registrations it bills are saved together, so a refused request consumes no number and two
racing requests never get the same one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.billing import billable, newest_first
from domain.edition import Edition
from domain.edition_config import EditionConfig
from domain.errors import Invalid, NotFound, UnknownRegistrationType
from domain.invoice import Invoice, NotCreditable, UnknownRegistration, invoice_id
from domain.invoice_lines import (
    PLACE_CHANGE,
    BillTo,
    adjustment_lines,
    admission_line,
    document_languages,
    place_credit_line,
    tax_point,
)
from domain.invoice_parts import EditionSnapshot, IssuerSnapshot
from domain.invoicing import InvoicingTerms
from domain.money import Money
from domain.numbering import InvoiceSequence, sequence_id
from domain.payment_details import CARD, PaymentDetails
from domain.policy import CancellationTerms
from domain.pricing import PriceQuote
from domain.registration import Registration
from registration.application import Conference
from registration.clock import Clock
from registration.idempotency import Claim


@dataclass(frozen=True)
class InvoiceRef:
    """The invoice or credit note a command issued or paid; read it from the ledger."""

    number: str


class InvoiceService:
    def __init__(self, app: Conference, clock: Clock) -> None:
        self.app = app
        self.clock = clock
        # Before money is recorded on an invoice, a card payment opened for one of its places
        # is recorded if it went through, else cancelled at the processor (see payments).
        self.settle_card_payment: Callable[[Registration], None] = lambda registration: None

    def exists(self, number: str) -> bool:
        return self.app.find(invoice_id(number), Invoice) is not None

    def get(self, number: str) -> Invoice:
        invoice = self.app.find(invoice_id(number), Invoice)
        if invoice is None:
            raise NotFound(f"There is no invoice {number}.")
        return invoice

    def currency(self, number: str) -> str:
        """The currency of the document's amounts (and of payments against it)."""
        return self.get(number).currency

    def issue(
        self, slug: str, registration_ids: Sequence[UUID], bill_to: BillTo,
        po_number: str | None = None, idempotency: Claim | None = None,
    ) -> InvoiceRef:
        """One invoice billing the given registrations of the edition (one or a delegation's)."""
        if len(set(registration_ids)) != len(registration_ids):
            raise Invalid("A registration appears twice in the request.")
        if not registration_ids:
            raise Invalid("Name at least one registration to bill.")
        moment = self.clock()

        def decision() -> tuple[list[Aggregate], InvoiceRef]:
            edition = self.app.edition(slug)
            registrations = [self._registration(r, edition.id) for r in registration_ids]
            issued_on = edition.config.day_of(moment)
            due_on = issued_on + timedelta(days=invoicing(edition.config).payment_terms_days)
            invoice, changed = self._bill(edition, registrations, bill_to, issued_on, due_on,
                                          po_number)
            return changed, InvoiceRef(invoice.number)

        return self.app.decide(decision, idempotency)

    def on_card_payment(self, registrations: Sequence[Registration], reference: str,
                        charge: str | None, shares: Mapping[UUID, Money]) -> list[Aggregate]:
        """Run inside a card payment's decision, given the places it is about to pay (each
        then records its share against the invoice billing it): the places it settles that
        no invoice bills first get the invoice issued on payment; then the payment is
        recorded on the invoices billing each place (once per payment, their shares summed),
        so that every invoice lists the card payment that paid it, and one left due is paid
        (a transfer or cheque for it afterwards needs the overpayment confirmed)."""
        if not registrations:
            return []
        edition = self.app.load(registrations[0].edition_id, Edition, "edition")
        today = edition.config.day_of(self.clock())
        settled = [r for r in registrations if shares[r.id].amount >= r.balance_due.amount]
        issued = self._invoice_on_payment(edition, settled, registrations[0], reference, CARD,
                                          today)
        invoices = {issued[0].number: issued[0]} if issued else {}
        by_invoice: dict[str, Money] = {}
        for registration in registrations:
            for number, share in self._shares(registration, shares[registration.id], invoices):
                by_invoice[number] = by_invoice.get(number, Money.zero(share.currency)) + share
        paid = [invoices[number] for number, amount in by_invoice.items()
                if invoices[number].record_taken_payment(amount, CARD, reference, charge,
                                                         today)]
        return [*(issued[1] if issued else []), *paid]

    def _shares(self, registration: Registration, share: Money,
                invoices: dict[str, Invoice]) -> list[tuple[str, Money]]:
        """A place's card payment shared over the invoices billing it: its supplementary
        invoices first, newest first, up to what each is due; the rest on its invoice.
        `invoices` keeps each invoice loaded once (one issued in this decision is there)."""
        for number in registration.billed:
            if number not in invoices:
                invoices[number] = self.get(number)
        return newest_first([(number, invoices[number].balance_due)
                             for number in registration.billed], share)

    def on_place_change(self, registration: Registration, before: PriceQuote,
                        reason: str) -> list[Aggregate]:
        """Run inside a place change's decision, the place already moved and re-quoted:
        where an invoice bills it, the difference in price is billed — a supplementary
        invoice to the same bill-to, due under the payment terms, when it costs more; when
        less, a credit note against each document it credits (domain.invoice_lines), beyond
        what was paid a credit to refund by hand; nothing when the price is the same."""
        if registration.invoice_number is None:
            return []
        original = self.get(registration.invoice_number)
        config = self.app.load(registration.edition_id, Edition, "edition").config
        lines = adjustment_lines(
            original.line_for(str(registration.id)),
            registration.quote.subtotal - before.subtotal,
            type_names(config, registration.registration_type), registration.delegation,
            registration.billed)
        changed: list[Aggregate] = []
        sequence: InvoiceSequence | None = None  # one counter for every credit note
        for number, line in lines:
            refers_to = self.get(number)
            if line["kind"] == "credit":
                document, sequence = self._credit_note(refers_to, [line], [], PLACE_CHANGE,
                                                       sequence=sequence)
                changed += [document, refers_to]
            else:
                document, series = self._supplement(refers_to, line)
                changed += [document, series]
            registration.adjust_invoiced(document.number, document.kind, number,
                                         document.total, reason)
        return [*changed, sequence] if sequence is not None else changed

    def _supplement(self, invoice: Invoice,
                    line: dict[str, Any]) -> tuple[Invoice, InvoiceSequence]:
        """A supplementary invoice: the next number of the invoices' series, referring to
        `invoice`, billed to the same party in the same languages."""
        config = self.app.load(invoice.edition_id, Edition, "edition").config
        terms = invoicing(config)
        today = config.day_of(self.clock())
        sequence = self._sequence(terms.series("invoice"))
        original = invoice.document
        supplement = Invoice.issue(
            edition_id=invoice.edition_id, edition=EditionSnapshot.from_dict(original["edition"]),
            number=terms.number("invoice", sequence.take()), kind="invoice",
            refers_to_number=invoice.number, issuer=issuer(terms),
            bill_to=BillTo.from_dict(original["bill_to"]), lines=[line],
            currency=invoice.currency, languages=original["languages"], issued_on=today,
            due_on=today + timedelta(days=terms.payment_terms_days),
            po_number=original["po_number"], delegation=line["delegation"],
            reason=PLACE_CHANGE,
        )
        return supplement, sequence

    def on_desk_payment(self, registration: Registration, amount: Money, reference: str,
                        method: str) -> tuple[str | None, list[Aggregate]]:
        """Run inside a desk payment's decision, before the place records it: the same tax
        document as a card payment's, once the money taken at the desk settles the place
        (a place an invoice bills is not paid at the desk: see
        Registration.take_payment_at_desk). The invoice records the payment; its number is
        returned for the place to record its payment against it."""
        edition = self.app.load(registration.edition_id, Edition, "edition")
        today = edition.config.day_of(self.clock())
        settles = amount.amount > 0 and amount == registration.balance_due
        issued = self._invoice_on_payment(edition, [registration] if settles else [],
                                          registration, reference, method, today)
        if issued is None:
            return None, []
        invoice, changed = issued
        invoice.record_taken_payment(amount, method, reference, None, today)
        return invoice.number, changed

    def _invoice_on_payment(
        self, edition: Edition, settled: Sequence[Registration], payer: Registration,
        reference: str, method: str, today: date,
    ) -> tuple[Invoice, list[Aggregate]] | None:
        """Where the edition issues invoices on payment, the places a payment settles that
        no invoice bills get one, due the day it is issued, billed to the payer (whoever
        the payment was opened for first). A place that costs nothing (moved to a free type
        while a card payment was under way) is billed by none: that payment is owed back."""
        if not invoicing(edition.config).on_payment:
            return None
        unbilled = [r for r in settled if billable(
            cancelled=r.is_cancelled, invoiced=r.invoice_number is not None,
            free=r.total.is_zero)]
        if not unbilled:
            return None
        return self._bill(edition, unbilled, holder_bill_to(payer), today, today, None,
                          paid_by=reference, paid_with=method)

    def _bill(self, edition: Edition, registrations: list[Registration], bill_to: BillTo,
              issued_on: date, due_on: date, po_number: str | None,
              paid_by: str | None = None,
              paid_with: str | None = None) -> tuple[Invoice, list[Aggregate]]:
        """The invoice billing these places, its series' counter and the places marked."""
        config = edition.config
        terms = invoicing(config)
        lines = [self._line(config, r, due_on) for r in registrations]
        sequence = self._sequence(terms.series("invoice"))
        number = terms.number("invoice", sequence.take())
        delegations = {r.delegation for r in registrations}
        invoice = Invoice.issue(
            edition_id=edition.id, edition=edition_snapshot(config), number=number,
            kind="invoice", refers_to_number=None, issuer=issuer(terms), bill_to=bill_to,
            lines=lines, currency=config.currency,
            languages=document_languages(config.host, bill_to.language),
            issued_on=issued_on, due_on=due_on, po_number=po_number,
            delegation=delegations.pop() if len(delegations) == 1 else None, reason=None,
            paid_by=paid_by, paid_with=paid_with,
        )
        for registration, line in zip(registrations, lines, strict=True):
            registration.mark_invoiced(number, Money.from_dict(line["total"]))
        return invoice, [invoice, sequence, *registrations]

    def issue_for_holder(
        self, registration_id: UUID, bill_to: BillTo | None, po_number: str | None = None,
        idempotency: Claim | None = None,
    ) -> InvoiceRef:
        """An attendee asks to be invoiced instead of paying by card (domain.billing says
        when they may)."""
        registration = self.app.load(registration_id, Registration, "registration")
        edition = self.app.load(registration.edition_id, Edition, "edition")
        registration.check_invoice_request(edition.config.invoices_on_request)
        return self.issue(edition.slug, [registration_id], bill_to or holder_bill_to(registration),
                          po_number, idempotency)

    def record_payment(
        self, number: str, amount: Money, method: str, reference: str, received_on: date,
        idempotency: Claim | None = None, overpayment: bool = False,
    ) -> InvoiceRef:
        """A bank transfer or cheque against an invoice, shared out to the places it pays.

        Each registration gets the part of the payment that settles it (in line order);
        what is left over (a confirmed overpayment) stays on the invoice as a credit. A card
        payment still open for one of its places is settled first: recorded (on the invoice
        too) if it went through, else cancelled, so that the place cannot be paid twice.
        """
        for registration_id in self.get(number).uncredited():
            self.settle_card_payment(
                self.app.load(UUID(registration_id), Registration, "registration"))

        def decision() -> tuple[list[Aggregate], InvoiceRef]:
            invoice = self.get(number)
            config = self.app.load(invoice.edition_id, Edition, "edition").config
            today = config.day_of(self.clock())
            invoice.record_payment(amount, method, reference, received_on, today, overpayment)
            remaining = amount
            paid: list[Aggregate] = []
            for registration_id in invoice.uncredited():
                registration = self.app.load(UUID(registration_id), Registration, "registration")
                share = min(registration.balance_due, remaining)
                if share.is_zero or registration.is_cancelled:
                    continue
                registration.record_payment(share, method, reference, PaymentDetails(
                    invoice=number, received_on=received_on.isoformat()))
                remaining -= share
                paid.append(registration)
            return [invoice, *paid], InvoiceRef(number)

        return self.app.decide(decision, idempotency)

    def cancel(self, number: str, reason: str | None = None,
               idempotency: Claim | None = None) -> InvoiceRef:
        """Finance cancels what an invoice still bills: a credit note, and the places freed."""

        def decision() -> tuple[list[Aggregate], InvoiceRef]:
            invoice = self.get(number)
            ids = invoice.check_creditable(invoice.uncredited())
            registrations = [self.app.load(UUID(r), Registration, "registration") for r in ids]
            for registration in registrations:
                if len(registration.billed) > 1:  # its invoices go together: cancel the place
                    raise NotCreditable(
                        f"Registration {registration.id} is billed by invoices "
                        f"{', '.join(registration.billed)}: cancel the place instead.")
            lines = [self._place_credit(invoice, r, Money.zero(invoice.currency))
                     for r in registrations]
            note, sequence = self._credit_note(invoice, [ln for ln in lines if ln], ids, reason)
            for registration in registrations:
                if registration.invoice_number == number:
                    registration.unmark_invoiced()
            return [note, sequence, invoice, *registrations], InvoiceRef(note.number)

        return self.app.decide(decision, idempotency)

    def credit_cancellation(
        self, registration: Registration, terms: CancellationTerms, at: datetime,
    ) -> list[Aggregate]:
        """Run inside the cancellation's decision: credit what its invoice billed for it,
        less the fee retained, which stays billed. Nothing when it was not invoiced."""
        changed: list[Aggregate] = []
        sequence: InvoiceSequence | None = None  # one counter for every credit note
        kept = terms.retained  # the fee stays billed on the oldest invoice first
        for number, billed in registration.billed.items():
            invoice = self.get(number)
            if str(registration.id) in invoice.credited_registrations:
                continue
            keep = min(kept, billed)
            kept -= keep
            line = self._place_credit(invoice, registration, keep)
            if line is None:  # everything is retained: the invoice stays as it is
                continue
            note, sequence = self._credit_note(invoice, [line], [str(registration.id)],
                                               "cancellation", at, sequence)
            changed += [note, invoice]
        return [*changed, sequence] if sequence is not None else changed

    @staticmethod
    def _place_credit(invoice: Invoice, registration: Registration,
                      kept: Money) -> dict[str, Any] | None:
        """The credit for what `invoice` still bills for the place, less `kept`."""
        line = invoice.line_for(str(registration.id))
        billed = registration.billed.get(invoice.number, Money.from_dict(line["total"]))
        return place_credit_line(line, billed, kept)

    def _credit_note(
        self, invoice: Invoice, lines: list[dict[str, Any]], registration_ids: list[str],
        reason: str | None, at: datetime | None = None,
        sequence: InvoiceSequence | None = None,
    ) -> tuple[Invoice, InvoiceSequence]:
        config = self.app.load(invoice.edition_id, Edition, "edition").config
        terms = invoicing(config)
        today = config.day_of(at or self.clock())
        sequence = sequence or self._sequence(terms.series("credit_note"))
        original = invoice.document
        note = Invoice.issue(
            edition_id=invoice.edition_id, edition=EditionSnapshot.from_dict(original["edition"]),
            number=terms.number("credit_note", sequence.take()), kind="credit_note",
            refers_to_number=invoice.number, issuer=issuer(terms),
            bill_to=BillTo.from_dict(original["bill_to"]), lines=lines,
            currency=invoice.currency, languages=original["languages"], issued_on=today,
            due_on=today, po_number=original["po_number"], delegation=original["delegation"],
            reason=reason,
        )
        invoice.record_credit(note, registration_ids)
        return note, sequence

    def _registration(self, registration_id: UUID, edition_id: UUID) -> Registration:
        registration = self.app.find(registration_id, Registration)
        if registration is None or registration.edition_id != edition_id:
            raise UnknownRegistration(f"There is no registration {registration_id} in this "
                                      "edition.")
        return registration

    def _sequence(self, series: str) -> InvoiceSequence:
        found = self.app.find(sequence_id(series), InvoiceSequence)
        return found or InvoiceSequence(series=series)

    def _line(self, config: EditionConfig, registration: Registration,
              due_on: date) -> dict[str, Any]:
        """The registration's agreed price, taxed at the rates of its tax point."""
        paid_on = self._first_payment_day(registration, config)
        day = tax_point(due_on, paid_on)
        rates = config.tax_rates(datetime.combine(day, time(12), tzinfo=config.zone))
        return admission_line(
            registration_id=str(registration.id), attendee=registration.attendee.full_name,
            item=type_names(config, registration.registration_type),
            delegation=registration.delegation, price=registration.quote.subtotal,
            rates=rates, tax_numbers=config.tax_numbers,
            prepaid=registration.paid - registration.refunded,
            extras=registration.quote.extras,
        )

    def _first_payment_day(self, registration: Registration, config: EditionConfig) -> date | None:
        if registration.paid.is_zero:
            return None
        times = [e.timestamp for e in self.app.events.get(registration.id)
                 if isinstance(e, Registration.PaymentReceived)]
        return config.day_of(min(times)) if times else None


def type_names(config: EditionConfig, registration_type: str) -> dict[str, str]:
    """What an invoice line names a place by: its type, in every language."""
    try:
        return dict(config.registration_type(registration_type).names)
    except UnknownRegistrationType:
        return {"en": registration_type}


def holder_bill_to(registration: Registration) -> BillTo:
    """Billed to the holder's organisation (or themselves), in their language."""
    attendee = registration.attendee
    return BillTo(name=attendee.organisation or attendee.full_name, contact=attendee.full_name,
                  email=attendee.email, language=attendee.language)


def invoicing(config: EditionConfig) -> InvoicingTerms:
    assert config.invoicing is not None, "parse_edition always reads the invoicing terms"
    return config.invoicing


def issuer(terms: InvoicingTerms) -> IssuerSnapshot:
    return IssuerSnapshot(terms.issuer, dict(terms.tax_numbers), terms.bank)


def edition_snapshot(config: EditionConfig) -> EditionSnapshot:
    return EditionSnapshot(slug=config.slug, names=dict(config.names), host=config.host,
                           time_zone=config.time_zone,
                           delegations={d.code: dict(d.names) for d in config.delegations})
