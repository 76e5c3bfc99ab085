"""Following the event log into a store: a page of events per transaction, exactly once.

Both followers (the read models and the mail processor) work the same way. Each page's
effects and its tracking position are written in one transaction, and the position moves
only from the value this follower read: a second follower (the web process catching up
while the worker runs) fails that check, rolls back and re-reads, so every event is
applied once whatever crashes or races.

Notification ids reach us in commit order (the event store inserts under a table lock,
see `registration.persistence`), so once the log's head is N every event up to N is
readable. A follower that only wants some topics still moves its position up to the head
it has seen, so "how far has it got" compares with any event's id.

A page that cannot be applied is applied again one event at a time, to keep everything
before the culprit; the culprit's id and the error are logged and kept in the
`follower_errors` table (shown by health), and the follower stops there. It tries again
only after `RETRY_AFTER` seconds, each failure logged again: never silently, never in a
tight loop.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from registration.application import Conference
from registration.projections.store import Cursor, ReadModelStore

log = logging.getLogger(__name__)

RETRY_AFTER = 30.0  # seconds before a stopped follower tries the failing event again
ERRORS_TABLE = """CREATE TABLE IF NOT EXISTS follower_errors (
    name TEXT PRIMARY KEY, notification_id BIGINT NOT NULL, topic TEXT NOT NULL,
    error TEXT NOT NULL, failed_at TEXT NOT NULL)"""

PageEffects = Callable[[Cursor, Sequence[Any]], None]


@dataclass(frozen=True)
class FollowerState:
    """Where a follower stands, for health and `projections status`."""

    name: str
    position: int
    error: dict[str, Any] | None  # notification_id, topic, error, failed_at


class FollowerStopped(Exception):
    """A follower met an event it cannot apply (logged, and kept for health)."""


class LogFollower:
    def __init__(self, name: str, app: Conference, store: ReadModelStore,
                 topics: Sequence[str], effects: PageEffects, page_size: int,
                 before_page: Callable[[Sequence[Any]], None] | None = None) -> None:
        self.name, self.app, self.store = name, app, store
        self.topics = list(topics)
        self.effects = effects
        # Work outside the page's transaction, such as saving to the event store (done
        # again if the page is retried: it must be idempotent).
        self.before_page = before_page
        self.page_size = page_size
        self._lock = threading.Lock()
        with store.transaction() as cursor:
            store.execute(cursor, ERRORS_TABLE, {})
        store.start_tracking(name)
        # A failure recorded by an earlier process: try again at once, and clear it if it
        # has gone (a fix deployed, the database back).
        self._failed_at: float | None = -RETRY_AFTER if self.state().error else None

    @property
    def position(self) -> int:
        return self.store.max_tracking_id(self.name) or 0

    def state(self) -> FollowerState:
        rows = self.store.query("SELECT notification_id, topic, error, failed_at "
                                "FROM follower_errors WHERE name = :name", {"name": self.name})
        return FollowerState(self.name, self.position, rows[0] if rows else None)

    def follow(self, progress: Callable[[int], object] | None = None,
               page_size: int | None = None) -> int:
        """Apply every event not yet applied, `page_size` a page (default: the follower's);
        returns how many were.

        Raises FollowerStopped when an event cannot be applied (at most once per
        `RETRY_AFTER` seconds; in between, it returns 0 at once).
        """
        with self._lock:
            failed_at = self._failed_at
            if failed_at is not None and time.monotonic() - failed_at < RETRY_AFTER:
                return 0
            applied = 0
            position = self.position
            limit = page_size or self.page_size
            while True:
                head = self.app.recorder.max_notification_id() or 0
                notifications = self.app.recorder.select_notifications(
                    start=position, limit=limit, topics=self.topics, inclusive_of_start=False)
                full = len(notifications) == limit
                last = notifications[-1].id if notifications else position
                target = last if full else max(last, head)
                if target <= position:
                    self._recovered()
                    return applied
                if not self._apply(notifications, position, target):
                    position = self.position  # another follower moved it: go on from there
                    continue
                applied += len(notifications)
                if progress:
                    progress(target - position)
                position = target

    def _apply(self, notifications: Sequence[Any], expected: int, target: int) -> bool:
        """The page and the position in one transaction; False when another follower moved
        the position first (or when the page had to be applied event by event)."""
        try:
            events = [self.app.mapper.to_domain_event(n) for n in notifications]
            return self._commit(events, expected, target)
        except Exception:
            self._apply_one_by_one(notifications, expected)
            return False

    def _commit(self, events: Sequence[Any], expected: int, target: int) -> bool:
        if self.before_page is not None:
            self.before_page(events)
        with self.store.transaction() as cursor:
            if not self.store.advance(cursor, self.name, expected, target):
                return False
            self.effects(cursor, events)
        return True

    def _apply_one_by_one(self, notifications: Sequence[Any], expected: int) -> None:
        """Keep what applies before the culprit, then record it and stop."""
        position = expected
        for notification in notifications:
            try:
                event = self.app.mapper.to_domain_event(notification)
                if not self._commit([event], position, notification.id):
                    return  # another follower moved on meanwhile: it decides
            except Exception as error:
                self._stop(notification, error)
            position = notification.id

    def _stop(self, notification: Any, error: Exception) -> None:
        self._failed_at = time.monotonic()
        message = "".join(traceback.format_exception_only(error)).strip()[:2000]
        log.error("%s stopped at notification %s (%s): %s", self.name, notification.id,
                  notification.topic, message, exc_info=error)
        with self.store.transaction() as cursor:
            self.store.execute(cursor, (
                "INSERT INTO follower_errors (name, notification_id, topic, error, failed_at) "
                "VALUES (:name, :id, :topic, :error, :at) ON CONFLICT (name) DO UPDATE SET "
                "notification_id = excluded.notification_id, topic = excluded.topic, "
                "error = excluded.error, failed_at = excluded.failed_at"),
                {"name": self.name, "id": notification.id, "topic": notification.topic,
                 "error": message, "at": datetime.now(UTC).isoformat()})
        raise FollowerStopped(f"{self.name} stopped at notification {notification.id}: "
                              f"{message}") from error

    def _recovered(self) -> None:
        if self._failed_at is None:
            return
        self._failed_at = None
        self._forget_failure()
        log.warning("%s follows the log again, from %s", self.name, self.position)

    def reset(self) -> None:
        """Forget a recorded failure (a rebuild starts again from the beginning)."""
        self._failed_at = None
        self._forget_failure()

    def _forget_failure(self) -> None:
        with self.store.transaction() as cursor:
            self.store.execute(cursor, "DELETE FROM follower_errors WHERE name = :name",
                               {"name": self.name})

    def wait_for(self, position: int, timeout: float) -> bool:
        """Until this follower has applied the log up to `position` (False on timeout)."""
        deadline = time.monotonic() + timeout
        while self.position < position:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.02)
        return True
