"""Gapless invoice numbers: a counter saved in the same atomic save as the document it numbers.

A database sequence leaves a gap whenever a transaction rolls back. Here the next number is
an event on a small aggregate (one per series prefix), saved together with the invoice: a
refused or failed issue saves neither, and two racing issues cannot both take the same
number, because the second save finds the counter's version stale and is decided again.
"""

from __future__ import annotations

from uuid import UUID, uuid5

from eventsourcing.domain import event

from domain.base import ConferenceAggregate
from domain.identifiers import NAMESPACE


def sequence_id(series: str) -> UUID:
    # Keyed by the prefix itself: two editions configured with the same prefix share one
    # counter, so their numbers still never collide.
    return uuid5(NAMESPACE, f"invoice-sequence/{series}")


class InvoiceSequence(ConferenceAggregate):
    class Started(ConferenceAggregate.Created):
        series: str

    class NumberTaken(ConferenceAggregate.Event):
        number: int

    @staticmethod
    def create_id(series: str) -> UUID:
        return sequence_id(series)

    @event(Started)
    def __init__(self, series: str) -> None:
        self.series = series
        self.last = 0

    @property
    def next_number(self) -> int:
        return self.last + 1

    @event(NumberTaken)
    def _number_taken(self, number: int) -> None:
        self.last = number

    def take(self) -> int:
        """The next number, taken: save this with the document that carries it."""
        number = self.next_number
        self._number_taken(number)
        return number
