"""When a staff session or token was last used: one small table beside the read models.

Idle expiry needs the last moment a session was used, shared by every worker; recording an
event per request would flood the log, so the moment is kept in this table (written at most
once a minute per session). It is not a read model: rebuilding the read models keeps it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from registration.projections.store import ReadModelStore

TABLE = """CREATE TABLE IF NOT EXISTS staff_activity (
    handle TEXT PRIMARY KEY, last_seen TEXT NOT NULL)"""
WRITE_EVERY = timedelta(minutes=1)


class Activity:
    def __init__(self, store: ReadModelStore) -> None:
        self.store = store
        with store.transaction() as cursor:
            store.execute(cursor, TABLE, {})

    def last_seen(self, handle: str) -> datetime | None:
        with self.store.datastore.transaction(commit=False) as cursor:
            cursor.execute(self.store.sql(
                "SELECT last_seen FROM staff_activity WHERE handle = :handle"),
                {"handle": handle})
            row = cursor.fetchone()
        return datetime.fromisoformat(dict(row)["last_seen"]) if row else None

    def touch(self, handle: str, at: datetime, seen: datetime | None) -> None:
        """Record use at `at` (skipped when `seen`, the last recorded, is under a minute old)."""
        if seen is not None and at - seen < WRITE_EVERY:
            return
        with self.store.transaction() as cursor:
            self.store.execute(cursor, "INSERT INTO staff_activity VALUES (:handle, :at) "
                               "ON CONFLICT (handle) DO UPDATE SET last_seen = excluded.last_seen",
                               {"handle": handle, "at": at.isoformat()})
