"""Rebuilding the read models from scratch on PostgreSQL, against reading the log raw.

`seed [N]` builds the rush's log once in a database kept for the next steps (default
3,000 registrations, and the 20 of the warm-up): each POSTed through the app's WSGI
interface with SYNC_PROJECTIONS=false, then the mail processor sends every confirmation
(to an SMTP sink in this process), as the rush's processes would. `measure [--profile]`
vacuums the read tables, times rush_all's raw read against `ReadModels.rebuild()` twice,
then the CPU each takes in this process, and prints a digest of the read tables (to compare
the rebuilds of two versions of the code); with `--profile`, one more rebuild runs under
cProfile (the top functions by own CPU time). `drop` removes the database. Without a step,
all three run.
`python bench/rebuild.py [seed [N]|measure [--profile]|drop]`.
"""

from __future__ import annotations

import cProfile
import functools
import hashlib
import io
import pstats
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from rush_all import rebuild_against_raw_read
from support import CLOCK_START, POSTGRES_SERVER, as_benchmark, bench_edition, registration_request

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' support modules

from registration.app import create_app
from registration.application import Conference
from registration.demo import DEMO_SLUG
from registration.persistence import event_store_env, read_model_env
from registration.projections.runner import PAGE_SIZE, ReadModels
from registration.projections.store import TABLE_NAMES, open_store
from tests.support.smtp import counting_smtp_server

DATABASE = "bench_rebuild"
URL = f"{POSTGRES_SERVER.rsplit('/', 1)[0]}/{DATABASE}"
SMTP_PORT = 5711
WARM_UP = 20  # as bench/rush_all.py's
RUNS = 2
TOP = 30


def seed(count: int) -> None:
    with psycopg.connect(POSTGRES_SERVER, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{DATABASE}"')
    with tempfile.TemporaryDirectory(prefix="bench-rebuild-") as folder, \
            counting_smtp_server(SMTP_PORT):
        app = create_app({"INSTANCE_PATH": folder, "CLOCK_START": CLOCK_START,
                          "RATE_LIMIT_ENABLED": "false", "DATABASE_URL": URL,
                          "SYNC_PROJECTIONS": "false", "SMTP_URL": f"smtp://127.0.0.1:{SMTP_PORT}"})
        services = app.extensions["services"]
        as_benchmark(services.editions.load)(bench_edition(limits=False))
        client = app.test_client()
        started = time.perf_counter()
        for n in range(count + WARM_UP):
            answer = client.post(f"/api/editions/{DEMO_SLUG}/registrations",
                                 json=registration_request(n),
                                 headers={"Idempotency-Key": str(uuid.uuid4())})
            assert answer.status_code == 201, answer.get_data(as_text=True)
        while services.mail.drain():
            pass
        head = services.app.recorder.max_notification_id() or 0
        services.close()
    print(f"seeded {count + WARM_UP} registrations, {head:,} notifications, in "
          f"{time.perf_counter() - started:.0f} s: {URL}")


def measure() -> None:
    vacuum()
    for run in range(1, RUNS + 1):
        head, raw, rebuilt = rebuild_against_raw_read(URL)
        print(f"run {run}: {head:,} notifications; raw read {raw:,.0f}/s, rebuild "
              f"{rebuilt:,.0f}/s: {rebuilt / raw:.0%}")
    with read_models() as models:
        raw_cpu = min(cpu_seconds(functools.partial(read_raw, models.app)) for _ in range(3))
        rebuild_cpu = min(cpu_seconds(models.rebuild) for _ in range(3))
    print(f"CPU of this process (least of 3; the machine's load changes it less): raw read "
          f"{raw_cpu:.3f} s, rebuild {rebuild_cpu:.3f} s")
    print(f"read tables as rebuilt: {fingerprint()}")


def vacuum() -> None:
    """Every measure from the same tables: each rebuild leaves its rows dead, and autovacuum
    may be off (as on the development machine): 450,000 dead rows slowed a rebuild."""
    with psycopg.connect(URL, autocommit=True) as connection:
        connection.execute(f"VACUUM (FULL, ANALYZE) {', '.join(TABLE_NAMES)}")


@contextmanager
def read_models() -> Iterator[ReadModels]:
    with tempfile.TemporaryDirectory(prefix="bench-rebuild-") as folder:
        app = Conference(env=event_store_env(URL, Path(folder)))
        models = ReadModels(app, open_store(read_model_env(URL, Path(folder))))
        yield models
        app.close()
        models.store.datastore.close()


def cpu_seconds(work: Callable[[], object]) -> float:
    started = time.process_time()
    work()
    return time.process_time() - started


def read_raw(app: Conference) -> None:
    position = 0
    while page := app.recorder.select_notifications(start=position, limit=PAGE_SIZE,
                                                    inclusive_of_start=False):
        position = page[-1].id


def fingerprint() -> str:
    """The read tables' rows, whatever order they are stored in, as one digest: a rebuild
    by other code is identical only if it prints the same."""
    digest = hashlib.sha256()
    with psycopg.connect(URL) as connection:
        for table in TABLE_NAMES:
            rows = connection.execute(f"SELECT {table}::text FROM {table} ORDER BY 1").fetchall()
            digest.update(f"{table} {len(rows)}\n".encode())
            digest.update("\n".join(row[0] for row in rows).encode())
    return digest.hexdigest()[:16]


def profile() -> None:
    with read_models() as models:
        profiler = cProfile.Profile(time.process_time)
        profiler.runcall(models.rebuild)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(TOP)
    print("\n".join(line for line in out.getvalue().splitlines()[4:] if line.strip()))


def drop() -> None:
    with psycopg.connect(POSTGRES_SERVER, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


def main() -> None:
    command = sys.argv[1] if len(sys.argv) > 1 else "all"
    if command == "all":  # as `make bench` runs it: the three steps
        seed(3000)
        measure()
        drop()
    elif command == "seed":
        seed(int(sys.argv[2]) if len(sys.argv) > 2 else 3000)
    elif command == "measure":
        measure()
        if "--profile" in sys.argv:
            profile()
    elif command == "drop":
        drop()
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
