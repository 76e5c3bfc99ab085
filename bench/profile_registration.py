"""Where a registration's CPU goes: cProfile of POST /registrations and of the worker's share.

One process, the production split: the app with SYNC_PROJECTIONS=false answers N POSTs
through its WSGI interface (Flask's test client: routing, schemas, the decision, the save),
then the read models and the mail processor follow the log those N registrations wrote, as
the `worker` and `mailer` processes would (the mailer composing and sending each
confirmation to an SMTP sink in this process, which counts the mails without parsing them:
its share of receiving them is counted too). Printed: CPU ms
per registration of each part unprofiled (web: the least of three batches), then each part
profiled on its own, the top functions by their own CPU time, and the Python function calls
per registration of each part (which, unlike CPU time, the machine's load does not change).
`python bench/profile_registration.py [N] [sqlite|postgres]` (default 300, sqlite).
"""

from __future__ import annotations

import cProfile
import functools
import io
import itertools
import pstats
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from support import as_benchmark, backend, limited_edition, registration_request

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' support modules

from registration.app import create_app
from registration.demo import DEMO_SLUG
from tests.support.smtp import counting_smtp_server, free_port

TOP = 25
WARM_UP = 20
BATCHES = 3  # the least CPU of three batches: the machine may be shared
PLACES = 1_000_000  # each type, delegation and code limited (the usual case), never reached


def cpu_ms(count: int, work: Callable[[], object]) -> float:
    started = time.process_time()
    work()
    return (time.process_time() - started) * 1000 / count


def profiled(title: str, count: int, work: Callable[[], object]) -> int:
    """The top functions by their own CPU time (the profiler's clock is the process's CPU);
    returns the Python function calls per registration, a figure the machine's load does
    not change."""
    profile = cProfile.Profile(time.process_time)
    profile.runcall(work)
    print(f"\n== {title}, {count} registrations under the profiler, top {TOP} by own CPU time")
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats("tottime").print_stats(TOP)
    print("\n".join(line for line in out.getvalue().splitlines()[6:] if line.strip()))
    return round(stats.total_calls / count)  # type: ignore[attr-defined]


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    name = sys.argv[2] if len(sys.argv) > 2 else "sqlite"
    smtp_port = free_port()
    with backend(name) as settings, counting_smtp_server(smtp_port):
        app = create_app({**settings, "SYNC_PROJECTIONS": "false",
                          "SMTP_URL": f"smtp://127.0.0.1:{smtp_port}"})
        services = app.extensions["services"]
        as_benchmark(services.editions.load)(limited_edition(PLACES))
        client = app.test_client()
        numbers = iter(range(10**9))

        def post(how_many: int) -> None:
            for n in itertools.islice(numbers, how_many):
                answer = client.post(f"/api/editions/{DEMO_SLUG}/registrations",
                                     json=registration_request(n),
                                     headers={"Idempotency-Key": str(uuid.uuid4())})
                assert answer.status_code == 201, answer.get_data(as_text=True)

        def send_all() -> None:
            while services.mail.drain():  # until nothing is due
                pass

        post(WARM_UP)
        services.read_models.catch_up()
        send_all()
        web = [cpu_ms(count, functools.partial(post, count)) for _ in range(BATCHES)]
        worker = cpu_ms(count * BATCHES, services.read_models.catch_up)
        mailer = cpu_ms(count * BATCHES, send_all)
        print(f"{name}, SYNC_PROJECTIONS=false, {BATCHES} x {count} registrations through the "
              f"app's WSGI interface: CPU ms per registration, web {min(web):.2f} (batches "
              f"{', '.join(f'{ms:.2f}' for ms in web)}), worker {worker:.2f}, mailer "
              f"{mailer:.2f} (with the SMTP sink's share of receiving)")
        calls = {
            "web": profiled("web: POST /api/editions/…/registrations", count,
                            functools.partial(post, count)),
            "worker": profiled("worker: the read models follow the log", count,
                               services.read_models.catch_up),
            "mailer": profiled("mailer: the mail processor follows the log and sends", count,
                               send_all)}
        print(f"\n{name}: Python function calls per registration, "
              + ", ".join(f"{part} {n:,}" for part, n in calls.items()))
        services.close()


if __name__ == "__main__":
    main()
