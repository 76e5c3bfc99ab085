"""Reconciling the journal with the card processor's balance: what each side says moved.

Every card payment in the journal carries the processor's charge id, every card refund its
refund id; the processor's balance transactions name the same ids as their source. For a
period, each of the processor's transactions must be in the journal for the same amount,
and each card movement of the journal at the processor. Either side may fall just across
the period's edge from the other (a payment charged at 23:59:59 is recorded when its notice
lands a moment later), so the caller hands both sides with a margin around the period and
only what lies inside it is reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from domain.errors import Invalid
from domain.money import Money

DIFFERENCES = ("not_in_journal", "not_at_processor", "amounts_differ")
# The days a period may name: the processor is asked about them (with a day's margin), so a
# day out of any plausible season (year 1, year 9999) is refused rather than overflowing.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)


class PeriodOutOfRange(Invalid):
    code = "period_out_of_range"
    default_message = (f"A period's days are from {FIRST_DAY.isoformat()} to "
                       f"{LAST_DAY.isoformat()}.")


@dataclass(frozen=True)
class CardMovement:
    """A card payment (charge id) or card refund (refund id) as the journal holds it."""

    source: str
    amount: Money  # negative for a refund
    at: datetime
    reference: str  # the journal's reference (a PaymentIntent or refund id)


@dataclass(frozen=True)
class ProcessorMovement:
    """A balance transaction at the processor: its own id, the charge or refund behind it."""

    id: str
    source: str
    amount: Money  # negative for a refund
    at: datetime


@dataclass(frozen=True)
class Difference:
    kind: str  # one of DIFFERENCES
    source: str
    ours: CardMovement | None
    theirs: ProcessorMovement | None


@dataclass(frozen=True)
class Reconciliation:
    matched: int
    differences: list[Difference]

    @property
    def balanced(self) -> bool:
        return not self.differences


def reconcile(ours: Sequence[CardMovement], theirs: Sequence[ProcessorMovement],
              start: datetime, end: datetime) -> Reconciliation:
    """Compare both sides over [start, end): every difference, and how many agree."""
    our_sources = {movement.source: movement for movement in ours}
    their_sources = {movement.source: movement for movement in theirs}
    matched, differences = 0, []
    for their in sorted(theirs, key=lambda m: m.at):
        if not start <= their.at < end:
            continue
        our = our_sources.get(their.source)
        if our is None:
            differences.append(Difference("not_in_journal", their.source, None, their))
        elif our.amount != their.amount:
            differences.append(Difference("amounts_differ", their.source, our, their))
        else:
            matched += 1
    for our in sorted(ours, key=lambda m: m.at):
        if start <= our.at < end and our.source not in their_sources:
            differences.append(Difference("not_at_processor", our.source, our, None))
    return Reconciliation(matched, differences)


def period_bounds(since: date, until: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """From the start of day `since` to the end of day `until`, in `zone`."""
    if not FIRST_DAY <= since <= LAST_DAY or not FIRST_DAY <= until <= LAST_DAY:
        raise PeriodOutOfRange()
    return (datetime.combine(since, time(), zone),
            datetime.combine(until + timedelta(days=1), time(), zone))
