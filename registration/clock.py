"""The application's sense of now: real time, or a rehearsal clock that started at a set moment.

A demo of the 2019 Montréal edition is only interesting while its early-bird prices are
on, so `make run` starts the clock in March 2019; time then advances normally. The
rehearsal clock's anchor is recorded in the event store (`domain.product_clock`), so every
process reads the same time, a restart continues where the clock was, and it never starts
before an event already recorded.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from eventsourcing.persistence import IntegrityError

from domain.base import set_clock
from domain.product_clock import ProductClock, product_clock_id, resume_at
from registration.application import Conference

Clock = Callable[[], datetime]
log = logging.getLogger(__name__)
LAST_EVENTS_READ = 20  # the newest events whose times bound where a clock may resume


def real_time() -> datetime:
    return datetime.now(UTC)


def make_clock(start: datetime | None = None) -> Clock:
    """Real time, or (for tests and scripts) a clock of this process alone from `start`."""
    if start is None:
        return real_time
    check_offset(start)
    began = time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - began)


def check_offset(start: datetime) -> None:
    if start.tzinfo is None:
        raise ValueError("CLOCK_START needs a UTC offset, e.g. 2019-03-20T10:00:00-04:00")


@dataclass(frozen=True)
class RehearsalClock:
    clock: Clock
    note: str | None  # for the banner: the clock did not start where it was asked to


def rehearsal_clock(app: Conference, requested: datetime,
                    real_now: Clock = real_time) -> RehearsalClock:
    """The clock every process shares for CLOCK_START=`requested` (see the module doc)."""
    check_offset(requested)
    for _attempt in range(10):
        anchor = app.find(product_clock_id(), ProductClock)
        last = last_recorded(app)
        if anchor is not None and anchor.requested == requested and (
                last is None or anchor.at(real_now()) > last):
            return RehearsalClock(
                running_from(anchor.product_time, anchor.real_time, real_now), note_for(anchor))
        start, real = resume_at(requested, last), real_now()
        set_clock(running_from(start, real, real_now))  # the anchor's own event is on it
        if anchor is None:
            anchor = ProductClock(requested=requested, product_time=start, real_time=real)
        else:
            anchor.reanchor(requested=requested, product_time=start, real_time=real)
        try:
            app.save(anchor)
        except IntegrityError:  # another process anchored it first: use theirs
            continue
        return RehearsalClock(
                running_from(anchor.product_time, anchor.real_time, real_now), note_for(anchor))
    raise RuntimeError("could not agree on the rehearsal clock with the other processes")


def running_from(product_time: datetime, real: datetime, real_now: Clock) -> Clock:
    """Product time that stood at `product_time` at real time `real`, and runs on since."""
    return lambda: product_time + (real_now() - real)


def note_for(anchor: ProductClock) -> str | None:
    if anchor.product_time == anchor.requested:
        return None
    return (f"CLOCK_START {anchor.requested.isoformat()} is not after the events already "
            f"recorded: the clock continued from {anchor.product_time.isoformat()}, just after "
            "the last of them, so that history never runs backwards.")


def last_recorded(app: Conference) -> datetime | None:
    """The time of the newest recorded event (of the last few, those that can be read)."""
    head = app.recorder.max_notification_id()
    if not head:
        return None
    notifications = app.recorder.select_notifications(
        start=max(head - LAST_EVENTS_READ, 0), limit=LAST_EVENTS_READ, inclusive_of_start=False)
    times = []
    for notification in notifications:
        try:
            times.append(app.mapper.to_domain_event(notification).timestamp)  # type: ignore[attr-defined]
        except Exception:  # an unreadable event: the followers report it; skip it here
            log.warning("event %s cannot be read to find the last recorded time",
                        notification.id)
    return max(times) if times else None
