"""Exclusive use of a limited resource (a type's seats, a code's uses…) while a decision runs.

Registrations into the same resource take turns instead of colliding on the Allocation's
version and giving up after a few retries: each waits for the resource, loads the fresh
count, decides and saves, then hands the resource on. Two levels per resource:

- within a process, a `threading.Lock`, so that the threads of one process queue in memory
  and only one of them at a time waits at the second level;
- across processes and machines, a lock the database's host keeps: a PostgreSQL
  session-level advisory lock (waiters are queued by the server, in order), or for the
  SQLite default a file lock (`filelock`) beside the database file (a waiter polls it).

Memory only orders the waiting; what decides a seat is always the count in the store, read
after the cross-process lock is held (and the save still rejects a stale version). Locks are
taken in the order of their names, level by level (no two decisions wait for each other),
and a decision that waits longer than `wait` seconds is refused as busy.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from pathlib import Path
from typing import Protocol

import psycopg
from filelock import FileLock
from filelock import Timeout as FileLockTimeout
from psycopg_pool import ConnectionPool, PoolTimeout

from domain.errors import Conflict

WAIT = 30.0  # seconds a registration may wait its turn before it is told to try again
FILE_POLL = 0.002  # seconds between two looks at a file lock (one waiter per process)
BUSY = "The system is busy with the same resource; please try again."


class SharedLock(Protocol):
    """The cross-process level: exclusive use of each of `names`, in the order given."""

    def holding(self, names: list[str], deadline: float) -> AbstractContextManager[None]: ...

    def close(self) -> None: ...


class ResourceLocks:
    """Named locks held from a decision's load to its save (see the module docstring)."""

    def __init__(self, shared: SharedLock | None, wait: float = WAIT) -> None:
        self.shared = shared
        self.wait = wait
        self._local: dict[str, threading.Lock] = {}
        self._local_guard = threading.Lock()

    @contextmanager
    def holding(self, names: Iterable[str], across: bool = True) -> Iterator[None]:
        """Exclusive use of every resource in `names` within the block, or Conflict (busy);
        with `across` false, only among this process's threads (a save deciding seats on
        PostgreSQL takes the other level in its own transaction: registration.seats)."""
        ordered = sorted(set(names))
        deadline = time.monotonic() + self.wait
        with ExitStack() as held:
            for name in ordered:
                lock = self._local_lock(name)
                if not lock.acquire(timeout=max(deadline - time.monotonic(), 0)):
                    raise Conflict(BUSY)
                held.callback(lock.release)
            if across and self.shared is not None and ordered:
                held.enter_context(self.shared.holding(ordered, deadline))
            yield

    def _local_lock(self, name: str) -> threading.Lock:
        with self._local_guard:
            return self._local.setdefault(name, threading.Lock())

    def close(self) -> None:
        if self.shared is not None:
            self.shared.close()


def lock_number(name: str) -> int:
    """A signed 64-bit advisory lock key for `name`."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


class AdvisoryLocks:
    """PostgreSQL session-level advisory locks, on connections of their own.

    The event store saves on its own pooled connections, so a transaction-level lock could
    not span the load and the save; a session lock on a separate connection does, and the
    server drops it if this process dies. One connection serves a decision's locks.
    """

    def __init__(self, conninfo: str, connections: int = 4) -> None:
        # None open until a limited resource is decided; closed again after a minute idle.
        self.pool = ConnectionPool(conninfo, min_size=0, max_size=connections, open=True,
                                   kwargs={"autocommit": True}, max_idle=60.0,
                                   num_workers=1)

    @contextmanager
    def holding(self, names: list[str], deadline: float) -> Iterator[None]:
        try:
            with self.pool.connection(timeout=_left(deadline)) as connection:
                connection.execute(f"SET lock_timeout = {max(int(_left(deadline) * 1000), 1)}")
                try:
                    for name in names:
                        connection.execute("SELECT pg_advisory_lock(%s)", (lock_number(name),))
                    yield
                finally:
                    connection.execute("SELECT pg_advisory_unlock_all()")
        except (PoolTimeout, psycopg.errors.LockNotAvailable) as waited_too_long:
            raise Conflict(BUSY) from waited_too_long

    def close(self) -> None:
        self.pool.close()


class FileLocks:
    """One lock file per resource in `folder` (beside the SQLite database file)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    @contextmanager
    def holding(self, names: list[str], deadline: float) -> Iterator[None]:
        with ExitStack() as held:
            for name in names:
                lock = FileLock(self.folder / f"{lock_number(name) & 0xFFFF_FFFF_FFFF:012x}.lock",
                                thread_local=False)
                try:
                    lock.acquire(timeout=_left(deadline), poll_interval=FILE_POLL)
                except FileLockTimeout as waited_too_long:
                    raise Conflict(BUSY) from waited_too_long
                held.callback(lock.release)
            yield

    def close(self) -> None:
        """Nothing to close: each lock file is opened for one decision."""


def _left(deadline: float) -> float:
    return max(deadline - time.monotonic(), 0.001)
