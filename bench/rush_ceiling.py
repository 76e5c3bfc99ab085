"""What bounds a rush on this machine: the same rush three ways, alternating, on the same minutes.

bench/rush_all.py's rush (the Procfile's processes on a fresh PostgreSQL database,
SYNC_PROJECTIONS=false, 16 wrk connections, every limit on) run as:

- `production`: as production runs it, every process on this machine;
- `mailer elsewhere`: the mailer on another machine (here: not running, its mails not
  sent; a deployment that outgrows one machine moves it first, it only reads the log and
  talks to SMTP);
- `no limits`: every process here, into the demo edition without a capacity, an allotment or
  a code's uses (so no registration takes its turn at a resource).

Each way `--repeats` times, in turn (the machine's own speed drifts within minutes: only
runs side by side compare). Printed for each run: registrations/s, p99, the CPU per
registration of the web (gunicorn), the projections worker, the mailer and PostgreSQL, and
of the whole machine while the answers came, and how busy its cores were. The whole
machine's CPU per registration is the ceiling: its cores give at most cores x 1000 / that ms
registrations a second.

`python bench/rush_ceiling.py [--count 3000] [--workers 3] [--repeats 2]`. Figures only.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Any

from rush_all import CLIENTS, CORES, LoadSampler, Rush, row, rush, rush_options, servers
from support import POSTGRES_SERVER, bench_edition

from tests.support.topology import fresh_database

WAYS: dict[str, tuple[dict[str, Any] | None, tuple[str, ...]]] = {
    # name: the edition (None: every limit on), the processes on another machine
    "production": (None, ()),
    "mailer elsewhere": (None, ("mailer",)),
    "no limits": (bench_edition(limits=False), ()),
}


def line(way: str, run: Rush) -> str:
    machine_ms = run.machine * 1000 / run.created
    return row(
        way,
        f"{run.rate:,.0f}/s, p99 {run.p99:.0f} ms, {run.refused} refused",
        f"web {run.cpu_ms('web'):.1f}, worker {run.cpu_ms('worker'):.1f}, mailer "
        f"{run.cpu_ms('mailer'):.1f}, PostgreSQL {run.cpu_ms('database'):.1f}; the whole "
        f"machine {machine_ms:.1f} ms ({run.machine / run.seconds / CORES:.0%} busy)",
        f"{CORES * 1000 / machine_ms:,.0f}/s")


def main() -> None:
    options = rush_options(__doc__.splitlines()[0], 3000, repeats=2)
    if options is None:
        return
    print(f"{options.count:,} POST registrations from {CLIENTS} clients per run, "
          f"{options.workers} gunicorn workers ({time.strftime('%Y-%m-%d %H:%M')} UTC).\n")
    lines = [row("way", "registrations/s", "CPU ms per registration",
                 "the machine's CPU bounds it at"), row("---", "---", "---", "---")]
    load = LoadSampler()
    load.start()
    with servers() as (inbox, localstripe, smtp_url), \
            tempfile.TemporaryDirectory(prefix="bench-ceiling-") as folder:
        for repeat in range(options.repeats):
            for way, (edition, elsewhere) in WAYS.items():
                with fresh_database(POSTGRES_SERVER, "bench") as url:
                    run = rush(options.count, 1, options.workers, inbox, url, localstripe,
                               smtp_url, Path(folder) / f"{repeat}-{way}", edition=edition,
                               elsewhere=elsewhere)
                lines.append(line(way, run))
                print(lines[-1], flush=True)
    load.stopped.set()
    samples = load.samples or [os.getloadavg()[0]]
    print("\n" + "\n".join(lines))
    print(f"\nload average (1 min) during the runs: mean {sum(samples) / len(samples):.1f}, "
          f"max {max(samples):.1f}")


if __name__ == "__main__":
    main()
