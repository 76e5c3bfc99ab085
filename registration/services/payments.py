"""Card payments: open (or reuse) a payment, confirm a card, and record what Stripe says.

Nothing here trusts a message about money: a webhook only says *which* payment changed;
the payment itself is re-read from Stripe before anything is recorded. Each registration
records its own share; every record is idempotent per Stripe id, and a webhook's event id
is saved with its effects, so replays and out-of-order deliveries change nothing twice.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.errors import AlreadyPaid, NotFound
from domain.money import Money
from domain.payment import (
    PaymentOrder,
    ProcessedNotice,
    RefundAttempt,
    from_minor_units,
    minor_units,
    payable_shares,
)
from domain.payment_details import CARD, PaymentDetails
from domain.registration import Registration
from registration.adapters.stripe_gateway import CardDeclined, Intent, StripeGateway
from registration.application import Conference
from registration.idempotency import Claim

log = logging.getLogger(__name__)
INTENT_EVENTS = {"payment_intent.succeeded", "payment_intent.payment_failed",
                 "payment_intent.processing", "payment_intent.canceled"}


@dataclass(frozen=True)
class Checkout:
    reference: str
    client_secret: str
    status: str
    amount: Money
    shares: dict[UUID, Money]


@dataclass(frozen=True)
class CardOutcome:
    status: str  # "succeeded", "processing", "requires_action", "declined"
    message: str | None = None
    client_secret: str | None = None
    reason: str | None = None  # Stripe's decline code ("insufficient_funds") or error code


class PaymentService:
    def __init__(self, app: Conference, gateway: StripeGateway) -> None:
        self.app = app
        self.gateway = gateway
        # Decided with each card payment, saved with it: the places' invoices (the invoice
        # issued on payment, the payment recorded on the ones billing them). Each hook is
        # given the places about to be paid (before they record it), the payment's id, its
        # charge and each place's share.
        self.payment_hooks: list[Callable[
            [list[Registration], str, str | None, Mapping[UUID, Money]], list[Aggregate]]] = []

    def _registration(self, registration_id: UUID) -> Registration:
        return self.app.load(registration_id, Registration, "registration")

    def order(self, reference: str) -> PaymentOrder:
        return self.app.load(PaymentOrder.create_id(reference), PaymentOrder, "payment")

    def checkout(self, registration_ids: Sequence[UUID],
                 idempotency: Claim | None = None) -> Checkout:
        """The payment for these registrations' balance: the open one, or a new one."""
        if idempotency is not None:
            idempotency.check(self.app.find)
        registrations = [self._registration(rid) for rid in dict.fromkeys(registration_ids)]
        reusable = self._reusable_intent(registrations)
        if reusable is not None:
            return self._answered(self._checkout(reusable), idempotency)
        for registration in registrations:
            self.settle_open_request(registration)
        registrations = [self._registration(r.id) for r in registrations]
        shares = payable_shares(registrations)
        seen = {r.id: r.version for r in registrations}
        intent = self.gateway.create_intent(
            sum(minor_units(share) for share in shares.values()),
            next(iter(shares.values())).currency,
            metadata=intent_metadata(shares, registrations[0].edition_id),
            idempotency_key=str(uuid5(NAMESPACE_URL, f"checkout:{sorted(seen.items())}")),
        )

        def decision() -> tuple[list[Aggregate], Checkout | None]:
            current = [self._registration(rid) for rid in shares]
            if any(r.version != seen[r.id] for r in current):
                return [], None  # someone else got there first: use theirs
            for registration in current:
                registration.request_payment(intent.id, shares[registration.id])
            order = PaymentOrder.open(intent.id, current[0].edition_id, shares)
            return [*current, order], Checkout(
                reference=intent.id, client_secret=intent.client_secret, status=intent.status,
                amount=order.total, shares=dict(shares))

        opened = self.app.decide(decision, idempotency)
        if opened is not None:
            return opened
        self.gateway.cancel_intent(intent.id)
        return self.checkout(list(shares), idempotency)

    def _answered(self, checkout: Checkout, idempotency: Claim | None) -> Checkout:
        """An open payment given again: the key is answered with it (in a save of its own,
        as nothing else changes)."""
        if idempotency is not None:
            self.app.decide(lambda: ([], checkout), idempotency)
        return checkout

    def checkout_of(self, reference: str) -> Checkout:
        """A payment opened earlier, as it stands now."""
        return self._checkout(self.gateway.intent(reference))

    def _reusable_intent(self, registrations: list[Registration]) -> Intent | None:
        """The intent already opened for exactly these registrations and amounts, if open."""
        requests = [r.payment_request for r in registrations]
        if any(request is None for request in requests):
            return None
        references = {request["reference"] for request in requests}  # type: ignore[index]
        if len(references) != 1:
            return None
        order = self.order(references.pop())
        if set(order.registration_ids) != {r.id for r in registrations} or any(
                order.share_of(r.id) != r.balance_due for r in registrations):
            return None
        intent = self.gateway.intent(order.reference)
        if intent.succeeded:
            self.record_intent(intent)
            raise AlreadyPaid("This registration is already paid.")
        # After a declined charge a fresh payment is opened (localstripe cannot confirm the
        # same one again; Stripe could, and does not mind).
        usable = intent.open and intent.failure is None
        return intent if usable or intent.status == "processing" else None

    def _checkout(self, intent: Intent) -> Checkout:
        order = self.order(intent.id)
        return Checkout(reference=intent.id, client_secret=intent.client_secret,
                        status=intent.status, amount=order.total,
                        shares={rid: order.share_of(rid) for rid in order.registration_ids})

    def settle_open_request(self, registration: Registration) -> None:
        """Before anything replaces or cancels it: record the open payment if it went through,
        otherwise cancel it at Stripe so it can no longer be paid."""
        reference = registration.open_payment
        if reference is None:
            return
        intent = self.gateway.intent(reference)
        if intent.succeeded:
            self.record_intent(intent)
        elif intent.open:
            self.gateway.cancel_intent(intent.id)

    def pay_with_card(self, reference: str, client_secret: str, token: str) -> CardOutcome:
        """Confirm the payment on the server with the card a Stripe.js token stands for.

        Success is recorded when Stripe's webhook says so; a decline is recorded now.
        """
        order = self.order(reference)
        intent = self.gateway.intent(reference)
        if not hmac.compare_digest(utf8(intent.client_secret), utf8(client_secret)):
            raise NotFound(f"No payment {reference} with that client secret.")
        if intent.succeeded or intent.status == "processing":
            return CardOutcome(intent.status)
        if not intent.open:
            raise AlreadyPaid("This payment is closed; open a new one.")
        email = self._registration(order.registration_ids[0]).attendee.email
        try:
            intent = self.gateway.pay_with_token(reference, token, email)
        except CardDeclined as declined:
            attempt = self.gateway.intent(reference).failure or {}
            self._record_failure(order, attempt.get("charge") or f"{reference}:{token}",
                                 declined.message)
            return CardOutcome("declined", declined.message, reason=declined.code)
        if intent.status == "requires_action":
            return CardOutcome("requires_action", client_secret=intent.client_secret)
        return CardOutcome(intent.status)

    def _record_failure(self, order: PaymentOrder, attempt: str, message: str) -> None:
        def decision() -> tuple[list[Aggregate], None]:
            registrations = [self._registration(rid) for rid in order.registration_ids]
            return [r for r in registrations
                    if r.record_payment_failure(attempt, message)], None

        self.app.decide(decision)

    def handle_notice(self, notice_id: str, kind: str, obj: Mapping[str, Any]) -> str:
        """Apply one verified webhook event; returns what was done with it."""
        if kind in INTENT_EVENTS:
            reference = str(obj["id"])
            if self.app.find(PaymentOrder.create_id(reference), PaymentOrder) is None:
                return "not ours"  # nothing to re-read from Stripe
            return self.record_intent(self.gateway.intent(reference), notice_id)
        if kind == "charge.refunded" and obj.get("payment_intent"):
            return self.record_refunds(str(obj["payment_intent"]), notice_id)
        return "ignored"

    def record_intent(self, intent: Intent, notice_id: str | None = None) -> str:
        """Record what a (freshly read) payment says: paid, declined, or nothing yet."""
        order = self.app.find(PaymentOrder.create_id(intent.id), PaymentOrder)
        if order is None:
            return "not ours"
        if intent.succeeded and (intent.amount != minor_units(order.total)
                                 or intent.currency != order.total.currency):
            log.error("Payment %s is for %s %s, not %s", intent.id, intent.amount,
                      intent.currency, order.total)
            return "amount mismatch"

        def decision() -> tuple[list[Aggregate], str]:
            if notice_id and self._already_processed(notice_id):
                return [], "duplicate"
            registrations = [self._registration(rid) for rid in order.registration_ids]
            shares = {rid: order.share_of(rid) for rid in order.registration_ids}
            # The hooks go first, so that each place records its share against the invoice
            # that records the payment (one issued on this payment included).
            paying = [r for r in registrations if intent.succeeded
                      and intent.id not in r.payment_references]
            documents = [a for hook in self.payment_hooks
                         for a in hook(paying, intent.id, intent.charge_id, shares)]
            changed = [r for r in registrations if record_from_intent(r, intent, shares[r.id])]
            unique = {a.id: a for a in [*changed, *documents]}  # a hook changes places too
            return [*unique.values(), *self._notice(notice_id, "payment_intent")], "recorded"

        return self.app.decide(decision)

    def record_refunds(self, reference: str, notice_id: str | None = None) -> str:
        """Record every refund Stripe holds for this payment (each once)."""
        order = self.app.find(PaymentOrder.create_id(reference), PaymentOrder)
        if order is None:
            return "not ours"
        refunds = [r for r in self.gateway.refunds(reference) if r.status == "succeeded"]

        def decision() -> tuple[list[Aggregate], str]:
            if notice_id and self._already_processed(notice_id):
                return [], "duplicate"
            changed: dict[UUID, Aggregate] = {}
            for refund in refunds:
                rid = refund_owner(order, refund.metadata)
                if rid is None:
                    continue
                registration = self._registration(rid)
                money = from_minor_units(refund.amount, refund.currency)
                if registration.record_refund(money, refund.id):
                    changed[rid] = registration
                attempt = self.app.find(RefundAttempt.create_id(rid), RefundAttempt)
                if attempt is not None and attempt.key == refund.metadata.get("refund_key"):
                    attempt.complete(refund.id)
                    changed[attempt.id] = attempt
            return [*changed.values(), *self._notice(notice_id, "charge.refunded")], "recorded"

        return self.app.decide(decision)

    def _already_processed(self, notice_id: str) -> bool:
        return self.app.find(ProcessedNotice.create_id(notice_id), ProcessedNotice) is not None

    @staticmethod
    def _notice(notice_id: str | None, kind: str) -> list[Aggregate]:
        return [ProcessedNotice(notice_id=notice_id, kind=kind)] if notice_id else []


def utf8(text: str) -> bytes:
    """Bytes to compare in constant time (`compare_digest` refuses non-ASCII text)."""
    return text.encode("utf-8", "surrogatepass")


def record_from_intent(registration: Registration, intent: Intent, share: Money) -> bool:
    if intent.succeeded:
        return registration.record_payment(share, CARD, intent.id, PaymentDetails(
            invoice=registration.invoice_number, charge=intent.charge_id,
            payment_total=str(intent.amount), currency=intent.currency))
    if intent.failure and intent.status == "requires_payment_method":
        attempt = intent.failure.get("charge") or intent.id
        message = intent.failure.get("message") or "The card was declined."
        return registration.record_payment_failure(attempt, message)
    return False


def refund_owner(order: PaymentOrder, metadata: Mapping[str, str]) -> UUID | None:
    """The registration a refund belongs to: named in its metadata, or the only one paid."""
    named = metadata.get("registration_id")
    if named and named in order.shares:
        return UUID(named)
    ids = order.registration_ids
    return ids[0] if len(ids) == 1 else None


def intent_metadata(shares: Mapping[UUID, Money], edition_id: UUID) -> dict[str, str]:
    """Stripe metadata values hold 500 characters: ids are listed while they fit."""
    ids = ",".join(str(rid) for rid in shares)
    metadata = {"edition_id": str(edition_id), "registrations": str(len(shares))}
    if len(shares) == 1:
        metadata["registration_id"] = ids
    elif len(ids) <= 500:
        metadata["registration_ids"] = ids
    return metadata
