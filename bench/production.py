"""The production topology under load: registrations/s, latency, and the read models' lag.

Starts exactly what the Procfile lists (gunicorn with its workers, the projections worker, the
mailer) on a fresh PostgreSQL database with SYNC_PROJECTIONS=false, through the same support
module as the production tests (tests/support/topology.py), with localstripe and an SMTP sink
in this process. 16 client threads POST registrations (the demo edition without limits, 13
delegations, a quarter government officials with a code). Printed:

- registrations/s and the POST's latency (p50/p95/p99);
- the read models' lag, per registration: from its 201 answer until its row is in the read
  model. Every registration is watched by one query of the read table every 50 ms (which costs
  the web processes nothing); a sample of them is also watched through the desk's attendee
  search over HTTP every 50 ms, the way staff would see it;
- "live = rebuild": once the worker has caught up and the processes are stopped, the attendance
  counters and registration rows it kept are compared with those `flask --app wsgi projections
  rebuild` makes again from the event log, and with the Registered events stored.

`python bench/production.py [N]` (default 1,200). Figures only, nothing is asserted.
"""

from __future__ import annotations

import json
import queue
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import psycopg
import requests
from support import (
    CLOCK_START,
    POSTGRES_SERVER,
    bench_edition,
    percentile,
    post_registration,
    postgres_available,
    registration_request,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' support modules

from registration.adapters import localstripe_dev
from registration.demo import DEMO_SLUG
from tests.support.smtp import counting_smtp_server, free_port
from tests.support.topology import Topology, fresh_database

CLIENTS = 16
WARM_UP = 10
# seconds between two looks at the read table: the lag is known to within 50 ms. Every 20 ms,
# the looks took 0.46-0.69 s of this process's CPU in a rush of 3,000 registrations at load
# average 8 on 2 cores (bench/rush_all.py, 2026-12-01): about 0.2 ms a registration.
SQL_EVERY = 0.05
HTTP_EVERY = 0.05  # seconds between two searches for a sampled registration
HTTP_SAMPLE = 50  # every 50th registration is also watched through the desk's search
CATCH_UP = 120.0  # the most we wait for the worker after the last answer


class Watcher(threading.Thread):
    """Notes when each registration's row shows in the read model: `lags` (seconds)."""

    def __init__(self, database_url: str) -> None:
        super().__init__(daemon=True)
        self.database_url = database_url
        self.arrivals: queue.Queue[tuple[str, float]] = queue.Queue()
        self.lags: dict[str, float] = {}
        self.finished = threading.Event()

    def answered(self, registration_id: str, at: float) -> None:
        self.arrivals.put((registration_id, at))

    def run(self) -> None:
        pending: dict[str, float] = {}
        with psycopg.connect(self.database_url, autocommit=True) as connection:
            while True:
                while not self.arrivals.empty():
                    registration_id, at = self.arrivals.get()
                    pending[registration_id] = at
                if pending:
                    rows = connection.execute(
                        "SELECT registration_id FROM registrations "
                        "WHERE registration_id = ANY(%s)", (list(pending),)).fetchall()
                    seen = time.perf_counter()
                    for (registration_id,) in rows:
                        self.lags[registration_id] = seen - pending.pop(registration_id)
                elif self.finished.is_set() and self.arrivals.empty():
                    return
                time.sleep(SQL_EVERY)


class Searcher(threading.Thread):
    """The same, for a sample, through GET /api/editions/{slug}/attendees?q= as desk staff."""

    def __init__(self, base_url: str, token: str) -> None:
        super().__init__(daemon=True)
        self.base_url, self.headers = base_url, {"Authorization": f"Bearer {token}"}
        self.arrivals: queue.Queue[tuple[str, str, float]] = queue.Queue()
        self.lags: list[float] = []
        self.finished = threading.Event()

    def run(self) -> None:
        pending: dict[str, tuple[str, float]] = {}
        while True:
            while not self.arrivals.empty():
                registration_id, email, at = self.arrivals.get()
                pending[registration_id] = (email, at)
            for registration_id, (email, at) in list(pending.items()):
                answer = requests.get(f"{self.base_url}/api/editions/{DEMO_SLUG}/attendees",
                                      params={"q": email}, headers=self.headers, timeout=60)
                if any(a["registration"] == registration_id
                       for a in answer.json()["attendees"]):
                    self.lags.append(time.perf_counter() - at)
                    del pending[registration_id]
            if not pending and self.finished.is_set() and self.arrivals.empty():
                return
            time.sleep(HTTP_EVERY)


def post(port: int, n: int) -> tuple[int, float, str | None, float]:
    """POST registration n: status, latency, the new id, and when the answer came."""
    status, data, started, answered = post_registration(port, n)
    registration_id = json.loads(data)["id"] if status == 201 else None
    return status, answered - started, registration_id, answered


def read_models(database_url: str) -> tuple[list[tuple[Any, ...]], Counter[str]]:
    """The attendance counters, and the registration rows counted by status."""
    with psycopg.connect(database_url) as connection:
        attendance = connection.execute(
            "SELECT delegation, registration_type, registered, cancelled, paid, substituted, "
            "checked_in FROM attendance ORDER BY delegation, registration_type").fetchall()
        statuses = connection.execute(
            "SELECT status, count(*) FROM registrations GROUP BY status").fetchall()
    return attendance, Counter({status: count for status, count in statuses})


def stored_registrations(database_url: str) -> int:
    with psycopg.connect(database_url) as connection:
        row = connection.execute(
            "SELECT count(*) FROM conference_events "
            "WHERE topic LIKE '%Registration.Registered'").fetchone()
    return int(row[0]) if row else 0


def seconds(values: list[float]) -> str:
    if len(values) < 2:
        return f"{len(values)} measured"
    return (f"p50 {percentile(values, 50):.3f} s, p99 {percentile(values, 99):.3f} s, "
            f"max {max(values):.3f} s ({len(values)} measured)")


def measure(count: int, workdir: Path, database_url: str, localstripe: str,
            smtp_url: str) -> None:
    topology = Topology(database_url, workdir, stripe_api_base=localstripe, smtp_url=smtp_url,
                        clock_start=CLOCK_START)
    topology.load_edition(bench_edition(limits=False))  # creates the schema first
    with topology:
        token = topology.create_staff("bench-desk", "desk")
        warmed = sum(1 for n in range(WARM_UP) if post(topology.port, n)[0] == 201)
        watcher, searcher = Watcher(database_url), Searcher(topology.base_url, token)
        watcher.start()
        searcher.start()

        def one(n: int) -> tuple[int, float]:
            status, latency, registration_id, answered = post(topology.port, n)
            if registration_id is not None:
                watcher.answered(registration_id, answered)
                if n % HTTP_SAMPLE == 0:
                    email = registration_request(n)["attendee"]["email"]
                    searcher.arrivals.put((registration_id, email, answered))
            return status, latency

        started = time.perf_counter()
        with ThreadPoolExecutor(CLIENTS) as pool:
            results = list(pool.map(one, range(WARM_UP, WARM_UP + count)))
        elapsed = time.perf_counter() - started
        last_answer = time.perf_counter()
        watcher.finished.set()
        searcher.finished.set()
        watcher.join(CATCH_UP)
        searcher.join(CATCH_UP)
        caught_up = time.perf_counter() - last_answer
        topology.check_alive()
        report = requests.get(f"{topology.base_url}/api/editions/{DEMO_SLUG}/attendance",
                              headers={"Authorization": f"Bearer {token}"}, timeout=60).json()
        codes = topology.stop()

    created = sum(1 for status, _ in results if status == 201)
    latencies = [latency * 1000 for _, latency in results]
    statuses = Counter(status for status, _ in results)
    print(f"registered {created}/{count} in {elapsed:.1f} s: {created / elapsed:.1f} "
          f"registrations/s (answers: {dict(sorted(statuses.items()))})")
    print(f"POST latency: p50 {percentile(latencies, 50):.0f} ms, "
          f"p95 {percentile(latencies, 95):.0f} ms, p99 {percentile(latencies, 99):.0f} ms")
    print(f"read-model lag, 201 answer -> row in the read model (every registration, "
          f"looked at every {SQL_EVERY * 1000:.0f} ms): {seconds(list(watcher.lags.values()))}")
    print(f"read-model lag as the desk's attendee search shows it (every {HTTP_SAMPLE}th, "
          f"searched every {HTTP_EVERY * 1000:.0f} ms): {seconds(searcher.lags)}")
    print(f"every registration in the read model {caught_up:.2f} s after the last answer")

    live, live_statuses = read_models(database_url)
    rebuilt_output = topology.flask("projections", "rebuild").strip().splitlines()[-1]
    rebuilt, rebuilt_statuses = read_models(database_url)
    stored = stored_registrations(database_url)
    totals = report["totals"]
    print(f"processes stopped (SIGTERM): {', '.join(f'{k} {v}' for k, v in codes.items())}")
    print(f"live attendance over HTTP: registered {totals['registered']}, attending "
          f"{totals['attending']}, {len(report['delegations'])} delegations; "
          f"{len(live)} counter rows, rows by status {dict(live_statuses)}")
    print(f"`flask projections rebuild`: {rebuilt_output}; {len(rebuilt)} counter rows, "
          f"rows by status {dict(rebuilt_statuses)}")
    same = live == rebuilt and live_statuses == rebuilt_statuses
    print(f"live = rebuild: {'equal' if same else 'NOT EQUAL'} (attendance counters and "
          f"registration rows)")
    expected = warmed + created
    agree = stored == totals["registered"] == sum(live_statuses.values()) == expected
    print(f"Registered events in the event store {stored}, live attendance "
          f"{totals['registered']}, answers 201 (with warm-up) {expected}: "
          f"{'equal' if agree else 'NOT EQUAL'}")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1200
    if not postgres_available():
        print(f"PostgreSQL not reachable at {POSTGRES_SERVER}: the production topology "
              "needs it")
        return
    print(f"Production topology (the Procfile's processes) on PostgreSQL, SYNC_PROJECTIONS="
          f"false: {count} POST /api/editions/{DEMO_SLUG}/registrations from {CLIENTS} "
          f"client threads.")
    stripe_port, smtp_port = localstripe_dev.free_port(), free_port()
    stripe = localstripe_dev.start(stripe_port)
    try:
        with tempfile.TemporaryDirectory(prefix="bench-production-") as folder, \
                counting_smtp_server(smtp_port), \
                fresh_database(POSTGRES_SERVER, "bench") as database_url:
            measure(count, Path(folder), database_url, f"http://127.0.0.1:{stripe_port}",
                    f"smtp://127.0.0.1:{smtp_port}")
    finally:
        localstripe_dev.stop(stripe)


if __name__ == "__main__":
    main()
