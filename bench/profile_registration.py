"""Where a registration's CPU goes: cProfile of POST /registrations and of the worker's share.

One process, the production split: the app with SYNC_PROJECTIONS=false answers N POSTs
through its WSGI interface (Flask's test client: routing, schemas, the decision, the save),
then the read models and the mail processor follow the log those N registrations wrote, as
the `worker` and `mailer` processes would (the mailer composing and sending each
confirmation to an SMTP sink in this process, whose CPU is counted too). Each part is
profiled on its own; printed: CPU ms per registration and the top functions by their own
time (wall time, so waits on the database show too).
`python bench/profile_registration.py [N] [sqlite|postgres]` (default 300, sqlite).
"""

from __future__ import annotations

import cProfile
import io
import pstats
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from support import as_benchmark, backend, bench_edition, registration_request

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' support modules

from registration.app import create_app
from registration.demo import DEMO_SLUG
from tests.support.smtp import Inbox, free_port, smtp_server

TOP = 25
WARM_UP = 20


def profiled(title: str, count: int, work: Callable[[], object]) -> None:
    profile = cProfile.Profile()
    started = time.process_time()
    profile.runcall(work)
    cpu = time.process_time() - started
    print(f"\n== {title}: {cpu * 1000 / count:.2f} ms CPU per registration "
          f"(under the profiler, which adds to it)")
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(TOP)
    print("\n".join(line for line in out.getvalue().splitlines()[6:] if line.strip()))


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    name = sys.argv[2] if len(sys.argv) > 2 else "sqlite"
    smtp_port = free_port()
    with backend(name) as settings, smtp_server(smtp_port, Inbox()):
        app = create_app({**settings, "SYNC_PROJECTIONS": "false",
                          "SMTP_URL": f"smtp://127.0.0.1:{smtp_port}"})
        services = app.extensions["services"]
        as_benchmark(services.editions.load)(bench_edition(limits=False))
        client = app.test_client()

        def post(numbers: range) -> None:
            for n in numbers:
                answer = client.post(f"/api/editions/{DEMO_SLUG}/registrations",
                                     json=registration_request(n),
                                     headers={"Idempotency-Key": str(uuid.uuid4())})
                assert answer.status_code == 201, answer.get_data(as_text=True)

        post(range(WARM_UP))
        services.read_models.catch_up()
        services.mail.drain()
        print(f"{name}: {count} registrations through the app's WSGI interface, "
              f"SYNC_PROJECTIONS=false")
        profiled("web: POST /api/editions/…/registrations", count,
                 lambda: post(range(WARM_UP, WARM_UP + count)))
        profiled("worker: the read models follow the log", count,
                 services.read_models.catch_up)
        profiled("mailer: the mail processor follows the log and sends", count,
                 services.mail.drain)
        services.close()


if __name__ == "__main__":
    main()
