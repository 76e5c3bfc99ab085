"""The base of every aggregate here: events take their time from the product's clock.

Deadlines, quotes and "as of" questions must agree on what time it is; a demo that runs
in March 2019, or a test that registers people at chosen moments, sets one clock for all.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from eventsourcing.domain import Aggregate


def _utc_now() -> datetime:
    return datetime.now(UTC)


_clock: list[Callable[[], datetime]] = [_utc_now]


def now() -> datetime:
    return _clock[0]()


def set_clock(clock: Callable[[], datetime] | None) -> None:
    """Use `clock` for event times (None: real time)."""
    _clock[0] = clock or _utc_now


class ConferenceAggregate(Aggregate):
    class Event(Aggregate.Event):
        @staticmethod
        def create_timestamp() -> datetime:
            return now()

    class Created(Event, Aggregate.Created):
        pass
