"""eventsourcing's PostgreSQL event recorder (pinned 9.5.6): a save in two statements, and
reads with their statements rendered once.

A save is one transaction of two calls of our own functions (`save_functions`, made at
start-up): with seats to decide (registration.seats), `…_seats` takes the save's turn at
each resource and reads their state, the decision is made here, then `…_save` writes the
snapshots, takes the library's table lock (notification ids in commit order) and inserts
the events. The library's path was ten statements for a registration (two SET LOCALs, the
locks, the read, two inserts, LOCK TABLE, NOTIFY, BEGIN, COMMIT); each one psycopg sends in
a pipeline costs the web process CPU, and the save was half of a registration's. Events
and snapshots go as four arrays each, sent in binary (the library's one array of a
composite type is written as text, each field escaped with regular expressions).

The library composes each read statement from `psycopg.sql` pieces on every call and
psycopg renders the composition to bytes again on every execution; here a read's statement
is made once per shape (with or without `gt`, `lte`, `limit`, ascending or not). And the
events of several aggregates are read in one query (`select_events_of`,
`originator_id IN (…)`), for a decision that reads a few small ones.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from contextlib import nullcontext
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

SAVE_TRIES = 10  # as the library's `retry` does, for a lost connection
SAVE_FUNCTIONS_VERSION = "v1"  # in the functions' names: a changed one is a new function
FUNCTIONS_LOCK = 0x5E05_2020  # under which a process makes them (any constant of our own)


def rendered(statement: Any) -> bytes:
    """A statement composed of `psycopg.sql` pieces as the bytes psycopg would send."""
    assert isinstance(statement, Composable)
    return statement.as_bytes(None)


class PostgresEventRecorder(PostgresApplicationRecorder):
    # Its save takes its turn at the seats it decides (transaction-level advisory locks).
    locks_seats = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.select_statements: dict[tuple[bool, bool, bool, bool], bytes] = {}
        self.select_many_statements: dict[tuple[int, int], bytes] = {}
        self.snapshots: PostgresAggregateRecorder | None = None
        self.seats_statement = self.save_statement = b""  # made by attach_snapshots

    def attach_snapshots(self, snapshots: PostgresAggregateRecorder) -> None:
        """The snapshot table a save deciding seats reads and writes (same database), and the
        two functions a save calls (`save_functions`), made or brought up to date here, by
        one process at a time (several replacing a function at once fail)."""
        self.snapshots = snapshots
        seats, save = save_functions(self, snapshots)
        with self.datastore.transaction(commit=True) as curs:
            curs.execute("SELECT pg_advisory_xact_lock(%s)", (FUNCTIONS_LOCK,))
            for statement in (seats, save):
                curs.execute(statement)
        name = f"{self.events_table_name}_{SAVE_FUNCTIONS_VERSION}"
        self.seats_statement = rendered(SQL("SELECT * FROM {0}.{1}(%s::bigint[], %s::uuid[])")
                                        .format(Identifier(self.datastore.schema),
                                                Identifier(f"{name}_seats")))
        self.save_statement = rendered(SQL(
            "SELECT * FROM {0}.{1}(%b::uuid[], %b::int8[], %b::text[], %b::bytea[], "
            "%b::uuid[], %b::int8[], %b::text[], %b::bytea[])").format(
                Identifier(self.datastore.schema), Identifier(f"{name}_save")))

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any
                      ) -> Sequence[int] | None:
        """One transaction of two statements (`_save`), tried again after a lost connection
        as the library's `retry` does; but a lock not had in time (a seat's turn, 30 s; the
        table, 5 s) is Conflict (busy) at once: the library's `retry` took it for a lost
        connection and waited ten times over. With `seats`, they are decided in the same
        transaction, first; the positions of their events go to `seats`, those of
        `stored_events` back."""
        seats: SeatsAtSave | None = kwargs.get("seats")
        for attempt in range(1, SAVE_TRIES + 1):
            try:
                return self._save(stored_events, seats)
            except (InterfaceError, OperationalError) as failed:
                if isinstance(failed.__cause__, LockNotAvailable):
                    raise Conflict(BUSY) from failed
                if attempt == SAVE_TRIES:
                    raise
                time.sleep(0.2)
        raise AssertionError("unreachable")

    def _save(self, stored_events: Sequence[StoredEvent], seats: SeatsAtSave | None
              ) -> list[int]:
        """The save's turn at its seats, if any, their state read and decided; then every
        event and snapshot written, under the table lock: two statements within BEGIN and
        COMMIT, one alone."""
        if not self.save_statement:
            raise RuntimeError("a save needs attach_snapshots() first")
        events, snapshots = list(stored_events), list[StoredEvent]()
        if not events and seats is None:
            return []  # nothing to write: no table lock taken for it
        # Without seats, the one statement is a transaction of its own (autocommit).
        with self.datastore.get_connection() as conn, conn.cursor() as curs, \
                (nullcontext() if seats is None else conn.transaction()):
            if seats is not None:
                taken, snapshots = seats.decide(self.select_seats(curs, seats))
                events += taken
            curs.execute(self.save_statement, columns(events) + columns(snapshots),
                         prepare=True)
            ids = [row["notification_id"] for row in curs.fetchall()]
        if seats is not None:
            seats.positions[:] = ids[len(stored_events):]
        return ids[:len(stored_events)]

    def select_seats(self, curs: Cursor[DictRow], seats: SeatsAtSave
                     ) -> dict[UUID, list[StoredEvent]]:
        """Within a save: its turn at each resource of `seats` (in name order, as every
        decision), then each allocation's latest snapshot, if any, and its events after it."""
        found: defaultdict[UUID, list[StoredEvent]] = defaultdict(list)
        curs.execute(self.seats_statement, ([lock_number(name) for name in seats.resources],
                                            seats.allocation_ids), prepare=True)
        for row in curs.fetchall():
            found[row["originator_id"]].append(stored(row))
        return found

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

    def select_many_statement(self, count: int, newer: int) -> bytes:
        """`originator_id IN (%s, …)` for `count` aggregates' every event, or (`newer` of
        them) `originator_id = %s AND originator_version > %s`: parameters, cheaper to send
        than arrays."""
        statement = self.select_many_statements.get((count, newer))
        if statement is None:
            wheres: list[Composable] = [SQL("originator_id IN ({0})").format(
                SQL(", ").join([Placeholder()] * count))] if count else []
            wheres += [SQL("(originator_id = %s AND originator_version > %s)")] * newer
            statement = self.select_many_statements[count, newer] = rendered(SQL(
                "SELECT * FROM {0}.{1} WHERE {2} ORDER BY originator_id, originator_version"
            ).format(Identifier(self.datastore.schema), Identifier(self.events_table_name),
                     SQL(" OR ").join(wheres)))
        return statement

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def select_events_of(self, originator_ids: Sequence[UUID],
                         newer_than: Mapping[UUID, int] | None = None
                         ) -> dict[UUID, list[StoredEvent]]:
        """Every event of each of these aggregates (none: an empty list), in one query; of
        those in `newer_than`, only the events after the version given."""
        newer_than = newer_than or {}
        events: dict[UUID, list[StoredEvent]] = {i: [] for i in originator_ids}
        every = [i for i in originator_ids if i not in newer_than]
        newer = [value for i in originator_ids if i in newer_than
                 for value in (i, newer_than[i])]
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self.select_many_statement(len(every), len(newer) // 2),
                         [*every, *newer], prepare=True)
            for row in curs.fetchall():
                events[row["originator_id"]].append(stored(row))
        return events


def save_functions(events: PostgresApplicationRecorder,
                   snapshots: PostgresAggregateRecorder) -> tuple[bytes, bytes]:
    """CREATE OR REPLACE of the save's two functions (see the module's docstring).

    `…_seats(keys, ids)`: the turn at each resource (transaction-level advisory locks, in
    the order given, 30 s at most), then each allocation's latest snapshot and its events
    after it. A volatile function's each statement reads a new snapshot of the database, so
    its read, after the locks, sees every save that took its turn before.

    `…_save(events' four columns, snapshots' four columns)`: the snapshots inserted, then
    the library's table lock (its lock timeout), then the events, returning their
    notification ids in order. The lock keeps notification ids in commit order, so that a
    follower of the log never passes over an event that commits later. No NOTIFY: nothing
    here LISTENs (the worker and the mailer poll), and every NOTIFY queues a message.
    """
    if events.datastore.originator_id_type != "uuid":
        raise ValueError("the events' originator ids are UUIDs here")
    schema = Identifier(events.datastore.schema)
    name = f"{events.events_table_name}_{SAVE_FUNCTIONS_VERSION}"
    table, snapshot_table = (Identifier(events.events_table_name),
                             Identifier(snapshots.events_table_name))
    seats = SQL(
        "CREATE OR REPLACE FUNCTION {0}.{1}(keys bigint[], ids uuid[]) "
        "RETURNS TABLE (originator_id uuid, originator_version bigint, topic text, "
        "state bytea, part integer) LANGUAGE plpgsql AS $body$ "
        "#variable_conflict use_column\n"
        "BEGIN "
        "PERFORM set_config('lock_timeout', '{4}s', true); "
        "PERFORM pg_advisory_xact_lock(k) FROM unnest(keys) WITH ORDINALITY AS t(k, n) "
        "ORDER BY n; "
        "RETURN QUERY WITH latest AS (SELECT ids_.id, s.originator_version, s.topic, s.state "
        "FROM unnest(ids) AS ids_(id) LEFT JOIN LATERAL "
        # By index scans that read no more than they return, whatever the history: each
        # id's latest snapshot (backwards, the first row), then its events after it.
        "(SELECT originator_version, topic, state FROM {0}.{2} "
        "WHERE originator_id = ids_.id ORDER BY originator_version DESC LIMIT 1) AS s ON true) "
        "SELECT id, originator_version, topic, state, 0 "
        "FROM latest WHERE originator_version IS NOT NULL "
        "UNION ALL SELECT e.originator_id, e.originator_version, e.topic, e.state, 1 "
        "FROM latest AS l CROSS JOIN LATERAL (SELECT * FROM {0}.{3} "
        "WHERE originator_id = l.id AND originator_version > COALESCE(l.originator_version, 0)"
        # OFFSET 0: a subquery the planner keeps (a scan of the index from the version
        # on, per id), not one it joins by hash over a scan of the whole table.
        " OFFSET 0) AS e ORDER BY 1, 5, 2; "
        "END $body$").format(schema, Identifier(f"{name}_seats"), snapshot_table, table,
                             SQL(str(int(WAIT))))
    save = SQL(
        "CREATE OR REPLACE FUNCTION {0}.{1}(ids uuid[], versions int8[], topics text[], "
        "states bytea[], snapshot_ids uuid[], snapshot_versions int8[], "
        "snapshot_topics text[], snapshot_states bytea[]) "
        "RETURNS TABLE (notification_id bigint) LANGUAGE plpgsql AS $body$ "
        "#variable_conflict use_column\n"
        "BEGIN "
        "INSERT INTO {0}.{2} (originator_id, originator_version, topic, state) "
        "SELECT * FROM unnest(snapshot_ids, snapshot_versions, snapshot_topics, "
        "snapshot_states); "
        "SET LOCAL lock_timeout = '{4}s'; "
        "LOCK TABLE {0}.{3} IN EXCLUSIVE MODE; "
        "RETURN QUERY INSERT INTO {0}.{3} (originator_id, originator_version, topic, state) "
        "SELECT * FROM unnest(ids, versions, topics, states) RETURNING notification_id; "
        "END $body$").format(schema, Identifier(f"{name}_save"), snapshot_table, table,
                             SQL(str(int(events.datastore.lock_timeout))))
    return rendered(seats), rendered(save)


def columns(stored_events: Sequence[StoredEvent]) -> list[list[Any]]:
    return [[e.originator_id for e in stored_events],
            [e.originator_version for e in stored_events],
            [e.topic for e in stored_events], [e.state for e in stored_events]]


def stored(row: DictRow) -> StoredEvent:
    return StoredEvent(originator_id=row["originator_id"],
                       originator_version=row["originator_version"],
                       topic=row["topic"], state=bytes(row["state"]))
