"""Registrations per second through the JSON API, on SQLite and on PostgreSQL.

The app runs in its own process on werkzeug's threaded server (as `make run` serves it);
a few client threads POST registrations across the 13 delegations, a quarter of them
government officials with a discount code. Projections are applied synchronously after
each command (SYNC_PROJECTIONS=true, the default), so each response includes that work.
`python bench/registrations.py [N]` (default 500).
"""

from __future__ import annotations

import logging
import multiprocessing
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.queues import Queue

from support import backend, backends, bench_edition, percentile, post_registration
from werkzeug.serving import make_server

from registration.app import create_app
from registration.demo import DEMO_SLUG

CLIENTS = 4
WARM_UP = 10


def serve(settings: dict[str, str], ready: Queue) -> None:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app = create_app(settings)
    app.extensions["services"].editions.load(bench_edition())
    server = make_server("127.0.0.1", 0, app, threaded=True)
    ready.put(server.server_port)
    server.serve_forever()


def post(port: int, n: int) -> tuple[int, float]:
    status, _, started, answered = post_registration(port, n, timeout=60)
    return status, answered - started


def measure(name: str, count: int) -> None:
    context = multiprocessing.get_context("spawn")
    with backend(name) as settings:
        ready = context.Queue()
        server = context.Process(target=serve, args=(settings, ready), daemon=True)
        server.start()
        try:
            port = ready.get(timeout=60)
            for n in range(WARM_UP):
                post(port, n)
            started = time.perf_counter()
            with ThreadPoolExecutor(CLIENTS) as pool:
                results = list(pool.map(lambda n: post(port, n),
                                        range(WARM_UP, WARM_UP + count)))
            elapsed = time.perf_counter() - started
        finally:
            server.terminate()
            server.join()
    created = sum(1 for status, _ in results if status == 201)
    latencies = [seconds * 1000 for _, seconds in results]
    print(f"{name:<9} {created}/{count} registered in {elapsed:.1f} s: "
          f"{created / elapsed:.1f} registrations/s; latency p50 "
          f"{percentile(latencies, 50):.0f} ms, p95 {percentile(latencies, 95):.0f} ms")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    print(f"Registrations through POST /api/editions/{DEMO_SLUG}/registrations: {count} "
          f"requests from {CLIENTS} client threads to werkzeug's threaded server (own process),")
    print("projections applied synchronously after each command (SYNC_PROJECTIONS=true).")
    for name in backends():
        measure(name, count)


if __name__ == "__main__":
    main()
