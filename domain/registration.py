"""One attendee's place at an edition, and everything that happens to it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.domain import event

from domain.attendee import CORRECTABLE, Attendee, Corrections
from domain.base import ConferenceAggregate
from domain.billing import billable, may_request_invoice
from domain.checkin_lists import DEFAULT_LIST, CheckinList, changes, passage
from domain.errors import (
    AlreadyCancelled,
    AlreadyInvoiced,
    AlreadyPaid,
    AwaitingApproval,
    Invalid,
    InvoicesNotOffered,
    MoreThanDue,
    NotAwaitingApproval,
    NothingChanged,
    NothingToBill,
    ReferenceAlreadyUsed,
)
from domain.money import Money, check_moved
from domain.offline_scans import conflict
from domain.payment_deadline import may_expire
from domain.payment_details import DESK_PAYMENT_METHODS, PaymentDetails
from domain.policy import CancellationPolicy, CancellationTerms, cancellation_terms
from domain.pricing import PriceQuote
from domain.staff_actions import check_reason, check_refund_by_hand, without_fee
from domain.standing import Standing, standing

if TYPE_CHECKING:
    from domain.edition_config import EditionConfig

LINK_RENEWAL_REASONS = ("substituted", "resent", "lead_asked")


class Registration(ConferenceAggregate):
    class Registered(ConferenceAggregate.Created):
        edition_id: UUID
        attendee: Attendee
        registration_type: str
        delegation: str | None
        quote: PriceQuote
        manage_token_hash: str
        checkin_secret: str
        holds: list[str]  # the allocations the place takes up

    class DetailsCorrected(ConferenceAggregate.Event):
        class_version = 3
        changes: Corrections
        reason: str | None  # staff's reason (None: the attendee corrected them)

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            state["reason"] = None

    class Substituted(ConferenceAggregate.Event):
        class_version = 3
        previous: Attendee
        attendee: Attendee
        checkin_secret: str
        reason: str | None  # staff's reason (None: the holder handed the place on)

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            state["reason"] = None

    class Cancelled(ConferenceAggregate.Event):
        class_version = 3
        terms: CancellationTerms
        reason: str | None  # staff's reason (None: the attendee cancelled)
        fee_waived: bool  # staff waived the policy's fixed fee

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            state["reason"], state["fee_waived"] = None, False

    class Expired(ConferenceAggregate.Event):
        """Not paid by its deadline: the system cancelled it (domain.payment_deadline)."""

        deadline: datetime
        terms: CancellationTerms  # nothing was paid: nothing retained, nothing owed

    class PaymentReceived(ConferenceAggregate.Event):
        amount: Money
        method: str  # "card", "bank_transfer", "cheque"
        reference: str  # unique per payment: a Stripe PaymentIntent id, a bank reference
        details: PaymentDetails

    class PaymentFailed(ConferenceAggregate.Event):
        reference: str
        message: str

    class RefundIssued(ConferenceAggregate.Event):
        class_version = 3
        amount: Money
        reference: str
        method: str  # "card" (through the processor) or one of staff_actions.REFUND_METHODS
        reason: str | None  # staff's reason for a refund by hand

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            state["method"], state["reason"] = "card", None

    class PlaceChanged(ConferenceAggregate.Event):
        """Staff moved the place to another type or delegation, re-quoted
        (domain.staff_actions)."""

        previous_type: str
        previous_delegation: str | None
        registration_type: str
        delegation: str | None
        quote: PriceQuote
        holds: list[str]  # the allocations the place takes up from now on
        reason: str

    class Invoiced(ConferenceAggregate.Event):
        invoice_number: str
        amount: Money  # what the invoice bills for this place (taxes at its tax point)

    class InvoiceCancelled(ConferenceAggregate.Event):
        invoice_number: str
        total: Money  # what the place costs again, now that no invoice bills it

    class InvoiceAdjusted(ConferenceAggregate.Event):
        """A change of place billed: a supplementary invoice for the difference (the new
        price is higher), referring to the invoice billing the place; or a credit note
        (lower) for its part of the difference, referring to the document it credits."""

        document_number: str
        kind: str  # "invoice" (supplementary) or "credit_note"
        refers_to_number: str
        amount: Money  # the document's total (negative for a credit note)
        total: Money  # what the place costs now, taxes included
        reason: str

    class PaymentRequested(ConferenceAggregate.Event):
        reference: str  # the card processor's payment (a PaymentIntent id)
        amount: Money  # this registration's share of it

    class BadgePrinted(ConferenceAggregate.Event):
        printed_by: str  # the staff member's name, or domain.actor.BY_KIOSK

    class CheckedIn(ConferenceAggregate.Event):
        """An entry or an exit scanned on a check-in list (domain.checkin_lists)."""

        class_version = 3
        at: datetime
        by: str
        list_code: str
        direction: str  # "entry" or "exit"

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            """Version 2 knew one list and entries only: the conference entry."""
            state["list_code"] = DEFAULT_LIST.code
            state["direction"] = "entry"

    class CheckInConflicted(ConferenceAggregate.Event):
        """A scan made offline that contradicts what another device recorded meanwhile
        (domain.offline_scans): kept, never counted as a second entry nor lost."""

        at: datetime  # the scan's time on the device that made it
        by: str
        list_code: str
        direction: str  # "entry" or "exit"
        device: str
        reason: str  # one of domain.offline_scans.CONFLICTS
        inside_since: datetime | None  # where the person stood on the list when it arrived

    class AnswersGiven(ConferenceAggregate.Event):
        """Every answer to the edition's questions (domain.questions), as accepted: the set
        replaces the one given before (an optional answer left empty is gone)."""

        answers: dict[str, str | bool]

    class ApprovalAsked(ConferenceAggregate.Event):
        """The type needs the organisers' approval: the place is held until they decide."""

    class Approved(ConferenceAggregate.Event):
        note: str  # for the person, may be empty
        at: datetime  # a payment deadline counts from then (domain.payment_deadline)

    class NotApproved(ConferenceAggregate.Event):
        """The organisers turned the registration down; it is cancelled with it (a
        `Cancelled` follows, keeping nothing), so its seat and address are free again."""

        reason: str  # told to the person

    class ManageLinkRenewed(ConferenceAggregate.Event):
        """A new manage link was issued; every earlier one (and its sessions) ends."""

        generation: int  # the link's number: its token is derived from it, never stored
        reason: str  # one of LINK_RENEWAL_REASONS

    @event(Registered)
    def __init__(
        self, edition_id: UUID, attendee: Attendee, registration_type: str,
        delegation: str | None, quote: PriceQuote, manage_token_hash: str, checkin_secret: str,
        holds: list[str],
    ) -> None:
        self.edition_id = edition_id
        self.attendee = attendee
        self.registration_type = registration_type
        self.delegation = delegation
        self.quote = quote
        self.manage_token_hash = manage_token_hash
        self.checkin_secret = checkin_secret
        self.holds: list[str] = list(holds)  # the allocations this place takes up
        self.substitutions = 0
        self.cancellation: CancellationTerms | None = None
        self.paid = Money.zero(self.quote.currency)
        self.refunded = Money.zero(self.quote.currency)
        self.payment_references: list[str] = []
        self.refund_references: list[str] = []
        self.invoice_number: str | None = None  # the live invoice billing this place
        self.billed_by: list[str] = []  # every invoice that has billed it, oldest first
        self.billed_amounts: dict[str, Money] = {}  # see `billed`
        self.invoiced_total: Money | None = None
        self.payment_request: dict | None = None  # the open card payment: reference, amount
        self.failure_references: list[str] = []
        self.badge_prints = 0
        self.checked_in_at: datetime | None = None  # the first entry, on any list
        self.inside: dict[str, datetime] = {}  # check-in list code -> inside since
        self.last_scans: dict[str, datetime] = {}  # check-in list code -> latest scan's time
        self.link_generation = 0  # the manage link in force (0: the one given at registration)
        self.answers: dict[str, str | bool] = {}
        self.approval: str | None = None  # None (not needed), "asked", "approved", "refused"
        self.approved_at: datetime | None = None
        self.expired_deadline: datetime | None = None  # the deadline it was not paid by

    @classmethod
    def register(
        cls, *, edition_id: UUID, attendee: Attendee, registration_type: str,
        delegation: str | None, quote: PriceQuote, manage_token_hash: str, checkin_secret: str,
        holds: list[str], id: UUID | None = None,
    ) -> Registration:
        """`id` may be chosen first (the manage token is derived from it)."""
        return cls._create(
            cls.Registered, id=id,
            edition_id=edition_id, attendee=attendee, registration_type=registration_type,
            delegation=delegation, quote=quote, manage_token_hash=manage_token_hash,
            checkin_secret=checkin_secret, holds=holds,
        )

    @property
    def is_cancelled(self) -> bool:
        return self.cancellation is not None

    @property
    def total(self) -> Money:
        return self.invoiced_total if self.invoiced_total is not None else self.quote.total

    @property
    def standing(self) -> Standing:
        """Status, attending, balance due and refund owed (decided in domain.standing)."""
        terms = self.cancellation
        return standing(total=self.total, paid=self.paid, refunded=self.refunded,
                        cancelled=terms is not None,
                        retained=terms.retained if terms is not None else None,
                        invoiced=self.invoice_number is not None,
                        awaiting_approval=self.awaiting_approval)

    @property
    def balance_due(self) -> Money:
        """What is still to pay (zero once paid, or once cancelled)."""
        return self.standing.balance_due

    @property
    def status(self) -> str:
        return self.standing.status

    def _check_active(self) -> None:
        if self.is_cancelled:
            raise AlreadyCancelled("This registration is cancelled.")

    def correct_details(self, changes: Mapping[str, Any],
                        reason: str | None = None) -> Corrections:
        """Record what actually differs; returns the corrections (empty when nothing did)."""
        self._check_active()
        current = self.attendee.to_dict()
        differences = Corrections.of(
            {k: v for k, v in changes.items() if k in CORRECTABLE and current[k] != v})
        if differences:
            self._details_corrected(differences, reason)
        return differences

    @event(DetailsCorrected)
    def _details_corrected(self, changes: Corrections, reason: str | None) -> None:
        self.attendee = self.attendee.corrected(changes)

    def substitute(self, attendee: Attendee, checkin_secret: str,
                   reason: str | None = None) -> None:
        self._check_active()
        self._substituted(self.attendee, attendee, checkin_secret, reason)
        self.renew_manage_link("substituted")

    @property
    def awaiting_approval(self) -> bool:
        return self.approval == "asked" and not self.is_cancelled

    def _check_approved(self) -> None:
        if self.awaiting_approval:
            raise AwaitingApproval()

    def ask_approval(self) -> None:
        """At registration, for a type that needs approval (RegistrationType.approval)."""
        self._approval_asked()

    @event(ApprovalAsked)
    def _approval_asked(self) -> None:
        self.approval = "asked"

    def approve(self, note: str, at: datetime) -> None:
        if not self.awaiting_approval:
            self._check_active()
            raise NotAwaitingApproval()
        self._approved(note, at)

    @event(Approved)
    def _approved(self, note: str, at: datetime) -> None:
        self.approval = "approved"
        self.approved_at = at

    def refuse_approval(self, reason: str) -> CancellationTerms:
        """Turn the registration down: cancelled, keeping nothing (whatever was paid is owed
        back in full)."""
        if not self.awaiting_approval:
            self._check_active()
            raise NotAwaitingApproval()
        self._not_approved(reason)
        zero = Money.zero(self.total.currency)
        received = self.paid - self.refunded
        terms = CancellationTerms(refund_percent=Decimal(100), retained=zero,
                                  refund_owed=received if received.amount > 0 else zero)
        self._cancelled(terms, reason, False)
        return terms

    @event(NotApproved)
    def _not_approved(self, reason: str) -> None:
        self.approval = "refused"

    def give_answers(self, answers: Mapping[str, str | bool]) -> None:
        """Record the answers the edition accepted (EditionConfig.answers), if they differ."""
        self._check_active()
        if dict(answers) != self.answers:
            self._answers_given(dict(answers))

    @event(AnswersGiven)
    def _answers_given(self, answers: dict[str, str | bool]) -> None:
        self.answers = dict(answers)

    def renew_manage_link(self, reason: str) -> int:
        """End the manage link in force and issue the next one; returns its generation."""
        if reason not in LINK_RENEWAL_REASONS:
            raise ValueError(f"a link is renewed when {', '.join(LINK_RENEWAL_REASONS)}")
        self._manage_link_renewed(self.link_generation + 1, reason)
        return self.link_generation

    @event(ManageLinkRenewed)
    def _manage_link_renewed(self, generation: int, reason: str) -> None:
        self.link_generation = generation

    @event(Substituted)
    def _substituted(self, previous: Attendee, attendee: Attendee, checkin_secret: str,
                     reason: str | None) -> None:
        self.attendee = attendee
        self.checkin_secret = checkin_secret
        self.substitutions += 1
        self.checked_in_at = None  # the new person has not come in yet (the history keeps both)
        self.inside = {}  # nor is on any list
        self.last_scans = {}
        self.answers = {}  # dietary needs, consents...: the new person gives their own

    def terms_if_cancelled(self, policy: CancellationPolicy,
                           at: datetime) -> CancellationTerms | None:
        """What cancelling at `at` would keep and owe back (None: it is cancelled already).

        What the attendee is shown before cancelling is what cancelling then records.
        """
        if self.is_cancelled:
            return None
        return cancellation_terms(policy, total=self.total, paid=self.paid, at=at)

    def cancel(self, policy: CancellationPolicy, at: datetime, reason: str | None = None,
               waive_fee: bool = False) -> CancellationTerms:
        """The attendee cancels (no reason), or staff with a reason, perhaps waiving the fee."""
        self._check_active()
        terms = self.terms_if_cancelled(without_fee(policy) if waive_fee else policy, at)
        assert terms is not None  # not cancelled, as just checked
        self._cancelled(terms, reason, waive_fee)
        return terms

    @event(Cancelled)
    def _cancelled(self, terms: CancellationTerms, reason: str | None, fee_waived: bool) -> None:
        self.cancellation = terms

    def change_place(self, registration_type: str, delegation: str | None, quote: PriceQuote,
                     holds: list[str], reason: str) -> None:
        """Staff move the place (re-quoted and allocated by the caller: see
        domain.staff_actions and the place-change service)."""
        self._check_active()
        if (registration_type, delegation) == (self.registration_type, self.delegation):
            raise NothingChanged()
        self._place_changed(self.registration_type, self.delegation, registration_type,
                            delegation, quote, holds, check_reason(reason))

    @event(PlaceChanged)
    def _place_changed(self, previous_type: str, previous_delegation: str | None,
                       registration_type: str, delegation: str | None, quote: PriceQuote,
                       holds: list[str], reason: str) -> None:
        self.registration_type = registration_type
        self.delegation = delegation
        self.quote = quote
        self.holds = list(holds)

    @property
    def may_expire(self) -> bool:
        return not self.awaiting_approval and may_expire(
            cancelled=self.is_cancelled, invoiced=self.invoice_number is not None,
            paid=self.paid, balance_due=self.balance_due)

    @property
    def open_payment(self) -> str | None:
        """The card payment opened for this place and not recorded as received (its
        reference), if any: the processor says whether it is still going on."""
        request = self.payment_request
        if request is None or request["reference"] in self.payment_references:
            return None
        return str(request["reference"])

    def payment_deadline(self, config: EditionConfig) -> datetime | None:
        """When the place must be paid (None: no deadline, or it may not expire)."""
        if not self.may_expire:
            return None
        return config.payment_deadline(self.registration_type,
                                       self.approved_at or self.created_on)

    def expire(self, deadline: datetime | None, at: datetime) -> bool:
        """Cancel the place for want of payment once `deadline` has passed; False (nothing
        recorded) when it has not, there is none, or the place may not expire (paid, billed
        by an invoice, already cancelled), so a second pass changes nothing."""
        if deadline is None or at < deadline or not self.may_expire:
            return False
        zero = Money.zero(self.total.currency)
        self._expired(deadline, CancellationTerms(Decimal(0), retained=zero, refund_owed=zero))
        return True

    @event(Expired)
    def _expired(self, deadline: datetime, terms: CancellationTerms) -> None:
        self.cancellation = terms
        self.expired_deadline = deadline

    def record_payment(
        self, amount: Money, method: str, reference: str, details: PaymentDetails | None = None
    ) -> bool:
        """Record money received; a reference already recorded changes nothing (False)."""
        if reference in self.payment_references:
            return False
        if amount.currency != self.total.currency:
            raise ValueError(f"a payment in {amount.currency} for a {self.total.currency} place")
        self._payment_received(amount, method, reference, details or PaymentDetails())
        return True

    def take_payment_at_desk(self, amount: Money, method: str, reference: str,
                             received_on: date, issued_on_it: str | None = None) -> None:
        """Money handed over at the desk, on a card terminal or in cash.

        Only for a place not billed by an invoice (its payments go against the invoice) —
        but for `issued_on_it`, the invoice issued on this very payment, which records it —
        never more than what is due (the desk cannot give change back as a refund), and
        never twice under one reference: unlike a processor's notice, which may come twice
        and is then ignored, a reference typed again at the desk is a mistake to point out.
        """
        self._check_active()
        self._check_approved()
        if method not in DESK_PAYMENT_METHODS:
            raise Invalid(f"A desk payment is one of {', '.join(DESK_PAYMENT_METHODS)}.")
        if self.invoice_number is not None and self.invoice_number != issued_on_it:
            raise AlreadyInvoiced(f"This place is billed by invoice {self.invoice_number}: "
                                  "record the payment against the invoice.")
        if self.balance_due.is_zero:
            raise AlreadyPaid()
        check_moved(amount, self.total.currency)
        if amount.amount > self.balance_due.amount:
            raise MoreThanDue(f"Only {self.balance_due} is due.")
        if reference in self.payment_references:
            raise ReferenceAlreadyUsed()
        self._payment_received(amount, method, reference, PaymentDetails(
            invoice=issued_on_it, received_on=received_on.isoformat()))

    @event(PaymentReceived)
    def _payment_received(self, amount: Money, method: str, reference: str,
                          details: PaymentDetails) -> None:
        self.paid = self.paid + amount
        self.payment_references.append(reference)

    def record_payment_failure(self, reference: str, message: str) -> bool:
        """Record a declined attempt; the same attempt reported twice changes nothing."""
        if reference in self.failure_references:
            return False
        self._payment_failed(reference, message)
        return True

    @event(PaymentFailed)
    def _payment_failed(self, reference: str, message: str) -> None:
        self.failure_references.append(reference)

    def request_payment(self, reference: str, amount: Money) -> None:
        """Note the card payment opened for this place (checked by the caller: see payments)."""
        self._check_active()
        self._check_approved()
        self._payment_requested(reference, amount)

    @event(PaymentRequested)
    def _payment_requested(self, reference: str, amount: Money) -> None:
        self.payment_request = {"reference": reference, "amount": amount}

    def record_refund(self, amount: Money, reference: str) -> bool:
        """Record money sent back to the card; a reference already recorded changes nothing
        (False)."""
        if reference in self.refund_references:
            return False
        self._refund_issued(amount, reference, "card", None)
        return True

    def refund_by_hand(self, amount: Money, method: str, reference: str, reason: str) -> None:
        """Staff record money they sent back themselves (a transfer, a cheque, cash)."""
        check_refund_by_hand(amount, method, reference, self.paid - self.refunded,
                             self.refund_references)
        self._refund_issued(amount, reference, method, check_reason(reason))

    @event(RefundIssued)
    def _refund_issued(self, amount: Money, reference: str, method: str,
                       reason: str | None) -> None:
        self.refunded = self.refunded + amount
        self.refund_references.append(reference)

    def check_billable(self) -> None:
        """Refuse an invoice for this place unless domain.billing lets one bill it."""
        self._check_approved()
        if not billable(cancelled=self.is_cancelled, invoiced=self.invoice_number is not None,
                        free=self.total.is_zero):
            self._check_active()
            if self.invoice_number is None:
                raise NothingToBill()
            raise AlreadyInvoiced(f"This registration is already billed by invoice "
                                  f"{self.invoice_number}.")

    def check_invoice_request(self, offered: bool) -> None:
        """Refuse the attendee's "send me an invoice" unless domain.billing lets them ask
        (`offered`: the edition sends invoices on request)."""
        self._check_approved()
        if may_request_invoice(offered=offered, cancelled=self.is_cancelled,
                               invoiced=self.invoice_number is not None,
                               balance_due=self.balance_due):
            return
        if not offered:
            raise InvoicesNotOffered()
        self.check_billable()
        raise AlreadyPaid("This registration is already paid.")

    def mark_invoiced(self, invoice_number: str, amount: Money) -> None:
        """One live invoice per place (see domain.invoice)."""
        self.check_billable()
        self._invoiced(invoice_number, amount)

    @event(Invoiced)
    def _invoiced(self, invoice_number: str, amount: Money) -> None:
        self.invoice_number = invoice_number
        self.invoiced_total = amount
        self.billed_by.append(invoice_number)
        self.billed_amounts = {invoice_number: amount}

    @event(InvoiceCancelled)
    def _invoice_cancelled(self, invoice_number: str, total: Money) -> None:
        self.invoice_number = None
        self.invoiced_total = None
        self.billed_amounts = {}

    @property
    def billed(self) -> dict[str, Money]:
        """What each live invoice bills for this place, oldest first: the invoice, net of
        credit notes for a cheaper place, then each supplementary invoice."""
        found: dict[str, Money] | None = self.__dict__.get("billed_amounts")
        if found is not None:
            return found
        if self.invoice_number is None or self.invoiced_total is None:
            return {}
        return {self.invoice_number: self.invoiced_total}

    def adjust_invoiced(self, document_number: str, kind: str, refers_to_number: str,
                        amount: Money, reason: str) -> None:
        """A place change billed against a document billing it: a supplementary invoice
        refers to its invoice, a credit note to the document it credits (see
        InvoiceService.on_place_change)."""
        assert self.invoice_number is not None and self.invoiced_total is not None, \
            "only a place an invoice bills is adjusted"
        self._invoice_adjusted(document_number, kind, refers_to_number, amount,
                               self.invoiced_total + amount, check_reason(reason))

    @event(InvoiceAdjusted)
    def _invoice_adjusted(self, document_number: str, kind: str, refers_to_number: str,
                          amount: Money, total: Money, reason: str) -> None:
        billed = dict(self.billed)
        if kind == "invoice":
            billed[document_number] = amount
            self.billed_by.append(document_number)
        else:
            billed[refers_to_number] = billed[refers_to_number] + amount
        self.billed_amounts = billed
        self.invoiced_total = total

    def unmark_invoiced(self) -> None:
        """The invoice billing this place was cancelled: it may be billed again."""
        if self.invoice_number is not None:
            self._invoice_cancelled(self.invoice_number, self.quote.total)

    def check_badge_allowed(self) -> None:
        if self.is_cancelled:
            raise AlreadyCancelled("This registration is cancelled: it gets no badge.")
        self._check_approved()

    def record_badge_print(self, printed_by: str) -> None:
        """Record that a badge was printed; reprints are allowed, and counted."""
        self.check_badge_allowed()
        self._badge_printed(printed_by)

    @event(BadgePrinted)
    def _badge_printed(self, printed_by: str) -> None:
        self.badge_prints += 1

    @property
    def extras_bought(self) -> frozenset[str]:
        """The add-ons bought with the place (domain.extras)."""
        return frozenset(line.code for line in self.quote.extras if line.quantity)

    def inside_since(self, list_code: str) -> datetime | None:
        """When the attendee last came in through `list_code` (None: not inside)."""
        return self.inside.get(list_code)

    def check_in(self, by: str, at: datetime, checkin_list: CheckinList = DEFAULT_LIST,
                 direction: str = "entry", today: date | None = None) -> bool:
        """Scan an entry or an exit on `checkin_list` (`today`: the edition's date at `at`).

        A second entry without an exit changes nothing (False); the list's refusals are
        in domain.checkin_lists.
        """
        self._check_scannable(checkin_list, today or at.date())
        since = self.inside_since(checkin_list.code)
        passage(since, direction, at)
        if not changes(since, direction):
            return False
        self._checked_in(at, by, checkin_list.code, direction)
        return True

    def check_in_offline(self, by: str, at: datetime, checkin_list: CheckinList,
                         direction: str, device: str, today: date) -> str | None:
        """Apply a scan a device made offline (domain.offline_scans): recorded as a scan, or
        as a conflict with what was recorded meanwhile (its reason returned)."""
        self._check_scannable(checkin_list, today)
        since = self.inside_since(checkin_list.code)
        reason = conflict(since, self.last_scans.get(checkin_list.code), direction, at)
        if reason is None:
            self._checked_in(at, by, checkin_list.code, direction)
        else:
            self._check_in_conflicted(at, by, checkin_list.code, direction, device, reason,
                                      since)
        return reason

    def _check_scannable(self, checkin_list: CheckinList, today: date) -> None:
        if self.is_cancelled:
            raise AlreadyCancelled("This registration is cancelled: it cannot be checked in.")
        self._check_approved()
        checkin_list.check_admits(self.registration_type, today, self.extras_bought)

    @event(CheckInConflicted)
    def _check_in_conflicted(self, at: datetime, by: str, list_code: str, direction: str,
                             device: str, reason: str, inside_since: datetime | None) -> None:
        pass  # changes nobody's presence: the history and the desk show it

    @event(CheckedIn)
    def _checked_in(self, at: datetime, by: str, list_code: str, direction: str) -> None:
        since = passage(self.inside_since(list_code), direction, at)
        self.last_scans[list_code] = max(at, self.last_scans.get(list_code, at))
        if since is None:
            self.inside.pop(list_code, None)
        else:
            self.inside[list_code] = since
            self.checked_in_at = self.checked_in_at or at
