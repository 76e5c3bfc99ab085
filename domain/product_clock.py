"""The product's own time in rehearsal mode (CLOCK_START), shared by every process.

A rehearsal replays a past season: the clock starts at a chosen moment and then runs at
the speed of real time. Every process (web workers, the projection worker, the mailer)
reads the same clock, so they share one anchor, recorded here: "at real time R the product
time was P". The product clock never runs backwards: asked to start before the last event
already recorded, it continues from just after that event instead.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID, uuid5

from eventsourcing.domain import event

from domain.base import ConferenceAggregate
from domain.identifiers import NAMESPACE

STEP = timedelta(milliseconds=1)  # how far after the last recorded event a clock resumes


def product_clock_id() -> UUID:
    return uuid5(NAMESPACE, "product-clock")


def resume_at(requested: datetime, last_recorded: datetime | None) -> datetime:
    """Where a clock asked to start at `requested` starts: never before what is recorded."""
    if last_recorded is not None and requested <= last_recorded:
        return last_recorded + STEP
    return requested


class ProductClock(ConferenceAggregate):
    class Anchored(ConferenceAggregate.Created):
        requested: datetime  # CLOCK_START as configured
        product_time: datetime  # where the product's time stood ...
        real_time: datetime  # ... at this real time

    class Reanchored(ConferenceAggregate.Event):
        requested: datetime
        product_time: datetime
        real_time: datetime

    @staticmethod
    def create_id() -> UUID:
        return product_clock_id()

    @event(Anchored)
    def __init__(self, requested: datetime, product_time: datetime, real_time: datetime) -> None:
        self._anchor(requested, product_time, real_time)

    @event(Reanchored)
    def reanchor(self, requested: datetime, product_time: datetime, real_time: datetime) -> None:
        self._anchor(requested, product_time, real_time)

    def _anchor(self, requested: datetime, product_time: datetime, real_time: datetime) -> None:
        self.requested = requested
        self.product_time = product_time
        self.real_time = real_time

    def at(self, real_now: datetime) -> datetime:
        return self.product_time + (real_now - self.real_time)
