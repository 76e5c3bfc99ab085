"""A rush on a limited registration type, in the production shape, on PostgreSQL and SQLite.

Starts the Procfile's processes (gunicorn with its 2 workers, the projections worker, the
mailer, the jobs process) through tests/support/topology.py, as bench/production.py does,
with SYNC_PROJECTIONS=false, localstripe and an SMTP sink in this process; wrk posts
(bench/support/wrk.py). Three runs per backend, each on a fresh store:

- rush: 2,000 attempts from 64 connections at a type limited to 100 places — winners,
  losers (409 sold out), "busy" answers (409 conflict), other answers, latency p50/p99;
- steady: 1,600 registrations from 16 connections into a type of 5,000 places —
  registrations/s, p50/p99, busy answers, and the stored events and snapshots one more
  registration reads afterwards (counted in this process, through the same services);
- steady-2x4: the same with gunicorn's 2 workers running 4 threads each (more requests
  deciding the same type at once, the shape in which the issue saw 7 % "busy" answers).

`python bench/rush.py [rush attempts] [steady registrations] [run…]` (runs: rush, steady,
steady-2x4; all by default). Figures only, nothing asserted.
The machine is shared: the load average is printed before and after each run.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from support import (
    CLOCK_START,
    DELEGATIONS,
    POSTGRES_SERVER,
    answers,
    as_benchmark,
    attendee,
    bench_edition,
    postgres_available,
)
from support.wrk import Posted, post_registrations

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' support modules

from domain.registration import Attendee
from registration.adapters import localstripe_dev
from registration.app import create_app
from registration.demo import DEMO_SLUG
from tests.support.reads import counting_reads
from tests.support.smtp import counting_smtp_server, free_port
from tests.support.topology import ProcessType, Topology, fresh_database, procfile

RUSH_CLIENTS = 64
RUSH_PLACES = 100
STEADY_CLIENTS = 16
STEADY_PLACES = 5_000


def edition(places: int) -> dict[str, Any]:
    """The demo edition without allotments or code limits, its delegate type of `places`."""
    document = bench_edition(limits=False)
    for registration_type in document["registration_types"]:
        if registration_type["code"] == "delegate":
            registration_type["capacity"] = places
    return document


def request(n: int) -> dict[str, Any]:
    return {"attendee": attendee(n), "delegation": DELEGATIONS[n % len(DELEGATIONS)],
            "registration_type": "delegate", "answers": answers(n)}


def load() -> str:
    return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def figures(posted: Posted) -> str:
    """What the attempts got (201, sold_out, conflict…: a refusal's code, else its status)."""
    outcomes: Counter[str] = Counter()
    for (status, code), count in posted.outcomes.items():
        outcomes[code or str(status)] += count
    other = {k: v for k, v in outcomes.items() if k not in {"201", "sold_out", "conflict"}}
    elapsed = posted.seconds
    return (f"{outcomes['201']} registered, {outcomes['sold_out']} sold out, "
            f"{outcomes['conflict']} busy, other {other}; "
            f"{outcomes['201'] / elapsed:.1f} registrations/s, "
            f"{sum(outcomes.values()) / elapsed:.1f} answers/s over {elapsed:.1f} s; "
            f"p50 {posted.p50:.0f} ms, p99 {posted.p99:.0f} ms")


@as_benchmark
def reads_per_registration(settings: dict[str, str]) -> dict[str, int]:
    """Stored events and snapshots that one more registration into the type reads."""
    app = create_app({**settings, "SYNC_PROJECTIONS": "false", "RATE_LIMIT_ENABLED": "false"})
    services = app.extensions["services"]
    try:
        with counting_reads(services.app) as counts:
            services.registrations.register(DEMO_SLUG, Attendee(**attendee(10**6)), "delegate")
    finally:
        services.close()
    return dict(counts)


@contextmanager
def store(backend: str) -> Iterator[str]:
    """A fresh database URL: a new PostgreSQL database, or "" (SQLite under the instance
    folder, new for each run)."""
    if backend == "sqlite":
        yield ""
        return
    with fresh_database(POSTGRES_SERVER, "bench") as database_url:
        yield database_url


def threaded(threads: int) -> list[ProcessType]:
    """The Procfile's processes, gunicorn's workers with `threads` threads each."""
    return [ProcessType(p.name, f"{p.command} --threads {threads}") if p.name == "web" else p
            for p in procfile()]


RUNS = {  # name: places, client threads, gunicorn threads per worker
    "rush": (RUSH_PLACES, RUSH_CLIENTS, 1),
    "steady": (STEADY_PLACES, STEADY_CLIENTS, 1),
    "steady-2x4": (STEADY_PLACES, STEADY_CLIENTS, 4),
}


def measure(backend: str, runs: list[str], workdir: Path, localstripe: str, smtp_url: str,
            attempts: int, steady: int) -> None:
    for name in runs:
        places, clients, threads = RUNS[name]
        count = attempts if name == "rush" else steady
        folder = workdir / f"{backend}-{name}"
        with store(backend) as database_url:
            topology = Topology(database_url, folder, stripe_api_base=localstripe,
                                smtp_url=smtp_url, clock_start=CLOCK_START,
                                processes=threaded(threads))
            topology.load_edition(edition(places))
            with topology:
                before = load()
                posted = post_registrations([topology.port], [request(n) for n in range(count)],
                                            clients)
                after = load()
            print(f"{backend} {name}: {count} attempts from {clients} connections at {places} "
                  f"places, gunicorn 2 workers x {threads} threads: "
                  f"{figures(posted)} ({before} -> {after})", flush=True)
            if name != "rush":
                settings = {"DATABASE_URL": database_url, "CLOCK_START": CLOCK_START,
                            "INSTANCE_PATH": str(folder / "instance")}
                print(f"{backend}: one more registration into the type reads "
                      f"{reads_per_registration(settings)} (stored events, snapshots)",
                      flush=True)


def main() -> None:
    attempts = int(sys.argv[1]) if len(sys.argv) > 1 else 2_000
    steady = int(sys.argv[2]) if len(sys.argv) > 2 else 1_600
    runs = sys.argv[3:] or list(RUNS)
    print(f"{os.cpu_count()} cores, {load()}; production shape (the Procfile: gunicorn "
          f"--workers 2, projections worker, mailer, jobs), SYNC_PROJECTIONS=false", flush=True)
    stripe_port, smtp_port = localstripe_dev.free_port(), free_port()
    stripe = localstripe_dev.start(stripe_port)
    backends = ["postgres", "sqlite"] if postgres_available() else ["sqlite"]
    try:
        with tempfile.TemporaryDirectory(prefix="bench-rush-") as folder, \
                counting_smtp_server(smtp_port):
            for backend in backends:
                measure(backend, runs, Path(folder), f"http://127.0.0.1:{stripe_port}",
                        f"smtp://127.0.0.1:{smtp_port}", attempts, steady)
    finally:
        localstripe_dev.stop(stripe)


if __name__ == "__main__":
    main()
