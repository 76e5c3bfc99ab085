"""What a payment record says besides its amount: where it came from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from domain.errors import ReceivedInFuture, ReceivedLongBeforeIssue

PAYMENT_METHODS = ("bank_transfer", "cheque")  # how finance records money against an invoice
CARD = "card"  # a card payment (through the processor); of an invoiced place, also its invoice's
DESK_PAYMENT_METHODS = ("card_terminal", "cash")  # how money is taken at the registration desk


def paid_by_bill_to(method: str) -> bool:
    """Whether money recorded against an invoice is its bill-to's: a transfer or cheque pays
    the invoice as a whole, so its one receipt goes to the bill-to's contact, naming the
    bill-to, and none to the places it is shared out to. (A card payment of an invoiced
    place is the cardholder's, who gets the receipt.)"""
    return method in PAYMENT_METHODS


# How long before its invoice money may have come: a prepayment on a purchase order, not a
# year mistyped. (Kept in step with ReceivedLongBeforeIssue's message.)
EARLIEST_BEFORE_ISSUE = timedelta(days=90)


def check_received_on(received_on: date, issued_on: date, today: date) -> None:
    """Refuse a received date finance cannot have read on a bank statement or a cheque."""
    if received_on > today:
        raise ReceivedInFuture()
    if received_on < issued_on - EARLIEST_BEFORE_ISSUE:
        raise ReceivedLongBeforeIssue()


def value_date(method: str, received_on: str | None) -> str | None:
    """The day that dates a payment in the books when it is not the day it was recorded: a
    transfer or cheque is recorded by hand, often days after the bank or the mail brought
    it, and is reconciled with the statement by the day it was received. (A card or desk
    payment is dated by the processor or the desk as it is taken.)"""
    return received_on if method in PAYMENT_METHODS else None


@dataclass(frozen=True)
class PaymentDetails:
    invoice: str | None = None  # the invoice whose own payment record carries this money
    received_on: str | None = None  # ISO date the money was received (transfers, cheques)
    charge: str | None = None  # the card processor's charge id
    payment_total: str | None = None  # the whole card payment, in minor units (a group's)
    currency: str | None = None  # of payment_total, as the processor writes it

    @property
    def against_invoice(self) -> bool:
        """A share of a payment recorded on an invoice (a transfer or cheque shared out over
        its places, or a card payment of an invoiced place): the invoice counts it."""
        return self.invoice is not None

    def to_dict(self) -> dict[str, Any]:
        return {key: value for key, value in asdict(self).items() if value is not None}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PaymentDetails:
        return cls(**{key: data[key] for key in ("invoice", "received_on", "charge",
                                                  "payment_total", "currency") if key in data})
