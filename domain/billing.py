"""What an invoice may bill, and when an attendee may ask for one instead of paying by card.

Decided here once: the registration refuses what these say no to, the finance page lists
only the places they let be billed, and the attendee's page offers an invoice only when
asking for one would be accepted.
"""

from __future__ import annotations

from domain.money import Money


def billable(*, cancelled: bool, invoiced: bool) -> bool:
    """A cancelled place is billed by no invoice, and a place by one live invoice at most."""
    return not cancelled and not invoiced


def may_request_invoice(*, offered: bool, cancelled: bool, invoiced: bool,
                        balance_due: Money) -> bool:
    """The edition sends invoices on request, the place may be billed, and something is
    left to pay (an invoice replaces the card payment; it is no receipt)."""
    return offered and billable(cancelled=cancelled, invoiced=invoiced) and \
        not balance_due.is_zero
