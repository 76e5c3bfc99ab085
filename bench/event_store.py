"""Saving events from many threads on PostgreSQL, and whether a follower of the log sees them all.

The event store inserts under a table lock (our save's function,
registration/adapters/postgres_events.py) so that notification ids follow commit order.
eventsourcing's own database-function path (`POSTGRES_ENABLE_DB_FUNCTIONS=y`, its recorder)
skips that lock: faster, but a follower that has passed id N never sees an N-1 that commits
later. This measures both on a fresh database each: 16 threads each saving new one-event
aggregates while one follower reads the log live, moving past the highest id it has seen (as
any follower does); at the end, how many events the follower never saw.
`python bench/event_store.py [SAVES_PER_THREAD]` (default 150).
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import get_topic
from support import as_benchmark, backend, postgres_available

from domain.capacity import Allocation
from registration.application import Conference
from registration.persistence import event_store_env

THREADS = 16


class LiveFollower(threading.Thread):
    def __init__(self, app: Conference) -> None:
        super().__init__(daemon=True)
        self.app, self.seen, self.position = app, set[int](), 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.read()
            time.sleep(0.002)
        self.read()

    def read(self) -> None:
        while notifications := self.app.recorder.select_notifications(
                start=self.position, limit=500, inclusive_of_start=False):
            self.seen.update(n.id for n in notifications)
            self.position = notifications[-1].id


class LibraryFunctionPath(PostgresApplicationRecorder):
    """eventsourcing's recorder, saving through its database function (no table lock)."""

    def attach_snapshots(self, snapshots: object) -> None:
        """Seats are never decided here: nothing to attach."""


def measure(database_url: str, functions: bool, per_thread: int) -> None:
    env = event_store_env(database_url, Path(tempfile.gettempdir()))  # (no SQLite file used)
    if functions:
        env["POSTGRES_ENABLE_DB_FUNCTIONS"] = "y"
        env["APPLICATION_RECORDER_TOPIC"] = get_topic(LibraryFunctionPath)
    app = Conference(env=env)
    follower = LiveFollower(app)
    follower.start()

    @as_benchmark
    def save(n: int) -> None:
        for i in range(per_thread):
            app.save(Allocation(resource=f"bench/{n}/{i}"))

    started = time.perf_counter()
    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(save, range(THREADS)))
    seconds = time.perf_counter() - started
    follower.done.set()
    follower.join()
    every = {n.id for n in app.recorder.select_notifications(start=0, limit=10**7)}
    missed = len(every - follower.seen)
    path = "library's function path (no table lock)" if functions else "our save (table lock)"
    print(f"{path:<40} {len(every):,} saves in {seconds:.1f} s: {len(every) / seconds:,.0f}"
          f" saves/s; the live follower missed {missed}")
    app.close()


def main() -> None:
    per_thread = int(sys.argv[1]) if len(sys.argv) > 1 else 150
    if not postgres_available():
        print("PostgreSQL is not reachable: nothing to measure")
        return
    print(f"{THREADS} threads x {per_thread} single-event saves on PostgreSQL, one follower "
          "reading the log live")
    for functions in (False, True):
        with backend("postgres") as settings:
            measure(settings["DATABASE_URL"], functions, per_thread)


if __name__ == "__main__":
    main()
