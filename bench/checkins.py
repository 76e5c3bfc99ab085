"""Check-ins per second through the API, and print on scan (scan to PDF), on SQLite and
PostgreSQL.

The app runs in its own process on werkzeug's threaded server (as `make run` serves it),
projections applied in the request (SYNC_PROJECTIONS=true, the default). 16 client threads
POST each attendee's QR code to `…/check-ins` on the conference entry, then again as exits;
then one desk member, signed in to the pages, scans codes at print on scan one after the
other (each answer is the badge's PDF, its print recorded).
`python bench/checkins.py [N]` (default 400 attendees).
"""

from __future__ import annotations

import http.cookiejar
import json
import logging
import multiprocessing
import re
import sys
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.queues import Queue

from support import as_benchmark, attendee, backend, backends, bench_edition, percentile
from werkzeug.serving import make_server

from domain.attendee import Attendee
from registration.app import create_app
from registration.demo import DEMO_SLUG

CLIENTS = 16
PRINTS = 40
PASSWORD = "a long enough password"


@as_benchmark
def prepared(app: object, count: int) -> tuple[list[str], str]:
    """`count` registrations' QR codes, and a desk member's bearer token."""
    services = app.extensions["services"]  # type: ignore[attr-defined]
    services.editions.load(bench_edition(limits=False))
    codes = [services.registrations.register(DEMO_SLUG, Attendee(**attendee(n)), "delegate",
                                             "QC").registration for n in range(count)]
    secrets = [services.registrations.get(r.id).checkin_secret for r in codes]
    services.staff.create_account("Bench Desk", "desk@bench.example", PASSWORD, "desk")
    return secrets, services.staff.create("bench-desk", "desk")[1]


def serve(settings: dict[str, str], count: int, ready: Queue) -> None:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app = create_app({**settings, "SESSION_COOKIE_SECURE": "false"})  # plain HTTP here
    secrets, token = prepared(app, count)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    ready.put((server.server_port, secrets, token))
    server.serve_forever()


def scan(port: int, token: str, code: str, direction: str) -> tuple[int, float]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/editions/{DEMO_SLUG}/check-ins", method="POST",
        data=json.dumps({"code": code, "direction": direction}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as answer:
        answer.read()
        return answer.status, time.perf_counter() - started


def print_on_scan(port: int, codes: list[str]) -> list[float]:
    """Seconds from sending each scanned code to the badge's PDF received, one desk screen."""
    base = f"http://127.0.0.1:{port}"
    browser = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def form(path: str, **fields: str) -> bytes:
        page = browser.open(base + path).read().decode()
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token is not None
        body = urllib.parse.urlencode({"csrf_token": token.group(1), **fields}).encode()
        return browser.open(base + path, data=body).read()

    form("/staff/sign-in", email="desk@bench.example", password=PASSWORD)
    screen = f"/staff/desk/{DEMO_SLUG}/print-on-scan"
    page = browser.open(base + screen).read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    seconds = []
    for code in codes:
        body = urllib.parse.urlencode({"csrf_token": token.group(1), "code": code}).encode()
        started = time.perf_counter()
        pdf = browser.open(base + screen, data=body).read()
        seconds.append(time.perf_counter() - started)
        assert pdf.startswith(b"%PDF")
    return seconds


def measure(name: str, count: int) -> None:
    context = multiprocessing.get_context("spawn")
    with backend(name) as settings:
        ready = context.Queue()
        server = context.Process(target=serve, args=(settings, count, ready), daemon=True)
        server.start()
        try:
            port, codes, token = ready.get(timeout=600)
            scan(port, token, codes[0], "entry")  # warm up: answered 201, then 200 below
            for direction in ("entry", "exit"):
                started = time.perf_counter()
                with ThreadPoolExecutor(CLIENTS) as pool:
                    results = list(pool.map(lambda c, d=direction: scan(port, token, c, d),
                                            codes))
                elapsed = time.perf_counter() - started
                recorded = sum(1 for status, _ in results if status == 201)
                latencies = [seconds * 1000 for _, seconds in results]
                print(f"{name:<9} {direction:<5} {recorded}/{count} recorded in {elapsed:.1f} s: "
                      f"{count / elapsed:.0f} scans/s; latency p50 "
                      f"{percentile(latencies, 50):.0f} ms, p99 {percentile(latencies, 99):.0f} ms")
            printed = [s * 1000 for s in print_on_scan(port, codes[:PRINTS])]
            print(f"{name:<9} print on scan, {PRINTS} scans one after the other: p50 "
                  f"{percentile(printed, 50):.0f} ms, p99 {percentile(printed, 99):.0f} ms")
        finally:
            server.terminate()
            server.join()


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 400
    print(f"Check-ins through POST /api/editions/{DEMO_SLUG}/check-ins: {count} attendees, "
          f"{CLIENTS} client threads, entries then exits; print on scan through the page.")
    for name in backends():
        measure(name, count)


if __name__ == "__main__":
    main()
