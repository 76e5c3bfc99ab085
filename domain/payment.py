"""Paying by card: an order per payment request, notices already handled, refund attempts.

These aggregates keep the facts a card processor's asynchronous answers need: which
registrations a payment pays for and how much of it is each one's share, which
notifications were already applied (so a replay changes nothing), and whether the refund a
cancellation owes was already sent (so it is sent exactly once).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.base import ConferenceAggregate
from domain.errors import AlreadyCancelled, AlreadyPaid, AwaitingApproval, Invalid
from domain.money import Money, total
from domain.registration import Registration

NAMESPACE = uuid5(NAMESPACE_URL, "https://seuscp.example/payments")
ZERO_DECIMAL_CURRENCIES = frozenset({"JPY", "KRW", "CLP", "VND"})


def minor_units(money: Money) -> int:
    """The integer amount card processors expect (cents for CAD and USD)."""
    exponent = 0 if money.currency in ZERO_DECIMAL_CURRENCIES else 2
    return int(money.rounded().amount.scaleb(exponent))


def from_minor_units(amount: int, currency: str) -> Money:
    code = currency.upper()
    exponent = 0 if code in ZERO_DECIMAL_CURRENCIES else 2
    return Money(Decimal(amount).scaleb(-exponent), code)


@dataclass(frozen=True)
class Shares:
    """Each registration's part of one payment, in order."""

    parts: tuple[tuple[str, Money], ...]

    @classmethod
    def of(cls, shares: Mapping[UUID, Money]) -> Shares:
        return cls(tuple((str(rid), money) for rid, money in shares.items()))

    def to_dict(self) -> dict[str, Any]:
        return {rid: money.to_dict() for rid, money in self.parts}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Shares:
        return cls(tuple((rid, value if isinstance(value, Money) else Money.from_dict(value))
                         for rid, value in data.items()))


class PaymentOrder(ConferenceAggregate):
    """One payment request (a PaymentIntent) for one or several registrations."""

    class Opened(ConferenceAggregate.Created):
        reference: str
        edition_id: UUID
        shares: Shares

    @staticmethod
    def create_id(reference: str) -> UUID:
        return uuid5(NAMESPACE, f"payment-order:{reference}")

    @event(Opened)
    def __init__(self, reference: str, edition_id: UUID, shares: Shares) -> None:
        self.reference = reference
        self.edition_id = edition_id
        self.shares = dict(shares.parts)

    @classmethod
    def open(cls, reference: str, edition_id: UUID, shares: Mapping[UUID, Money]) -> PaymentOrder:
        return cls(reference=reference, edition_id=edition_id, shares=Shares.of(shares))

    @property
    def registration_ids(self) -> list[UUID]:
        return [UUID(key) for key in self.shares]

    @property
    def total(self) -> Money:
        currency = next(iter(self.shares.values())).currency
        return total(self.shares.values(), currency)

    def share_of(self, registration_id: UUID) -> Money:
        return self.shares[str(registration_id)]


def payable_shares(registrations: Iterable[Registration]) -> dict[UUID, Money]:
    """What each registration still owes, refusing any that cannot be paid now."""
    shares: dict[UUID, Money] = {}
    editions = set()
    for registration in registrations:
        if registration.is_cancelled:
            raise AlreadyCancelled("A cancelled registration cannot be paid.")
        if registration.awaiting_approval:
            raise AwaitingApproval()
        due = registration.balance_due
        if due.is_zero:
            raise AlreadyPaid("This registration is already paid.")
        shares[registration.id] = due
        editions.add(registration.edition_id)
    if len(editions) > 1:
        raise Invalid("A group payment covers registrations of one edition only.")
    if not shares:
        raise Invalid("Name at least one registration to pay for.")
    return shares


class ProcessedNotice(ConferenceAggregate):
    """A processor notification already applied: saved with its effects, so never twice."""

    class Recorded(ConferenceAggregate.Created):
        notice_id: str
        kind: str

    @staticmethod
    def create_id(notice_id: str) -> UUID:
        return uuid5(NAMESPACE, f"notice:{notice_id}")

    @event(Recorded)
    def __init__(self, notice_id: str, kind: str) -> None:
        self.notice_id = notice_id
        self.kind = kind


class RefundAttempt(ConferenceAggregate):
    """Sending back what a cancelled registration is owed, claimed by one caller at a time.

    Whoever creates (or re-opens, after a failure) the attempt sends the refund; everyone
    else sees it in flight or done and sends nothing.
    """

    class Requested(ConferenceAggregate.Created):
        registration_id: UUID
        payment_reference: str
        amount: Money

    class Failed(ConferenceAggregate.Event):
        message: str

    class Reopened(ConferenceAggregate.Event):
        pass

    class Completed(ConferenceAggregate.Event):
        refund_reference: str

    @staticmethod
    def create_id(registration_id: UUID) -> UUID:
        return uuid5(NAMESPACE, f"refund:{registration_id}")

    @event(Requested)
    def __init__(self, registration_id: UUID, payment_reference: str, amount: Money) -> None:
        self.registration_id = registration_id
        self.payment_reference = payment_reference
        self.amount = amount
        self.state = "requested"
        self.refund_reference: str | None = None

    @property
    def key(self) -> str:
        return str(self.id)

    @event(Failed)
    def fail(self, message: str) -> None:
        self.state = "failed"

    def reopen(self) -> bool:
        """Claim a failed attempt again; False when it is in flight or done."""
        if self.state != "failed":
            return False
        self._reopened()
        return True

    @event(Reopened)
    def _reopened(self) -> None:
        self.state = "requested"

    def complete(self, refund_reference: str) -> None:
        if self.state != "completed":
            self._completed(refund_reference)

    @event(Completed)
    def _completed(self, refund_reference: str) -> None:
        self.state = "completed"
        self.refund_reference = refund_reference
