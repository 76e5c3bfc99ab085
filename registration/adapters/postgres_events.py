"""eventsourcing's PostgreSQL event recorder (pinned 9.5.6), with its statements rendered
once.

The library composes each statement from `psycopg.sql` pieces on every call (reading an
aggregate adds four pieces) and psycopg renders the composition to bytes again on every
execution: for the reads and writes of a registration, a few per cent of its
CPU. Here they are bytes made when the recorder is built, and a read's statement is made
once per shape (with or without `gt`, `lte`, `limit`, ascending or not). Same table lock,
same notification. Events are inserted from four arrays sent in binary rather than one
array of a composite type (which psycopg writes as text, escaping each field with regular
expressions: a twentieth of a registration's CPU); the same rows, in the same order.

Two additions: the events of several aggregates in one query (`select_events_of`,
`originator_id IN (…)`), for a decision that reads a few small ones; and seats decided
within the save (registration.seats): `insert_events(…, seats=…)`.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresAggregateRecorder, PostgresApplicationRecorder
from eventsourcing.utils import retry
from psycopg import Cursor
from psycopg.errors import LockNotAvailable
from psycopg.rows import DictRow
from psycopg.sql import SQL, Composable, Identifier, Placeholder

from domain.errors import Conflict
from registration.adapters.resource_locks import BUSY, WAIT, lock_number
from registration.seats import SeatsAtSave

# The library's insert without its `retry` (which would wait for a lock ten times over).
INSERT_ONCE = PostgresApplicationRecorder.insert_events.__wrapped__  # type: ignore[attr-defined]
SAVE_TRIES = 10  # as the library's `retry` does, for a lost connection


def rendered(statement: Any) -> bytes:
    """A statement composed of `psycopg.sql` pieces as the bytes psycopg would send."""
    assert isinstance(statement, Composable)
    return statement.as_bytes(None)


class PostgresEventRecorder(PostgresApplicationRecorder):
    # Its save takes its turn at the seats it decides (transaction-level advisory locks).
    locks_seats = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.insert_events_statement = insert_columns(self, returning=True)  # type: ignore[assignment]
        self.lock_table_statements = [rendered(s) for s in self.lock_table_statements]
        self.notify_statement = rendered(SQL("NOTIFY {0}").format(Identifier(self.channel_name)))
        self.select_statements: dict[tuple[bool, bool, bool, bool], bytes] = {}
        self.select_many_statements: dict[int, bytes] = {}
        self.snapshots: PostgresAggregateRecorder | None = None
        self.seats_statements: tuple[bytes, bytes] = (b"", b"")

    def attach_snapshots(self, snapshots: PostgresAggregateRecorder) -> None:
        """The snapshot table a save deciding seats reads and writes (same database)."""
        self.snapshots = snapshots
        schema = Identifier(self.datastore.schema)
        self.seats_statements = (rendered(SQL(
            # By index scans that read no more than they return, whatever the history: each
            # id's latest snapshot (backwards, the first row), then its events after it.
            "WITH latest AS (SELECT ids.id, s.originator_version, s.topic, s.state "
            "FROM unnest(%s::uuid[]) AS ids(id) LEFT JOIN LATERAL "
            "(SELECT originator_version, topic, state FROM {0}.{1} "
            "WHERE originator_id = ids.id ORDER BY originator_version DESC LIMIT 1) AS s ON true) "
            "SELECT id AS originator_id, originator_version, topic, state, 0 AS part "
            "FROM latest WHERE originator_version IS NOT NULL "
            "UNION ALL SELECT e.originator_id, e.originator_version, e.topic, e.state, 1 "
            "FROM latest AS l CROSS JOIN LATERAL (SELECT * FROM {0}.{2} "
            "WHERE originator_id = l.id AND originator_version > COALESCE(l.originator_version, 0)"
            # OFFSET 0: a subquery the planner keeps (a scan of the index from the version
            # on, per id), not one it joins by hash over a scan of the whole table.
            " OFFSET 0) AS e ORDER BY originator_id, part, originator_version").format(
                schema, Identifier(snapshots.events_table_name),
                Identifier(self.events_table_name))),
            insert_columns(snapshots, returning=False))

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any
                      ) -> Sequence[int] | None:
        """The library's insert, tried again after a lost connection as its `retry` does, but
        a lock not had in time (a seat's turn, 30 s; the table, 5 s) is Conflict (busy) at
        once: the library took it for a lost connection and waited ten times over. With
        `seats`, they are decided in the same transaction, first (`_insert_events`); the
        positions of their events go to `seats`, those of `stored_events` back."""
        seats: SeatsAtSave | None = kwargs.get("seats")
        for attempt in range(1, SAVE_TRIES + 1):
            written = list(stored_events)  # the seats' events are added to it
            try:
                ids = list(INSERT_ONCE(self, written, **kwargs) or [])
            except (InterfaceError, OperationalError) as failed:
                if isinstance(failed.__cause__, LockNotAvailable):
                    raise Conflict(BUSY) from failed
                if attempt == SAVE_TRIES:
                    raise
                time.sleep(0.2)
                continue
            if seats is not None:
                seats.positions[:] = ids[len(stored_events):]
            return ids[:len(stored_events)]
        raise AssertionError("unreachable")

    def _insert_events(self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent],
                       **kwargs: Any) -> None:
        """Before the table lock: this save's turn at each resource of `seats` (in name
        order, as every decision), their state read, decided, and their events added."""
        seats: SeatsAtSave | None = kwargs.get("seats")
        if seats is None:
            return
        if self.snapshots is None:
            raise RuntimeError("seats decided within a save need attach_snapshots() first")
        insert_snapshots = self.seats_statements[1]
        curs.execute(f"SET LOCAL lock_timeout = '{int(WAIT)}s'".encode())
        curs.execute(b"SELECT pg_advisory_xact_lock(k) FROM unnest(%s::bigint[]) AS k",
                     ([lock_number(name) for name in seats.resources],), prepare=True)
        events, snapshots = seats.decide(self.select_seats(curs, seats.allocation_ids))
        assert isinstance(stored_events, list)
        stored_events.extend(events)
        curs.execute(insert_snapshots, columns(snapshots), prepare=True)

    def _insert_stored_events(self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent],
                              **kwargs: Any) -> None:
        self._lock_table(curs)
        self._notify_channel(curs)
        curs.execute(self.insert_events_statement, columns(stored_events), prepare=True)

    def select_seats(self, curs: Cursor[DictRow], allocation_ids: list[UUID]
                     ) -> dict[UUID, list[StoredEvent]]:
        """Within a save: each allocation's latest snapshot, if any, then its events after
        it, in one query (on another cursor of the save's connection: the pipeline's)."""
        found: defaultdict[UUID, list[StoredEvent]] = defaultdict(list)
        with curs.connection.cursor() as reading:
            reading.execute(self.seats_statements[0], (allocation_ids,), prepare=True)
            for row in reading.fetchall():
                found[row["originator_id"]].append(stored(row))
        return found

    def _notify_channel(self, curs: Cursor[DictRow]) -> None:
        curs.execute(self.notify_statement)

    def select_statement(self, shape: tuple[bool, bool, bool, bool]) -> bytes:
        statement = self.select_statements.get(shape)
        if statement is None:
            after, until, desc, limit = shape
            composed = self.select_events_statement
            if after:
                composed += SQL(" AND originator_version > %s")
            if until:
                composed += SQL(" AND originator_version <= %s")
            composed += SQL(" ORDER BY originator_version DESC" if desc else
                            " ORDER BY originator_version ASC")
            if limit:
                composed += SQL(" LIMIT %s")
            statement = self.select_statements[shape] = rendered(composed)
        return statement

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def select_events(self, originator_id: UUID | str, *, gt: int | None = None,
                      lte: int | None = None, desc: bool = False,
                      limit: int | None = None) -> Sequence[StoredEvent]:
        statement = self.select_statement((gt is not None, lte is not None, desc,
                                           limit is not None))
        params = [originator_id, *(value for value in (gt, lte, limit) if value is not None)]
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(statement, params, prepare=True)
            return [stored(row) for row in curs.fetchall()]

    def select_many_statement(self, count: int) -> bytes:
        """`originator_id IN (%s, …)`: `count` parameters, cheaper to send than an array."""
        statement = self.select_many_statements.get(count)
        if statement is None:
            statement = self.select_many_statements[count] = rendered(SQL(
                "SELECT * FROM {0}.{1} WHERE originator_id IN ({2}) "
                "ORDER BY originator_id, originator_version").format(
                    Identifier(self.datastore.schema), Identifier(self.events_table_name),
                    SQL(", ").join([Placeholder()] * count)))
        return statement

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def select_events_of(self, originator_ids: Sequence[UUID]) -> dict[UUID, list[StoredEvent]]:
        """Every event of each of these aggregates (none: an empty list), in one query."""
        events: dict[UUID, list[StoredEvent]] = {i: [] for i in originator_ids}
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self.select_many_statement(len(originator_ids)), originator_ids,
                         prepare=True)
            for row in curs.fetchall():
                events[row["originator_id"]].append(stored(row))
        return events


def insert_columns(recorder: PostgresAggregateRecorder, returning: bool) -> bytes:
    """INSERT of stored events into the recorder's table from four binary arrays (`columns`)."""
    if recorder.datastore.originator_id_type != "uuid":
        raise ValueError("the events' originator ids are UUIDs here")
    return rendered(SQL(
        "INSERT INTO {0}.{1} (originator_id, originator_version, topic, state) "
        "SELECT * FROM unnest(%b::uuid[], %b::int8[], %b::text[], %b::bytea[])"
        + (" RETURNING notification_id" if returning else "")).format(
            Identifier(recorder.datastore.schema), Identifier(recorder.events_table_name)))


def columns(stored_events: Sequence[StoredEvent]) -> list[list[Any]]:
    return [[e.originator_id for e in stored_events],
            [e.originator_version for e in stored_events],
            [e.topic for e in stored_events], [e.state for e in stored_events]]


def stored(row: DictRow) -> StoredEvent:
    return StoredEvent(originator_id=row["originator_id"],
                       originator_version=row["originator_version"],
                       topic=row["topic"], state=bytes(row["state"]))
