"""eventsourcing's SQLite event recorder (pinned 9.5.6), deciding seats within a save
(registration.seats): `insert_events(…, seats=…)`.

SQLite has one writer at a time: once the save has written its first row, nobody else
writes until it commits, so what it reads next is the latest state. The decision's turn at
each resource (lock files beside the database) is taken by the application around the save.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteAggregateRecorder, SQLiteApplicationRecorder, SQLiteCursor

from registration.seats import SeatsAtSave


class SQLiteEventRecorder(SQLiteApplicationRecorder):
    # The application takes the save's turn at the seats it decides (lock files).
    locks_seats = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.snapshots: SQLiteAggregateRecorder | None = None

    def attach_snapshots(self, snapshots: SQLiteAggregateRecorder) -> None:
        """The snapshot table a save deciding seats reads and writes (same file)."""
        self.snapshots = snapshots

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any
                      ) -> Sequence[int] | None:
        seats: SeatsAtSave | None = kwargs.get("seats")
        if seats is None:
            return super().insert_events(stored_events, **kwargs)
        if self.snapshots is None:
            raise RuntimeError("seats decided within a save need attach_snapshots() first")
        with self.datastore.transaction(commit=True) as cursor:
            ids = self._insert_events(cursor, stored_events)  # the writer's lock, first
            events, snapshots = seats.decide(self.select_seats(cursor, seats.allocation_ids))
            seats.positions[:] = self._insert_events(cursor, events) or []
            self.snapshots._insert_events(cursor, snapshots)
        return ids

    def select_seats(self, cursor: SQLiteCursor, allocation_ids: list[UUID]
                     ) -> dict[UUID, list[StoredEvent]]:
        """Within a save: each allocation's latest snapshot, if any, then its events after
        it."""
        return {allocation_id: self._latest(cursor, allocation_id)
                for allocation_id in allocation_ids}

    def _latest(self, cursor: SQLiteCursor, allocation_id: UUID) -> list[StoredEvent]:
        """The latest snapshot of this aggregate, if any, then its events after it."""
        assert self.snapshots is not None
        cursor.execute(f"SELECT * FROM {self.snapshots.events_table_name} "
                       "WHERE originator_id=? ORDER BY originator_version DESC LIMIT 1",
                       (allocation_id.hex,))
        found = [stored(allocation_id, row) for row in cursor.fetchall()]
        cursor.execute(f"SELECT * FROM {self.events_table_name} WHERE originator_id=? "
                       "AND originator_version>? ORDER BY originator_version ASC",
                       (allocation_id.hex, found[0].originator_version if found else 0))
        return found + [stored(allocation_id, row) for row in cursor.fetchall()]


def stored(originator_id: UUID, row: Any) -> StoredEvent:
    return StoredEvent(originator_id=originator_id, originator_version=row["originator_version"],
                       topic=row["topic"], state=row["state"])
