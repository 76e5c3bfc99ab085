"""eventsourcing's PostgreSQL event recorder (pinned 9.5.6), with its statements rendered
once.

The library composes each statement from `psycopg.sql` pieces on every call (reading an
aggregate adds four pieces) and psycopg renders the composition to bytes again on every
execution: for the reads and writes of a registration, a few per cent of its
CPU. Here they are bytes made when the recorder is built, and a read's statement is made
once per shape (with or without `gt`, `lte`, `limit`, ascending or not). Same SQL, same
table lock, same notification. One addition: the events of several aggregates in one
query (`select_events_of`, `originator_id IN (…)`), for a decision that reads a few small ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import retry
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Composable, Identifier, Placeholder


def rendered(statement: Any) -> bytes:
    """A statement composed of `psycopg.sql` pieces as the bytes psycopg would send."""
    assert isinstance(statement, Composable)
    return statement.as_bytes(None)


class PostgresEventRecorder(PostgresApplicationRecorder):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.insert_events_statement = rendered(self.insert_events_statement)  # type: ignore[assignment]
        self.lock_table_statements = [rendered(s) for s in self.lock_table_statements]
        self.notify_statement = rendered(SQL("NOTIFY {0}").format(Identifier(self.channel_name)))
        self.select_statements: dict[tuple[bool, bool, bool, bool], bytes] = {}
        self.select_many_statements: dict[int, bytes] = {}

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


def stored(row: DictRow) -> StoredEvent:
    return StoredEvent(originator_id=row["originator_id"],
                       originator_version=row["originator_version"],
                       topic=row["topic"], state=bytes(row["state"]))
