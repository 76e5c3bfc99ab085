"""The desk's 1,000-badge batch as a background job, rendered by two render workers.

On a fresh SQLite store with the demo's Montréal edition and N registrations (default 1000)
in five delegations, the Procfile's `jobs` process (`flask --app wsgi jobs run --workers 2`)
is started beside this process, which plays the web worker: the batch is queued through the
API (POST, answered 202 at once), rendered in parts by the two render workers, merged, and
the prints recorded. Figures: how long the POST took, the wall time from the POST until the
batch is done (first run: the render workers build their services; second run: warm), the
PDF's size, and the peak memory (PSS, shared pages counted once) of the jobs process and its
render workers, sampled every 100 ms from /proc, and the CPU time they used (on a busy
machine the wall time grows, the CPU time much less).
`python bench/badge_jobs.py [N]`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from badges import PeakMemory, cpu_seconds, descendants, seed
from support import as_benchmark, backend

from registration.app import create_app
from registration.demo import DEMO_SLUG
from registration.services.container import Services

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FLASK = Path(sys.executable).parent / "flask"


def start_jobs(settings: dict[str, str], folder: Path) -> subprocess.Popen[bytes]:
    log = (folder / "jobs.log").open("wb")
    process = subprocess.Popen(
        [str(FLASK), "--app", "wsgi", "jobs", "run", "--workers", "2"], cwd=PROJECT_ROOT,
        env={**os.environ, **settings}, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True)
    deadline = time.monotonic() + 60
    while len(descendants(process.pid)) < 2:  # the render workers are forked
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"the jobs process did not start: {(folder / 'jobs.log').read_text()}")
        time.sleep(0.1)
    return process


def run_batch(services: Services, client: object, headers: dict[str, str], jobs: int,
              label: str) -> None:
    def cpu() -> float:  # the jobs process and its render workers, user + system
        return sum(cpu_seconds(p) for p in (jobs, *descendants(jobs)))

    cpu_before = cpu()
    with PeakMemory(jobs) as memory:
        started = time.perf_counter()
        answer = client.post(f"/api/editions/{DEMO_SLUG}/badge-batches",  # type: ignore[attr-defined]
                             json={}, headers=headers)
        asked = time.perf_counter() - started
        assert answer.status_code == 202, answer.json
        while (batch := services.batches.get(answer.json["id"])).running:
            time.sleep(0.05)
        seconds = time.perf_counter() - started
    assert batch.status == "done", batch
    used = cpu() - cpu_before
    pdf = services.batches.document(batch.id)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"batch of {batch.total} ({label}; load average {load} on {os.cpu_count()} cores): "
          f"POST answered 202 in {asked * 1000:.0f} ms; "
          f"done in {seconds:.2f} s ({seconds * 1000 / batch.total:.1f} ms/badge), "
          f"{len(pdf) / 1e6:.1f} MB PDF; peak memory of the jobs process and its 2 render "
          f"workers {memory.peak / 1024:.0f} MB ({memory.own / 1024:.0f} MB + "
          f"{memory.workers / 1024:.0f} MB); CPU {used:.1f} s in the render workers "
          f"({used * 1000 / batch.total:.1f} ms/badge)")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000

    with backend("sqlite") as settings:
        app = create_app(settings)
        services: Services = app.extensions["services"]
        print(f"Seeding {count} registrations (SQLite, demo edition {DEMO_SLUG})…")
        seed(services, count)
        headers = {"Authorization": f"Bearer {services.staff.create('bench-desk', 'desk')[1]}"}
        jobs = start_jobs(settings, Path(settings["INSTANCE_PATH"]))
        try:
            client = app.test_client()
            run_batch(services, client, headers, jobs.pid, "first: render workers start cold")
            run_batch(services, client, headers, jobs.pid, "again: warm")
        finally:
            os.killpg(jobs.pid, signal.SIGTERM)
            jobs.wait(timeout=15)
            services.close()


if __name__ == "__main__":
    as_benchmark(main)()
