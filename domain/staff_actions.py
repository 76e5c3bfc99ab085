"""What finance staff may do to a registration by hand, and the rules each follows.

A change of type or delegation is re-quoted at the prices in force when the place was
first registered (`requote`): whoever registered before the early-bird deadline keeps
it, and a discount code keeps applying when it is valid for the new type. The new total
adjusts the balance (more to pay, or a refund owed); where an invoice bills the place (it
cannot change), the difference is billed beside it: a supplementary invoice, or a credit
note against it (see InvoiceService.on_place_change).
"""

from __future__ import annotations

from dataclasses import replace

from domain.edition_config import EditionConfig
from domain.errors import (
    CodeInvalid,
    Invalid,
    MoreThanPaid,
    ReasonRequired,
    ReferenceAlreadyUsed,
)
from domain.money import Money, check_moved
from domain.policy import CancellationPolicy
from domain.pricing import PriceQuote

# How money goes back by hand (a card refund goes through the processor, on cancelling).
REFUND_METHODS = ("bank_transfer", "cheque", "cash")


def check_reason(reason: str | None) -> str:
    if reason is None or not reason.strip():
        raise ReasonRequired()
    return reason.strip()


def requote(config: EditionConfig, original: PriceQuote, registration_type: str) -> PriceQuote:
    """The place's price as another type, at the moment it was first quoted; the add-ons
    bought with it stay as they were bought."""
    config.registration_type(registration_type)  # an unknown type is refused first
    try:
        quote = config.quote(registration_type, original.code, original.quoted_at)
    except CodeInvalid:  # the code does not apply to the new type: quoted without it
        quote = config.quote(registration_type, None, original.quoted_at)
    return quote.with_extras(original.extras)


def without_fee(policy: CancellationPolicy) -> CancellationPolicy:
    """The policy with its fixed cancellation fee waived (the refund schedule still holds)."""
    return replace(policy, fee=policy.fee * 0)


def check_refund_by_hand(amount: Money, method: str, reference: str,
                         refundable: Money, used: list[str]) -> None:
    """Money sent back outside the card processor: never more than was received and not
    yet sent back, and never twice under one reference."""
    if method not in REFUND_METHODS:
        raise Invalid(f"A refund by hand is one of {', '.join(REFUND_METHODS)}.")
    check_moved(amount, refundable.currency)
    if amount.amount > refundable.amount:
        raise MoreThanPaid(f"Only {refundable} was paid and not yet refunded.")
    if not reference.strip():
        raise Invalid("A refund needs its reference (the transfer or cheque number).")
    if reference in used:
        raise ReferenceAlreadyUsed("A refund with this reference is already recorded.")
