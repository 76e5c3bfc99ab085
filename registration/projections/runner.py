"""The read models: registration rows, attendance counters, editions, the ledger, and the
others each page handler keeps (journal, presence, check-in keys, waiting-list entries).

`registration.following.LogFollower` feeds them a page of events per transaction, exactly
once; this module says what a page does to the tables.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any, Protocol

from eventsourcing.utils import get_topic

from registration.application import Conference
from registration.collector import collector_paused
from registration.following import LogFollower
from registration.projections import attendance
from registration.projections.attendance import RegistrationRow
from registration.projections.desk_copy import CheckinKeysProjection
from registration.projections.journal import JournalProjection
from registration.projections.ledger import LedgerProjection
from registration.projections.presence import PresenceProjection
from registration.projections.store import Cursor, ReadModelStore
from registration.projections.waiting_list import WaitingListProjection

PAGE_SIZE = 500
# A rebuild's pages: fewer statements and commits. Larger ones gained nothing more (each is
# held in memory, and PostgreSQL sorted a page of 10,000 on disk).
REBUILD_PAGE_SIZE = 2_000


class PageHandler(Protocol):
    topics: tuple[type, ...]

    def apply(self, cursor: Cursor, events: Sequence[Any]) -> None:
        """`events`: the page's events of `topics` (one at least), in the log's order."""


ROW_COLUMNS = [f for f in RegistrationRow.__dataclass_fields__]


class ReadModels:
    def __init__(self, app: Conference, store: ReadModelStore) -> None:
        self.app = app
        self.store = store
        # Other read models, each applying the page in the same transaction.
        # The journal reads the ledger's rows: it comes after.
        self.page_handlers: list[PageHandler] = [LedgerProjection(store), JournalProjection(store),
                                                 PresenceProjection(store),
                                                 CheckinKeysProjection(store),
                                                 WaitingListProjection(store)]
        self.topics = list(dict.fromkeys(get_topic(cls) for cls in (
            *attendance.REDUCERS, *attendance.EDITION_EVENTS,
            *(topic for handler in self.page_handlers for topic in handler.topics))))
        self.follower = LogFollower(app.name, app, store, self.topics, self._apply_page,
                                    PAGE_SIZE)

    @property
    def position(self) -> int:
        return self.follower.position

    def catch_up(self, progress: Callable[[int], object] | None = None) -> int:
        """Apply every event not yet projected; returns how many were applied.

        Raises FollowerStopped when an event cannot be applied (see registration.following).
        """
        return self.follower.follow(progress)

    def _apply_page(self, cursor: Cursor, events: Sequence[Any]) -> None:
        self._project_editions(cursor, events)
        before = self._load_rows(cursor, {str(e.originator_id) for e in events
                                          if type(e) in attendance.REDUCERS})
        after = attendance.fold(dict(before), events)
        changed = {k: v for k, v in after.items() if before.get(k) != v}
        self._save_rows(cursor, before, changed)
        self._move_counters(cursor, attendance.deltas(dict(before), changed))
        for handler in self.page_handlers:
            if mine := [e for e in events if isinstance(e, handler.topics)]:
                handler.apply(cursor, mine)

    def _project_editions(self, cursor: Cursor, events: Iterable[Any]) -> None:
        for event in events:
            if isinstance(event, attendance.EDITION_EVENTS):
                document = event.document.content
                self.store.execute(cursor, (
                    "INSERT INTO editions (slug, edition_id, document) "
                    "VALUES (:slug, :edition_id, :document) ON CONFLICT (slug) "
                    "DO UPDATE SET document = excluded.document"
                ), {"slug": document["slug"], "edition_id": str(event.originator_id),
                    "document": json.dumps(document)})

    def _load_rows(self, cursor: Cursor, ids: set[str]) -> dict[str, RegistrationRow]:
        if not ids:
            return {}
        among, params = self.store.one_of("registration_id", sorted(ids))
        rows = self.store.execute(
            cursor, f"SELECT * FROM registrations WHERE {among}", params, fetch=True)
        return {row["registration_id"]: RegistrationRow.from_mapping(row) for row in rows}

    def _save_rows(self, cursor: Cursor, before: dict[str, RegistrationRow],
                   changed: dict[str, RegistrationRow]) -> None:
        """`changed` rows, those not in `before` (the rows stored) new to the table."""
        self.store.save_rows(cursor, "registrations", ROW_COLUMNS,
                             (row.as_dict() for row in changed.values()),
                             new=changed.keys() - before.keys())

    def _move_counters(self, cursor: Cursor, moves: dict[tuple[str, str, str], Counter]) -> None:
        counts = ", ".join(attendance.COUNTS)
        values = ", ".join(f":{c}" for c in attendance.COUNTS)
        updates = ", ".join(f"{c} = attendance.{c} + excluded.{c}" for c in attendance.COUNTS)
        statement = (
            f"INSERT INTO attendance (edition_id, delegation, registration_type, {counts}) "
            f"VALUES (:edition_id, :delegation, :registration_type, {values}) "
            f"ON CONFLICT (edition_id, delegation, registration_type) DO UPDATE SET {updates}")
        self.store.execute_many(cursor, statement, (
            {"edition_id": edition_id, "delegation": delegation, "registration_type": type_code,
             **{c: move.get(c, 0) for c in attendance.COUNTS}}
            for (edition_id, delegation, type_code), move in sorted(moves.items())))

    def rebuild(self, progress: Callable[[int], object] | None = None) -> int:
        """Drop what was projected and apply the whole log again, in large pages (with the
        collector paused: it walked each page's events again and again, a sixth of the time)."""
        self.store.clear(self.app.name)
        self.follower.reset()
        with collector_paused():
            return self.follower.follow(progress, REBUILD_PAGE_SIZE)

    def replay(self, until: datetime) -> dict[str, RegistrationRow]:
        """Rows as they stood at `until`, answered from the event log itself."""
        return attendance.fold({}, self.events_until(until))

    def events_until(self, until: datetime) -> Iterator[Any]:
        """The followed events recorded up to `until`, in log order."""
        position = 0
        while True:
            notifications = self.app.recorder.select_notifications(
                start=position, limit=PAGE_SIZE, topics=self.topics, inclusive_of_start=False)
            if not notifications:
                return
            events = [self.app.mapper.to_domain_event(n) for n in notifications]
            yield from (e for e in events if e.timestamp <= until)  # type: ignore[attr-defined]
            position = notifications[-1].id
