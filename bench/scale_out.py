"""Scale-out on a 2-core machine, honestly: one gunicorn pinned to core 0 against two, pinned to
core 0 and core 1.

Unpinned, one gunicorn already spreads its workers over both cores, so a second instance has
no core to add (bench/rush_all.py's "2 gunicorns" row). Here the web instances are pinned with
`taskset -c` (master and the workers it forks), the rest of the production shape floats:
the projections worker, the mailer, the jobs process, PostgreSQL, localstripe, the SMTP sink
of this process and wrk (16 connections) share both cores with the web, and so does whatever
else runs on the machine (the load average is printed). Each run is bench/rush_all.py's rush
on a fresh database: registrations/s, p50/p99, the web's CPU per registration (utime + stime
of the pinned masters and workers), how busy the web's cores and the whole machine were
while the answers came (/proc/stat), the answers other than 201, and the web-CPU-bound
capacity, cores given to the web / its CPU per registration: what the instances could answer
if the web had its cores to itself.

`python bench/scale_out.py [--count 2000] [--workers 3]`. Figures only, nothing is asserted.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from rush_all import CLIENTS, CORES, LoadSampler, Rush, row, rush, rush_options, servers
from support import POSTGRES_SERVER

from tests.support.topology import fresh_database

PLACEMENTS = {1: (0,), 2: (0, 1)}  # instances -> the core each instance is pinned to


def answers_other_than_201(run: Rush) -> str:
    return ", ".join(f"{count} x {status}" for status, count in sorted(run.refusals.items())) \
        or "none"


def line(run: Rush, workers: int) -> str:
    cores = PLACEMENTS[run.instances]
    web_ms = run.cpu_ms("web")
    busy = run.cpu["web"] / run.seconds  # cores' worth of CPU the web used during the rush
    return row(
        f"{run.instances} gunicorn x {workers} workers on core{'s' * (len(cores) > 1)} "
        f"{', '.join(map(str, cores))}",
        f"{run.rate:,.0f}/s ({run.created:,} in {run.seconds:.1f} s); p50 / p99 "
        f"{run.p50:.0f} / {run.p99:.0f} ms; "
        f"other answers: {answers_other_than_201(run)}",
        f"web {web_ms:.2f} ms (all server processes {run.cpu_ms():.1f} ms); during the "
        f"rush the web kept {busy:.2f} of its {len(cores)} core{'s' * (len(cores) > 1)} busy, "
        f"the whole machine {run.machine / run.seconds:.2f} of {CORES}",
        f"{len(cores) * 1000 / web_ms:,.0f}/s")


def table(one: Rush, two: Rush, workers: int, load: list[float]) -> str:
    capacity = {run.instances: len(PLACEMENTS[run.instances]) * 1000 / run.cpu_ms("web")
                for run in (one, two)}
    return "\n".join([
        row("web instances", "registrations/s, latency, refusals",
            "CPU (utime + stime) per registration", "web-CPU-bound capacity"),
        row("---", "---", "---", "---"),
        line(one, workers),
        line(two, workers),
        row("two against one", f"{two.rate / one.rate:.2f}x",
            f"web CPU per registration {two.cpu_ms('web') / one.cpu_ms('web'):.2f}x",
            f"{capacity[2] / capacity[1]:.2f}x"),
        row("load average (1 min) during the runs",
            f"mean {sum(load) / len(load):.1f}, max {max(load):.1f}" if load else "n/a"),
    ])


def main() -> None:
    options = rush_options(__doc__.splitlines()[0], 2000)
    if options is None:
        return
    if len(os.sched_getaffinity(0)) < 2:
        print("fewer than 2 cores available here: nothing to pin a second instance to")
        return
    print(f"Scale-out: {options.count:,} POST registrations from {CLIENTS} clients, web pinned "
          f"with taskset, everything else floating ({time.strftime('%Y-%m-%d %H:%M')} UTC, "
          f"load {os.getloadavg()[0]:.1f} before).")
    load = LoadSampler()
    load.start()
    runs = {}
    with servers() as (inbox, localstripe, smtp_url), \
            tempfile.TemporaryDirectory(prefix="bench-scale-") as folder:
        for instances, cores in PLACEMENTS.items():
            with fresh_database(POSTGRES_SERVER, "bench") as url:
                runs[instances] = rush(options.count, instances, options.workers, inbox, url,
                                       localstripe, smtp_url, Path(folder) / str(instances),
                                       cores)
    load.stopped.set()
    print(table(runs[1], runs[2], options.workers, load.samples))
    print(f"Load average after: {os.getloadavg()[0]:.1f}. The web's cores are not its own: "
          "the worker, mailer, jobs, PostgreSQL and wrk run on them too.")


if __name__ == "__main__":
    main()
