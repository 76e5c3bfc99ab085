"""Cancelling a registration that may have been paid by card, refunding what the policy owes.

The refund is sent exactly once: the caller that creates (or re-opens after a failure) the
registration's RefundAttempt sends it, with the attempt's id as Stripe idempotency key and
metadata; everyone else (a retried or concurrent request, a replayed webhook) sees the
attempt in flight or done and sends nothing.
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.errors import AlreadyCancelled
from domain.money import Money
from domain.payment import PaymentOrder, RefundAttempt, from_minor_units, minor_units
from domain.registration import Registration
from registration.adapters.stripe_gateway import GatewayUnavailable
from registration.application import Conference
from registration.idempotency import Claim
from registration.services.payments import PaymentService
from registration.services.registrations import RegistrationService
from registration.services.views import RegistrationView


class CancellationService:
    def __init__(self, registrations: RegistrationService, payments: PaymentService) -> None:
        self.registrations = registrations
        self.payments = payments
        self.app = payments.app

    def cancel(self, registration_id: UUID, reason: str | None = None,
               waive_fee: bool = False, claim: Claim | None = None) -> RegistrationView:
        """Cancel under the policy, then refund what it owes; a retry completes the refund.
        Staff give a `reason`, and may waive the policy's fixed fee."""
        registration = self.registrations.get(registration_id)
        if not registration.is_cancelled:
            # An open card payment is recorded (if it went through) or cancelled first, so
            # the terms see every payment and nothing can be paid after the cancellation.
            self.payments.settle_open_request(registration)
        try:
            self.registrations.cancel(registration_id, reason=reason, waive_fee=waive_fee,
                                    claim=claim)
        except AlreadyCancelled:
            if self.registrations.get(registration_id).standing.refund_owed.is_zero:
                raise
        self.refund(registration_id)
        return self.registrations.view(registration_id)

    def refund(self, registration_id: UUID) -> None:
        attempt = self.app.decide(lambda: self._claim(registration_id))
        if attempt is None:
            return
        try:
            refund = self.payments.gateway.refund(
                attempt.payment_reference, minor_units(attempt.amount),
                metadata={"registration_id": str(registration_id)},
                idempotency_key=attempt.key)
        except GatewayUnavailable as error:
            message = error.message
            self.app.decide(lambda: self._failed(attempt.id, message))
            raise
        self.app.decide(lambda: self._completed(
            registration_id, attempt.id, from_minor_units(refund.amount, refund.currency),
            refund.id))

    def refund_late_payment(self, reference: str) -> None:
        """Card money that reached places already ended (a place expired while its holder
        paid, or cancelled) is owed back in full: send it back at once. A webhook replayed
        after a failure tries again; one sent already is not sent twice."""
        order = self.app.find(PaymentOrder.create_id(reference), PaymentOrder)
        for registration_id in order.registration_ids if order is not None else ():
            registration = self.registrations.get(registration_id)
            if registration.is_cancelled and not registration.standing.refund_owed.is_zero:
                self.refund(registration_id)

    def _claim(self, registration_id: UUID) -> tuple[list[Aggregate], RefundAttempt | None]:
        registration = self.registrations.get(registration_id)
        owed = registration.standing.refund_owed
        if owed.is_zero:
            return [], None
        attempt = self.app.find(RefundAttempt.create_id(registration_id), RefundAttempt)
        if attempt is None:
            reference = card_payment(self.app, registration)
            if reference is None:
                return [], None  # paid another way: finance sends that money back
            attempt = RefundAttempt(registration_id=registration_id,
                                    payment_reference=reference, amount=owed)
            return [attempt], attempt
        if attempt.reopen():
            return [attempt], attempt
        return [], None

    def _failed(self, attempt_id: UUID, message: str) -> tuple[list[Aggregate], None]:
        attempt = self.app.load(attempt_id, RefundAttempt, "refund")
        attempt.fail(message)
        return [attempt], None

    def _completed(self, registration_id: UUID, attempt_id: UUID, amount: Money,
                   refund_id: str) -> tuple[list[Aggregate], None]:
        registration = self.registrations.get(registration_id)
        registration.record_refund(amount, refund_id)
        attempt = self.app.load(attempt_id, RefundAttempt, "refund")
        attempt.complete(refund_id)
        return [registration, attempt], None


def card_payment(app: Conference, registration: Registration) -> str | None:
    """The latest payment made through a card payment order, if any."""
    for reference in reversed(registration.payment_references):
        if app.find(PaymentOrder.create_id(reference), PaymentOrder) is not None:
            return reference
    return None
