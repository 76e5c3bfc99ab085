"""Where events and read models live: an SQLite file by default, PostgreSQL by URL.

eventsourcing reads its infrastructure from environment-style settings; this module turns
our one `DATABASE_URL` setting into those, for the event store and for the read models.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

import psycopg
from eventsourcing.utils import get_topic
from psycopg.conninfo import make_conninfo

from registration.adapters.postgres_events import PostgresEventRecorder
from registration.adapters.resource_locks import AdvisoryLocks, FileLocks, ResourceLocks
from registration.adapters.sqlite_events import SQLiteEventRecorder

# The advisory lock under which a process creates its tables (any constant of our own).
START_UP_LOCK = 0x5E05_2019


def event_store_env(database_url: str | None, instance_path: Path) -> dict[str, str]:
    """The library's recorders, deciding seats within a save (registration.seats); on
    PostgreSQL its statements rendered once."""
    env = _env(database_url, instance_path / "events.sqlite")
    env["APPLICATION_RECORDER_TOPIC"] = get_topic(
        PostgresEventRecorder if is_postgres(env) else SQLiteEventRecorder)
    return env


def read_model_env(database_url: str | None, instance_path: Path) -> dict[str, str]:
    # SQLite table names are fixed, so the read models get their own file.
    return _env(database_url, instance_path / "views.sqlite")


def _env(database_url: str | None, sqlite_file: Path) -> dict[str, str]:
    if not database_url or database_url.startswith("sqlite"):
        path = _sqlite_path(database_url) or sqlite_file
        path.parent.mkdir(parents=True, exist_ok=True)
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(path),
            "SQLITE_LOCK_TIMEOUT": "30",
        }
    parts = urlsplit(database_url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ValueError(f"DATABASE_URL must be postgresql://… or sqlite:///…, not {parts.scheme}")
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": parts.path.lstrip("/") or "postgres",
        "POSTGRES_HOST": parts.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(parts.port or 5432),
        "POSTGRES_USER": unquote(parts.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(parts.password or ""),
        "POSTGRES_LOCK_TIMEOUT": "5",
        # Connections kept open per store (two stores a process), and how many more a busy
        # process may open: the Procfile's four processes keep 8 open, not 40.
        "POSTGRES_POOL_SIZE": "1",
        "POSTGRES_MAX_OVERFLOW": "9",
        "POSTGRES_CONNECT_TIMEOUT": "5",
        # Never the library's database-function insert path: in eventsourcing 9.5.6 it
        # skips the table lock that keeps notification ids in commit order, and a follower
        # of the log (read models, mailer) then passes over an event that commits later.
        # (Our recorder saves through functions of its own, which take the lock.)
        "POSTGRES_ENABLE_DB_FUNCTIONS": "n",
    }


def _sqlite_path(database_url: str | None) -> Path | None:
    """`sqlite:///relative.db` or `sqlite:////absolute.db`; None for the default file."""
    if not database_url:
        return None
    path = database_url.removeprefix("sqlite://").removeprefix("/")
    return Path(path) if path else None


def is_postgres(env: dict[str, str]) -> bool:
    return env["PERSISTENCE_MODULE"] == "eventsourcing.postgres"


def resource_locks(env: Mapping[str, str | None]) -> ResourceLocks:
    """The locks under which limited resources are decided, kept where the event store is:
    advisory locks on its PostgreSQL server, or lock files beside its SQLite file (an
    in-memory SQLite store lives in one process, where its threads' locks suffice)."""
    if env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
        return ResourceLocks(AdvisoryLocks(make_conninfo(
            dbname=env.get("POSTGRES_DBNAME"), host=env.get("POSTGRES_HOST"),
            port=env.get("POSTGRES_PORT"), user=env.get("POSTGRES_USER"),
            password=env.get("POSTGRES_PASSWORD") or None,
            connect_timeout=env.get("POSTGRES_CONNECT_TIMEOUT"))))
    database = env.get("SQLITE_DBNAME") or ":memory:"
    if ":memory:" in database or "mode=memory" in database:
        return ResourceLocks(None)
    return ResourceLocks(FileLocks(Path(database).with_suffix(".locks")))


@contextmanager
def one_process_at_a_time(database_url: str | None) -> Iterator[None]:
    """Start-up work that creates tables, done by one process at a time on PostgreSQL.

    `CREATE TABLE IF NOT EXISTS` is not safe when several sessions run it at once (the
    losers fail on the catalogue's unique index), and the Procfile starts its processes
    together. SQLite serialises it by itself.
    """
    if not database_url or database_url.startswith("sqlite"):
        yield
        return
    with psycopg.connect(database_url, autocommit=True, connect_timeout=10) as connection:
        connection.execute("SELECT pg_advisory_lock(%s)", (START_UP_LOCK,))
        try:
            yield
        finally:
            connection.execute("SELECT pg_advisory_unlock(%s)", (START_UP_LOCK,))
