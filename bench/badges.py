"""Badges: one through the API, a batch of N on every core, and bare WeasyPrint beside them.

On a fresh SQLite store with the demo's Montréal edition and N registrations (default 500):
- one badge, GET /api/registrations/{id}/badge.pdf through Flask's test client (recording the
  print included): p50 and p95 over 50 requests, each for another attendee, after a warm-up;
- the same badges rendered by bare WeasyPrint (same HTML and CSS, one FontConfiguration and
  pre-parsed CSS, no Flask, no event store), alternating with ours request by request so a
  noisy machine slows both alike: p50, and our overhead as a ratio. Ours pauses Python's
  cyclic garbage collector while WeasyPrint renders; bare WeasyPrint is measured both
  without and with that pause, so the second ratio is what Flask and the store cost;
- the batch of N badges as one PDF rendered in this process, in parts merged with pypdf, with
  the prints recorded (the command line's path; the desk's batches are background jobs:
  bench/badge_jobs.py): wall time and peak memory (sampled from /proc);
- bare WeasyPrint rendering the same N badges as one document in one process.
`python bench/badges.py [N]`.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from uuid import UUID

from support import as_benchmark, attendee, backend, bench_edition, percentile
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from domain.registration import Attendee
from registration.adapters.badge_layout import badge_context
from registration.adapters.badge_printer import PER_PAGE, STYLESHEETS, TEMPLATE
from registration.adapters.documents import TEMPLATES, DocumentRenderer, rendering
from registration.app import create_app
from registration.demo import DEMO_SLUG
from registration.projections.desk import BadgeFilter
from registration.services.container import Services
from registration.services.desk import badge_of

SINGLE_RUNS = 50
WARM_RUNS = 1
DELEGATIONS = ("QC", "ON", "GA", "NB", "TN")


def descendants(pid: int) -> list[int]:
    """The worker pool's processes (and theirs), from /proc."""
    try:
        children = " ".join(p.read_text() for p in Path(f"/proc/{pid}/task").glob("*/children"))
    except (FileNotFoundError, ProcessLookupError):
        return []
    return [d for child in children.split() for d in (int(child), *descendants(int(child)))]


def pss_kib(pid: int) -> int:
    """Proportional set size: memory shared between processes counts once overall."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return 0
    return next(int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:"))


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


class PeakMemory:
    """Samples this process tree's memory every 100 ms while in the `with` block."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self.own, self.workers, self._running = pid, 0, 0, 0, True
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while self._running:
            own, workers = pss_kib(self.pid), sum(map(pss_kib, descendants(self.pid)))
            if own + workers > self.peak:
                self.peak, self.own, self.workers = own + workers, own, workers
            time.sleep(0.1)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._running = False
        self._thread.join()


def seed(services: Services, count: int) -> list[str]:
    services.editions.load(bench_edition(limits=False))
    ids = []
    for n in range(count):
        created = services.registrations.register(
            DEMO_SLUG, Attendee(**attendee(n)), "delegate", DELEGATIONS[n % len(DELEGATIONS)])
        ids.append(str(created.registration.id))
    return ids


def bare_weasyprint(services: Services, registration_ids: list[str]) -> tuple[
        Callable[[int], bytes], Callable[[], bytes]]:
    """Renderers of the same badges (one by its index, or all as a batch) with WeasyPrint alone."""
    config = services.editions.config(DEMO_SLUG)
    badges = [badge_of(services.registrations.get(UUID(i)), config) for i in registration_ids]
    renderer = DocumentRenderer()

    def page(which: list) -> str:
        return renderer.html(TEMPLATE, {"title": "Badges", "per_page": PER_PAGE["4x3"],
                                        "languages": config.languages,
                                        "badges": [badge_context(b) for b in which]})

    singles, batch = [page([badge]) for badge in badges[:SINGLE_RUNS + 5]], page(badges)
    fonts = FontConfiguration()
    sheets = [CSS(string=(TEMPLATES / name).read_text(), font_config=fonts)
              for name in STYLESHEETS["4x3"]]

    def render(html: str) -> bytes:
        return HTML(string=html).write_pdf(stylesheets=sheets, font_config=fonts)

    return (lambda n: render(singles[n])), (lambda: render(batch))


def alternating(actions: list[Callable[[int], Any]], runs: int,
                first: int = 0) -> list[list[float]]:
    """Milliseconds of each action, run in turn for n = first .. first + runs - 1."""
    times: list[list[float]] = [[] for _ in actions]
    for n in range(first, first + runs):
        for action, taken in zip(actions, times, strict=True):
            started = time.perf_counter()
            action(n)
            taken.append((time.perf_counter() - started) * 1000)
    return times


def batch_run(services: Services, label: str) -> float:
    """Print every badge once, in this process; prints the figures and returns the wall time."""
    with PeakMemory(os.getpid()) as memory:
        started, cpu = time.perf_counter(), time.process_time()
        printed = services.desk.badges(DEMO_SLUG, BadgeFilter(), "bench-desk")
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"batch of {printed.count} ({label}, in this process)  {seconds:.2f} s, "
          f"{seconds * 1000 / printed.count:.1f} ms/badge, {len(printed.pdf) / 1e6:.1f} MB PDF; "
          f"peak memory {memory.peak / 1024:.0f} MB; CPU {cpu:.1f} s")
    return seconds


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 500

    with backend("sqlite") as settings:
        app = create_app(settings)
        services: Services = app.extensions["services"]
        print(f"Seeding {count} registrations (SQLite, demo edition {DEMO_SLUG})…")
        ids = seed(services, count)
        token = services.staff.create("bench-desk", "desk")[1]
        headers = {"Authorization": f"Bearer {token}"}
        client = app.test_client()

        def one_badge(n: int) -> None:
            answer = client.get(f"/api/registrations/{ids[n]}/badge.pdf", headers=headers)
            assert answer.status_code == 200, answer.json

        bare_one, bare_batch = bare_weasyprint(services, ids)

        def bare_paused(n: int) -> None:
            with rendering():
                bare_one(n)

        alternating([one_badge, bare_one, bare_paused], 5, first=SINGLE_RUNS)  # warm-up
        times = alternating([one_badge, bare_one, bare_paused], SINGLE_RUNS)
        ours, bare, paused = (percentile(taken, 50) for taken in times)
        print(f"single badge via API  p50 {ours:.1f} ms, p95 {percentile(times[0], 95):.1f} ms "
              "(target p50 <= 100 ms)")
        print(f"bare WeasyPrint       p50 {bare:.1f} ms, same badges; overhead {ours / bare:.2f}x "
              "(goal <= 1.25x)")
        print(f"  collector paused    p50 {paused:.1f} ms; overhead of Flask, auth and the event "
              f"store {ours / paused:.2f}x")

        batch_run(services, "first")
        for _ in range(WARM_RUNS):
            batch_run(services, "again")
        started, cpu = time.perf_counter(), time.process_time()
        bare_batch()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(f"bare WeasyPrint batch {seconds:.2f} s for {count} pages in one process "
              f"({seconds * 1000 / count:.1f} ms/page, one core; CPU {cpu:.1f} s)")
        services.close()


if __name__ == "__main__":
    as_benchmark(main)()
