"""One attendee's place at an edition, and everything that happens to it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from domain.base import ConferenceAggregate
from domain.errors import AlreadyCancelled
from domain.money import Money
from domain.policy import CancellationPolicy, CancellationTerms, cancellation_terms
from domain.pricing import PriceQuote

CORRECTABLE = ("first_name", "last_name", "email", "organisation", "job_title", "language", "phone")


@dataclass(frozen=True)
class Attendee:
    first_name: str
    last_name: str
    email: str
    organisation: str
    job_title: str
    language: str = "en"
    phone: str | None = None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Attendee:
        return cls(**{key: data.get(key) for key in CORRECTABLE})  # type: ignore[arg-type]

    def corrected(self, changes: Mapping[str, Any]) -> Attendee:
        return replace(self, **{k: v for k, v in changes.items() if k in CORRECTABLE})


class Registration(ConferenceAggregate):
    class Registered(ConferenceAggregate.Created):
        edition_id: UUID
        attendee: dict
        registration_type: str
        delegation: str | None
        quote: dict
        manage_token_hash: str
        checkin_secret: str
        holds: list

    class DetailsCorrected(ConferenceAggregate.Event):
        changes: dict

    class Substituted(ConferenceAggregate.Event):
        previous: dict
        attendee: dict
        checkin_secret: str

    class Cancelled(ConferenceAggregate.Event):
        terms: dict

    class PaymentReceived(ConferenceAggregate.Event):
        amount: dict
        method: str  # "card", "bank_transfer", "cheque"
        reference: str  # unique per payment: a Stripe PaymentIntent id, a bank reference
        details: dict

    class PaymentFailed(ConferenceAggregate.Event):
        reference: str
        message: str

    class RefundIssued(ConferenceAggregate.Event):
        amount: dict
        reference: str

    @event(Registered)
    def __init__(
        self, edition_id: UUID, attendee: dict, registration_type: str, delegation: str | None,
        quote: dict, manage_token_hash: str, checkin_secret: str, holds: list,
    ) -> None:
        self.edition_id = edition_id
        self.attendee = Attendee.from_dict(attendee)
        self.registration_type = registration_type
        self.delegation = delegation
        self.quote = PriceQuote.from_dict(quote)
        self.manage_token_hash = manage_token_hash
        self.checkin_secret = checkin_secret
        self.holds: list[str] = list(holds)  # the allocations this place takes up
        self.substitutions = 0
        self.cancellation: CancellationTerms | None = None
        self.paid = Money.zero(self.quote.currency)
        self.refunded = Money.zero(self.quote.currency)
        self.payment_references: list[str] = []
        self.refund_references: list[str] = []

    @classmethod
    def register(
        cls, *, edition_id: UUID, attendee: Attendee, registration_type: str,
        delegation: str | None, quote: PriceQuote, manage_token_hash: str, checkin_secret: str,
        holds: list[str],
    ) -> Registration:
        return cls(
            edition_id=edition_id, attendee=attendee.to_dict(),
            registration_type=registration_type, delegation=delegation, quote=quote.to_dict(),
            manage_token_hash=manage_token_hash, checkin_secret=checkin_secret, holds=holds,
        )

    @property
    def is_cancelled(self) -> bool:
        return self.cancellation is not None

    @property
    def total(self) -> Money:
        return self.quote.total

    @property
    def balance_due(self) -> Money:
        """What is still to pay (zero once paid, or once cancelled)."""
        if self.cancellation is not None:
            return Money.zero(self.total.currency)
        due = self.total - self.paid + self.refunded
        return due if due.amount > 0 else Money.zero(due.currency)

    @property
    def status(self) -> str:
        if self.cancellation is not None:
            return "refunded" if not self.refunded.is_zero else "cancelled"
        if self.paid >= self.total:
            return "paid" if not self.total.is_zero else "confirmed"
        return "pending_payment"

    def _check_active(self) -> None:
        if self.is_cancelled:
            raise AlreadyCancelled("This registration is cancelled.")

    def correct_details(self, changes: Mapping[str, Any]) -> dict[str, Any]:
        """Record what actually differs; returns the changes (empty when nothing did)."""
        self._check_active()
        current = self.attendee.to_dict()
        differences = {k: v for k, v in changes.items() if k in CORRECTABLE and current[k] != v}
        if differences:
            self._details_corrected(differences)
        return differences

    @event(DetailsCorrected)
    def _details_corrected(self, changes: dict) -> None:
        self.attendee = self.attendee.corrected(changes)

    def substitute(self, attendee: Attendee, checkin_secret: str) -> None:
        self._check_active()
        self._substituted(self.attendee.to_dict(), attendee.to_dict(), checkin_secret)

    @event(Substituted)
    def _substituted(self, previous: dict, attendee: dict, checkin_secret: str) -> None:
        self.attendee = Attendee.from_dict(attendee)
        self.checkin_secret = checkin_secret
        self.substitutions += 1

    def cancel(self, policy: CancellationPolicy, at: datetime) -> CancellationTerms:
        self._check_active()
        terms = cancellation_terms(policy, total=self.total, paid=self.paid, at=at)
        self._cancelled(terms.to_dict())
        return terms

    @event(Cancelled)
    def _cancelled(self, terms: dict) -> None:
        self.cancellation = CancellationTerms.from_dict(terms)

    def record_payment(
        self, amount: Money, method: str, reference: str, details: Mapping[str, Any] | None = None
    ) -> bool:
        """Record money received; a reference already recorded changes nothing (False)."""
        if reference in self.payment_references:
            return False
        if amount.currency != self.total.currency:
            raise ValueError(f"a payment in {amount.currency} for a {self.total.currency} place")
        self._payment_received(amount.to_dict(), method, reference, dict(details or {}))
        return True

    @event(PaymentReceived)
    def _payment_received(self, amount: dict, method: str, reference: str, details: dict) -> None:
        self.paid = self.paid + Money.from_dict(amount)
        self.payment_references.append(reference)

    @event(PaymentFailed)
    def record_payment_failure(self, reference: str, message: str) -> None:
        pass

    def record_refund(self, amount: Money, reference: str) -> bool:
        """Record money sent back; a reference already recorded changes nothing (False)."""
        if reference in self.refund_references:
            return False
        self._refund_issued(amount.to_dict(), reference)
        return True

    @event(RefundIssued)
    def _refund_issued(self, amount: dict, reference: str) -> None:
        self.refunded = self.refunded + Money.from_dict(amount)
        self.refund_references.append(reference)
