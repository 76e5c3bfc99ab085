"""What an invoice may bill, when an attendee may ask for one instead of paying by card, and
how money is shared over the documents billing a place.

Decided here once: the registration refuses what these say no to, the finance page lists
only the places they let be billed, and the attendee's page offers an invoice only when
asking for one would be accepted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from domain.money import Money


def billable(*, cancelled: bool, invoiced: bool, free: bool = False) -> bool:
    """A cancelled place is billed by no invoice, nor a place that costs nothing (a speaker's:
    the invoice would bill 0,00 $), and a place by one live invoice at most."""
    return not cancelled and not invoiced and not free


def may_request_invoice(*, offered: bool, cancelled: bool, invoiced: bool,
                        balance_due: Money) -> bool:
    """The edition sends invoices on request, the place may be billed, and something is
    left to pay (an invoice replaces the card payment; it is no receipt)."""
    return offered and billable(cancelled=cancelled, invoiced=invoiced) and \
        not balance_due.is_zero


def newest_first(documents: Sequence[tuple[str, Money]], amount: Money) -> list[tuple[str, Money]]:
    """`amount` shared over the documents billing a place, given oldest first (its invoice,
    then its supplementary invoices) each with what it may take: the newest first, each up
    to what it may take, whatever is left on the oldest. Documents taking nothing are left
    out. A card payment is shared so over what each is due; a cheaper place's credit over
    what each still bills, so that no supplementary invoice stays due for a difference
    that no longer exists."""
    zero = Money.zero(amount.currency)
    parts: list[tuple[str, Money]] = []
    for number, room in reversed(documents[1:]):
        part = min(amount, max(room, zero))
        if not part.is_zero:
            parts.append((number, part))
            amount -= part
    if documents and not amount.is_zero:
        parts.append((documents[0][0], amount))
    return parts


def due_and_overpaid(balances: Iterable[Decimal]) -> tuple[Decimal, Decimal]:
    """What documents still have due, and what was paid on them beyond their total (to be
    refunded), each summed on its own: one payer's overpayment never lowers what another
    still owes."""
    due = overpaid = Decimal(0)
    for balance in balances:
        if balance > 0:
            due += balance
        else:
            overpaid -= balance
    return due, overpaid
