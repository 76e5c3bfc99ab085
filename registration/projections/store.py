"""The read-model tables, on SQLite or PostgreSQL, beside eventsourcing's tracking table.

Queries are written once with `:name` parameters; PostgreSQL gets them as `%(name)s`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache
from operator import itemgetter
from typing import Any, Protocol

from eventsourcing.persistence import InfrastructureFactory, TrackingRecorder
from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.sqlite import SQLiteTrackingRecorder
from eventsourcing.utils import Environment
from psycopg.sql import SQL

READ_MODEL_TABLES = (
    """CREATE TABLE IF NOT EXISTS editions (
        slug TEXT PRIMARY KEY, edition_id TEXT NOT NULL, document TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS registrations (
        registration_id TEXT PRIMARY KEY, edition_id TEXT NOT NULL, delegation TEXT NOT NULL,
        registration_type TEXT NOT NULL, first_name TEXT NOT NULL, last_name TEXT NOT NULL,
        email TEXT NOT NULL, organisation TEXT NOT NULL, language TEXT NOT NULL,
        total TEXT NOT NULL, currency TEXT NOT NULL, paid TEXT NOT NULL,
        refunded TEXT NOT NULL, retained TEXT, invoiced BOOLEAN NOT NULL,
        substitutions INTEGER NOT NULL, checked_in_at TEXT, registered_at TEXT NOT NULL,
        search_text TEXT NOT NULL, badge_prints INTEGER NOT NULL, status TEXT NOT NULL,
        attending BOOLEAN NOT NULL, balance_due TEXT NOT NULL, refund_owed TEXT NOT NULL,
        answers TEXT NOT NULL, approval TEXT NOT NULL, extras TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS registrations_by_edition ON registrations (edition_id, delegation)",
    """CREATE TABLE IF NOT EXISTS attendance (
        edition_id TEXT NOT NULL, delegation TEXT NOT NULL, registration_type TEXT NOT NULL,
        registered INTEGER NOT NULL DEFAULT 0, cancelled INTEGER NOT NULL DEFAULT 0,
        paid INTEGER NOT NULL DEFAULT 0, substituted INTEGER NOT NULL DEFAULT 0,
        checked_in INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (edition_id, delegation, registration_type))""",
    """CREATE TABLE IF NOT EXISTS ledger (
        number TEXT PRIMARY KEY, invoice_id TEXT NOT NULL UNIQUE, edition_id TEXT NOT NULL,
        kind TEXT NOT NULL, refers_to_number TEXT, issued_on TEXT NOT NULL,
        due_on TEXT NOT NULL, issued_at TEXT NOT NULL, bill_to TEXT NOT NULL, delegation TEXT,
        po_number TEXT, currency TEXT NOT NULL, subtotal TEXT NOT NULL, taxes TEXT NOT NULL,
        total TEXT NOT NULL, paid TEXT NOT NULL, credited TEXT NOT NULL, balance TEXT NOT NULL,
        status TEXT NOT NULL, document TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS ledger_by_edition ON ledger (edition_id, issued_at)",
    """CREATE TABLE IF NOT EXISTS ledger_links (
        registration_id TEXT PRIMARY KEY, number TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS journal (
        entry TEXT PRIMARY KEY, edition_id TEXT NOT NULL, kind TEXT NOT NULL,
        method TEXT NOT NULL, at TEXT NOT NULL, received_on TEXT, payer TEXT NOT NULL,
        reference TEXT NOT NULL,
        charge TEXT, amount TEXT NOT NULL, currency TEXT NOT NULL, registrations TEXT NOT NULL,
        invoice TEXT, recorded_by TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS journal_by_edition ON journal (edition_id, at)",
    """CREATE TABLE IF NOT EXISTS presence (
        registration_id TEXT NOT NULL, list_code TEXT NOT NULL, since TEXT NOT NULL,
        PRIMARY KEY (registration_id, list_code))""",
    """CREATE TABLE IF NOT EXISTS checkin_keys (
        registration_id TEXT PRIMARY KEY, code_key TEXT NOT NULL, short_key TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS waiting_entries (
        entry_id TEXT PRIMARY KEY, edition_id TEXT NOT NULL, registration_type TEXT NOT NULL,
        delegation TEXT, quantity INTEGER NOT NULL, first_name TEXT NOT NULL,
        last_name TEXT NOT NULL, email TEXT NOT NULL, language TEXT NOT NULL,
        status TEXT NOT NULL, joined_at TEXT NOT NULL, offered_until TEXT,
        registered INTEGER NOT NULL, ended_at TEXT)""",
    "CREATE INDEX IF NOT EXISTS waiting_entries_by_edition ON waiting_entries "
    "(edition_id, status)",
)
PARAMETER = re.compile(r"(?<![:\w]):(\w+)")
TABLE_NAMES = tuple(re.findall(r"CREATE TABLE IF NOT EXISTS (\w+)", " ".join(READ_MODEL_TABLES)))
SCHEMA_FINGERPRINT = hashlib.sha256("\n".join(READ_MODEL_TABLES).encode()).hexdigest()


class Cursor(Protocol):
    def execute(self, *args: Any, **kwargs: Any) -> Any: ...
    def executemany(self, *args: Any, **kwargs: Any) -> Any: ...
    def copy(self, *args: Any, **kwargs: Any) -> Any: ...
    def fetchall(self) -> Any: ...
    def fetchone(self) -> Any: ...


class ReadModelStore:
    """Behaviour shared by both backends; the backend classes below say how to talk SQL."""

    datastore: Any
    tracking_table: str
    max_tracking_id: Callable[[str], int | None]  # from the backend's TrackingRecorder

    def sql(self, statement: str) -> str:
        return statement

    @contextmanager
    def transaction(self) -> Iterator[Cursor]:
        with self.datastore.transaction(commit=True) as cursor:
            yield cursor

    # Called before every read (set by the web app: a request waits, within bounds, until
    # the read models show what it or its client has just written).
    before_read: Callable[[], None] | None = None

    def query(self, statement: str, params: Mapping[str, Any] | None = None) -> list[dict]:
        if self.before_read is not None:
            self.before_read()
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(self.sql(statement), dict(params or {}))
            return [dict(row) for row in cursor.fetchall()]

    def execute(
        self, cursor: Cursor, statement: str, params: Mapping[str, Any], *, fetch: bool = False
    ) -> list[dict]:
        cursor.execute(self.sql(statement), dict(params))
        return [dict(row) for row in cursor.fetchall()] if fetch else []

    def execute_many(
        self, cursor: Cursor, statement: str, params: Iterable[Mapping[str, Any]]
    ) -> None:
        """One statement for many rows: psycopg pipelines them (one round trip, not one each)."""
        rows = [dict(p) for p in params]
        if rows:
            cursor.executemany(self.sql(statement), rows)

    def one_of(self, column: str, values: Iterable[Any]) -> tuple[str, dict[str, Any]]:
        """The condition that `column` is one of `values`, and its parameters."""
        names, params = placeholders(column, values)
        return f"{column} IN ({names})", params

    def save_rows(self, cursor: Cursor, table: str, columns: Sequence[str],
                  rows: Iterable[Mapping[str, Any]], new: Container[Any]) -> None:
        """Rows keyed by their first column: those whose key is `new` (the table does not
        hold it yet) inserted, the others inserted or updated."""
        rows = list(rows)
        key = columns[0]
        self.insert_many(cursor, table, columns, [row for row in rows if row[key] in new])
        self.execute_many(cursor, upsert_statement(table, columns),
                          (row for row in rows if row[key] not in new))

    def insert_many(self, cursor: Cursor, table: str, columns: Sequence[str],
                    rows: Sequence[Mapping[str, Any]]) -> None:
        self.execute_many(cursor, f"INSERT INTO {table} ({', '.join(columns)}) "
                          f"VALUES ({', '.join(':' + c for c in columns)})", rows)

    def start_tracking(self, application_name: str) -> None:
        """Track `application_name`, rebuilding from scratch if the tables' shape changed.

        Read tables are disposable: when this code defines them differently from the ones
        found (a column added by an upgrade), they are dropped, recreated and replayed.
        """
        track = (f"INSERT INTO {self.tracking_table} VALUES (:app, 0) "
                 "ON CONFLICT (application_name) DO NOTHING")
        with self.transaction() as cursor:
            # A write first: on SQLite a transaction that reads, then writes, fails at once
            # ("database is locked") if another process wrote in between; one that starts
            # by writing waits for its turn instead.
            self.execute(cursor, track, {"app": application_name})
            self.execute(cursor, "CREATE TABLE IF NOT EXISTS read_model_schema "
                         "(fingerprint TEXT NOT NULL)", {})
            found = self.execute(cursor, "SELECT fingerprint FROM read_model_schema", {},
                                 fetch=True)
            if found and found[0]["fingerprint"] != SCHEMA_FINGERPRINT:
                for table in TABLE_NAMES:
                    self.execute(cursor, f"DROP TABLE IF EXISTS {table}", {})
                for statement in READ_MODEL_TABLES:
                    self.execute(cursor, statement, {})
                self.execute(cursor, f"DELETE FROM {self.tracking_table} "
                             "WHERE application_name = :app", {"app": application_name})
            if not found or found[0]["fingerprint"] != SCHEMA_FINGERPRINT:
                self.execute(cursor, "DELETE FROM read_model_schema", {})
                self.execute(cursor, "INSERT INTO read_model_schema VALUES (:fingerprint)",
                             {"fingerprint": SCHEMA_FINGERPRINT})
            self.execute(cursor, track, {"app": application_name})  # again, if dropped

    def advance(self, cursor: Cursor, application_name: str, expected: int, position: int) -> bool:
        """Move the tracking position only if nobody else moved it since we read it."""
        rows = self.execute(
            cursor,
            f"UPDATE {self.tracking_table} SET notification_id = :position "
            "WHERE application_name = :app AND notification_id = :expected "
            "RETURNING notification_id",
            {"app": application_name, "expected": expected, "position": position},
            fetch=True,
        )
        return bool(rows)

    def clear(self, application_name: str) -> None:
        with self.transaction() as cursor:
            for table in TABLE_NAMES:
                self.execute(cursor, f"DELETE FROM {table}", {})
            self.execute(cursor, f"UPDATE {self.tracking_table} SET notification_id = 0 "
                         "WHERE application_name = :app", {"app": application_name})


class SQLiteReadModels(ReadModelStore, SQLiteTrackingRecorder):
    tracking_table = "tracking"

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), *READ_MODEL_TABLES]


class PostgresReadModels(ReadModelStore, PostgresTrackingRecorder):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tracking_table = self.tracking_table_name
        self.sql_create_statements.extend(SQL(s) for s in READ_MODEL_TABLES)  # type: ignore[misc]

    def sql(self, statement: str) -> str:
        return pyformat(statement)

    def one_of(self, column: str, values: Iterable[Any]) -> tuple[str, dict[str, Any]]:
        """One array for all the values: a rebuild's pages name thousands, which psycopg
        and the server took twice as long to read as as many parameters."""
        return f"{column} = ANY(:{column})", {column: list(values)}

    def insert_many(self, cursor: Cursor, table: str, columns: Sequence[str],
                    rows: Sequence[Mapping[str, Any]]) -> None:
        """Copied in: a third of the time of as many INSERTs (a rebuild's rows are new)."""
        if not rows:
            return
        values = itemgetter(*columns)
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(values(row))


@lru_cache(maxsize=1024)
def pyformat(statement: str) -> str:
    """`:name` parameters as psycopg's `%(name)s`, rewritten once per statement: the same
    few statements run for every event followed."""
    return PARAMETER.sub(r"%(\1)s", statement)


def open_store(env: Mapping[str, str]) -> ReadModelStore:
    """Connect to (and create) the read-model tables for the configured persistence."""
    factory = InfrastructureFactory[TrackingRecorder].construct(
        env=Environment("ReadModels", dict(env)))
    postgres = env["PERSISTENCE_MODULE"] == "eventsourcing.postgres"
    view_class: type = PostgresReadModels if postgres else SQLiteReadModels
    store = factory.tracking_recorder(view_class)
    assert isinstance(store, ReadModelStore)
    return store


def placeholders(prefix: str, values: Iterable[Any]) -> tuple[str, dict[str, Any]]:
    """`:p0, :p1, …` and their values, for an IN (…) list."""
    params = {f"{prefix}{i}": value for i, value in enumerate(values)}
    return ", ".join(f":{name}" for name in params), params


def upsert_statement(table: str, columns: Sequence[str]) -> str:
    """Insert a row, or replace every column but the first (the key) of the one it names."""
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns[1:])
    return (f"INSERT INTO {table} ({', '.join(columns)}) "
            f"VALUES ({', '.join(':' + c for c in columns)}) "
            f"ON CONFLICT ({columns[0]}) DO UPDATE SET {updates}")
