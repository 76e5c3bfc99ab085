"""Rebuilding the read models from scratch: events per second, on SQLite and PostgreSQL.

Seeds N registrations (default 3,000) through the command services, cancels one in ten
and corrects the details of another one in ten (projections off while seeding), then
times `read_models.rebuild()`: clear the read tables and apply the whole log again, a
page of events per transaction. `python bench/projections.py [N]`.
"""

from __future__ import annotations

import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from uuid import UUID

from support import as_benchmark, backend, backends, bench_edition, registration_request

from domain.registration import Attendee
from registration.config import Settings
from registration.demo import DEMO_SLUG
from registration.services.container import Services

REBUILDS = 2
WRITERS = 4


def seed(services: Services, count: int) -> None:
    def register(n: int) -> UUID:
        request = registration_request(n)
        return services.registrations.register(
            DEMO_SLUG, Attendee(**request["attendee"]), request["registration_type"],
            request["delegation"], request["discount_code"]).registration.id

    def cancel(registration_id: UUID) -> None:
        services.registrations.cancel(registration_id)

    def correct(registration_id: UUID) -> None:
        services.registrations.correct_details(registration_id, {"job_title": "Directrice"})

    services.editions.load(bench_edition(limits=False))
    with ThreadPoolExecutor(WRITERS) as pool:
        ids = list(pool.map(as_benchmark(register), range(count)))
        list(pool.map(as_benchmark(cancel), ids[::10]))
        list(pool.map(as_benchmark(correct), ids[5::10]))


def measure(name: str, count: int) -> None:
    with backend(name) as settings:
        settings = {**settings, "SYNC_PROJECTIONS": "false"}
        services = Services.build(Settings.from_env(Path(settings["INSTANCE_PATH"]), settings))
        try:
            started = time.perf_counter()
            seed(services, count)
            log = services.app.recorder.max_notification_id() or 0
            print(f"{name:<9} seeded {count} registrations ({log} stored events) in "
                  f"{time.perf_counter() - started:.1f} s")
            for attempt in range(1, REBUILDS + 1):
                started = time.perf_counter()
                applied = services.read_models.rebuild()
                seconds = time.perf_counter() - started
                print(f"{name:<9} rebuild {attempt}: {applied} events applied in {seconds:.2f} s:"
                      f" {applied / seconds:,.0f} events/s")
        finally:
            services.close()


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    print(f"Projection rebuild from scratch after {count} registrations, {count // 10} "
          f"cancellations and {count // 10} corrections (events applied = registration and "
          "edition events; claims and allocations are in the log but not projected).")
    for name in backends():
        measure(name, count)


if __name__ == "__main__":
    as_benchmark(main)()
