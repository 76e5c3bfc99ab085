"""The application's sense of now: real time, or a demo clock that started at a set moment.

A demo of the 2019 Montréal edition is only interesting while its early-bird prices are
on, so `make run` starts the clock in March 2019; time then advances normally.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

Clock = Callable[[], datetime]


def make_clock(start: datetime | None = None) -> Clock:
    if start is None:
        return lambda: datetime.now(UTC)
    if start.tzinfo is None:
        raise ValueError("CLOCK_START needs a UTC offset, e.g. 2019-03-20T10:00:00-04:00")
    began = time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - began)
