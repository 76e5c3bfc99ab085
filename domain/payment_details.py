"""What a payment record says besides its amount: where it came from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

PAYMENT_METHODS = ("bank_transfer", "cheque")  # how finance records money against an invoice
CARD = "card"  # a card payment (through the processor); of an invoiced place, also its invoice's
DESK_PAYMENT_METHODS = ("card_terminal", "cash")  # how money is taken at the registration desk


def paid_by_bill_to(method: str) -> bool:
    """Whether money recorded against an invoice is its bill-to's: a transfer or cheque pays
    the invoice as a whole, so its one receipt goes to the bill-to's contact, naming the
    bill-to, and none to the places it is shared out to. (A card payment of an invoiced
    place is the cardholder's, who gets the receipt.)"""
    return method in PAYMENT_METHODS


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
