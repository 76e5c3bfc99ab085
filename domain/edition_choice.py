"""Which edition a staff page opens on when the person has not chosen one.

The edition running now: its event dates or its registration window contain today (the
event dates win when two editions qualify); else the next one to come; else the latest.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from domain.edition_config import EditionConfig


def is_running(config: EditionConfig, now: datetime) -> bool:
    return _in_event_dates(config, now) or config.is_open(now)


def _in_event_dates(config: EditionConfig, now: datetime) -> bool:
    return config.starts_on <= config.day_of(now) <= config.ends_on


def _still_to_come(config: EditionConfig, now: datetime) -> bool:
    return config.day_of(now) < config.starts_on


def edition_for_today(configs: Sequence[EditionConfig], now: datetime) -> EditionConfig | None:
    """The running edition, else the next to come, else the latest (None when there are none)."""
    running = [c for c in configs if is_running(c, now)]
    if running:
        return min(running, key=lambda c: (not _in_event_dates(c, now), c.starts_on, c.slug))
    coming = [c for c in configs if _still_to_come(c, now)]
    if coming:
        return min(coming, key=lambda c: (c.starts_on, c.slug))
    return max(configs, key=lambda c: (c.ends_on, c.slug), default=None)
