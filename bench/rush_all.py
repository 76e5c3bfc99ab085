"""A registration rush in the production shape, against what the database itself can do: one table.

Runs the Procfile's processes (tests/support/topology.py) on a fresh PostgreSQL database with
SYNC_PROJECTIONS=false: gunicorn with `--workers N` (the Procfile's line, N given here), the
projections worker, the mailer (sending each confirmation to an SMTP sink in this process) and
the jobs process. wrk POSTs registrations from 16 connections (bench/support/wrk.py), each
with its own body and Idempotency-Key, into the demo edition with every limit on (each type's
capacity, each delegation's allotment, each code's uses: 100,000, so each registration takes
its turn at two or three limited resources, as in a conference that can sell out). Then, from
the same run:

- registrations/s and the POST's latency (p50/p99);
- server CPU per registration: the utime + stime (/proc/<pid>/stat) of gunicorn's master and
  workers, the projections worker and the mailer, before the first POST and after the
  read models and the mailer have caught up, divided by the registrations; the same for
  PostgreSQL's processes and for the load generator: wrk (its rusage) and this process (the
  SMTP sink, the lag watcher);
- the projection worker's lag: from each 201 answer until its row is in the read model
  (bench/production.py's watcher);
- a rebuild of the read models from scratch in this process, against reading the same
  notification log raw (both in notifications of the log per second);
- pgbench's single-row INSERT (16 clients, like ours) on the same server, and the ratio;
- the same rush through two gunicorn instances on two ports (wrk's two threads, one on each);
  bench/scale_out.py runs it with each instance pinned to its own core;
- the load average (1 min) sampled through the run: the machine may be shared.

`python bench/rush_all.py [--count 3000] [--workers 3]`. Figures only, nothing is asserted.
"""

from __future__ import annotations

import argparse
import functools
import math
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import requests
from production import Watcher, stored_registrations
from support import (
    CLOCK_START,
    POSTGRES_SERVER,
    limited_edition,
    percentile,
    post_registration,
    postgres_available,
    registration_request,
)
from support.wrk import ENSURE_TOOLS, post_registrations

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' support modules

from registration.adapters import localstripe_dev
from registration.application import Conference
from registration.persistence import event_store_env, read_model_env
from registration.projections.runner import PAGE_SIZE, ReadModels
from registration.projections.store import open_store
from tests.support.smtp import CountingSink, counting_smtp_server, free_port
from tests.support.topology import WEB, ProcessType, Topology, fresh_database, procfile

CLIENTS = 16
# gunicorn workers per instance: on these 2 cores, with every limit on, 3 answered the most
# (2026-12-01, 3,000 registrations each: 1 worker 340/s, 2 413/s, 3 442/s, 4 347/s: a
# fourth adds waiting, context switches and CPU per registration, not answers)
WORKERS = 3
WARM_UP = 20
PLACES = 100_000  # per type, delegation and code: limits on, never reached
CATCH_UP = 180.0  # the most we wait for the worker and the mailer after the last answer
PGBENCH_SECONDS = 10
WORKERS_OPTION = re.compile(r"--workers\s+\S+")
# What runs in place of a process said to run on another machine: it says it is ready (the
# topology waits for a first line of output), then waits.
STAND_IN = "echo 'on another machine'; exec sleep infinity"
TICKS = os.sysconf("SC_CLK_TCK")
CORES = os.cpu_count() or 1


@dataclass
class Rush:
    instances: int
    created: int
    seconds: float
    p50: float  # ms, the POST's latency
    p99: float
    cpu: dict[str, float]  # process kind -> CPU seconds during the rush
    lags: list[float]  # seconds
    refusals: Counter[int]  # HTTP status other than 201 -> answers
    machine: float  # CPU seconds the whole machine spent while the answers came (all cores)
    generator: float  # CPU seconds of wrk
    bench: float  # CPU seconds of this process: wrk's input and output, SMTP sink, lag watcher
    mails_behind: float  # seconds from the last answer until the last confirmation was sent

    @property
    def refused(self) -> int:
        return sum(self.refusals.values())

    @property
    def rate(self) -> float:
        return self.created / self.seconds

    def cpu_ms(self, kind: str | None = None) -> float:
        """CPU per registration of one kind of process, or of the product's (web, worker,
        mailer: not the database server)."""
        spent = self.cpu[kind] if kind else sum(v for k, v in self.cpu.items() if k != "database")
        return spent * 1000 / self.created


class LoadSampler(threading.Thread):
    """The 1-minute load average, once a second, for as long as the bench runs."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[float] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(1.0):
            self.samples.append(os.getloadavg()[0])


def cpu_seconds(pids: list[int]) -> float:
    """utime + stime of these processes (those gone count nothing)."""
    return sum(cpu_by_process(pids).values())


def cpu_by_process(pids: list[int]) -> dict[int, float]:
    """utime + stime of each of these processes still running."""
    spent = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        spent[pid] = (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime (14, 15)
    return spent


def database_cpu_since(before: dict[int, float]) -> float:
    """CPU PostgreSQL's processes spent since `before` (cpu_by_process of them then): those
    started since count whole, those ended since count nothing."""
    return sum(spent - before.get(pid, 0.0)
               for pid, spent in cpu_by_process(server_processes()).items())


def server_processes() -> list[int]:
    """PostgreSQL's processes (its backends, the WAL writer…): whoever uses the server, so
    on a quiet machine, this rush's."""
    found = subprocess.run(["pgrep", "-x", "postgres"], capture_output=True, text=True)
    return [int(pid) for pid in found.stdout.split()]


def machine_cpu_seconds() -> float:
    """CPU time every core of the machine has spent busy since boot (/proc/stat's first
    line, less idle and iowait): whatever runs here, ours or not."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / TICKS  # up to steal; guests are in user


def processes(instances: int, workers: int, cores: Sequence[int] = (),
              elsewhere: Collection[str] = ()) -> tuple[list[ProcessType], list[int]]:
    """The Procfile's processes with `workers` per gunicorn, the web line once per instance
    (the second on its own port); the ports of the instances after the first. With `cores`,
    instance i runs under `taskset -c cores[i]`: its master and the workers it forks stay on
    that core (the other processes float). A kind named in `elsewhere` runs on another
    machine: not on this one (a stand-in that only waits takes its place)."""
    kinds, ports = [], []
    for kind in procfile():
        if kind.name in elsewhere:
            kinds.append(ProcessType(kind.name, STAND_IN))
            continue
        if kind.name != WEB:
            kinds.append(kind)
            continue
        if not WORKERS_OPTION.search(kind.command):
            raise SystemExit(f"the Procfile's {WEB} line has no --workers: {kind.command}")
        command = WORKERS_OPTION.sub(f"--workers {workers}", kind.command)
        kinds.append(ProcessType(WEB, pinned(command, cores, 0)))
        for number in range(2, instances + 1):
            port = free_port()
            ports.append(port)
            kinds.append(ProcessType(f"{WEB}{number}", pinned(
                command.replace("${PORT:-5000}", str(port)), cores, number - 1)))
    return kinds, ports


def pinned(command: str, cores: Sequence[int], instance: int) -> str:
    return f"taskset -c {cores[instance]} {command}" if cores else command


def wait_until(condition: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.1)


def answers(port: int) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}/api/health", timeout=2).ok
    except requests.RequestException:
        return False


def rush(count: int, instances: int, workers: int, inbox: type[CountingSink], database_url: str,
         localstripe: str, smtp_url: str, workdir: Path, cores: Sequence[int] = (),
         edition: dict[str, Any] | None = None, elsewhere: Collection[str] = ()) -> Rush:
    """`count` registrations into `edition` (default: every limit on, never reached); the
    kinds of process in `elsewhere` do not run on this machine (`processes`)."""
    kinds, other_ports = processes(instances, workers, cores, elsewhere)
    topology = Topology(database_url, workdir, stripe_api_base=localstripe, smtp_url=smtp_url,
                        clock_start=CLOCK_START, processes=kinds)
    topology.load_edition(edition or limited_edition(PLACES))  # creates the schema first
    inbox.received = 0
    with topology:
        for port in other_ports:
            wait_until(functools.partial(answers, port), 60)
        ports = [topology.port, *other_ports]
        for n in range(WARM_UP):
            post_registration(ports[n % len(ports)], n)
        topology.check_alive()
        watched = {kind.name: [topology.running[i].process.pid]
                   for i, kind in enumerate(topology.processes)}
        for kind in topology.processes:
            if kind.name.startswith(WEB):
                watched[kind.name] += topology.children(kind.name)
        measured = {"web": [p for k, pids in watched.items() if k.startswith(WEB) for p in pids],
                    "worker": watched["worker"], "mailer": watched["mailer"]}
        before = {kind: cpu_seconds(pids) for kind, pids in measured.items()}
        database_before = cpu_by_process(server_processes())
        watcher = Watcher(database_url)
        watcher.start()
        machine, bench_before = machine_cpu_seconds(), time.process_time()
        posted = post_registrations(
            ports, [registration_request(n) for n in range(WARM_UP, WARM_UP + count)], CLIENTS,
            watcher.answered)
        machine, answered = machine_cpu_seconds() - machine, time.perf_counter()
        watcher.finished.set()
        watcher.join(CATCH_UP)
        expected = stored_registrations(database_url)
        if "mailer" in elsewhere:
            mails_behind = math.nan  # sent by the other machine: not measured here
        else:
            wait_until(lambda: inbox.received >= expected, CATCH_UP)
            mails_behind = time.perf_counter() - answered
        after = {kind: cpu_seconds(pids) for kind, pids in measured.items()}
        after["database"], before["database"] = database_cpu_since(database_before), 0.0
        bench_cpu = time.process_time() - bench_before
        topology.check_alive()
    refusals = posted.statuses()
    del refusals[201]
    return Rush(instances, posted.created, posted.seconds, posted.p50, posted.p99,
                {kind: after[kind] - before[kind] for kind in after},
                list(watcher.lags.values()), refusals, machine, posted.cpu, bench_cpu,
                mails_behind)


def rebuild_against_raw_read(database_url: str) -> tuple[int, float, float]:
    """Notifications in the log, and per second: read raw, and rebuilt into the read models."""
    with tempfile.TemporaryDirectory(prefix="bench-rebuild-") as folder:
        app = Conference(env=event_store_env(database_url, Path(folder)))
        read_models = ReadModels(app, open_store(read_model_env(database_url, Path(folder))))
        head = app.recorder.max_notification_id() or 0

        def read_raw() -> float:
            started, position = time.perf_counter(), 0
            while page := app.recorder.select_notifications(start=position, limit=PAGE_SIZE,
                                                            inclusive_of_start=False):
                position = page[-1].id
            return head / (time.perf_counter() - started)

        first = read_raw()  # before and after the rebuild: neither gets the colder cache
        started = time.perf_counter()
        read_models.rebuild()
        rebuilt = head / (time.perf_counter() - started)
        raw = max(first, read_raw())
        app.close()
        read_models.store.datastore.close()
    return head, raw, rebuilt


def pgbench_inserts(clients: int) -> float:
    """pgbench's TPS for a one-row INSERT per transaction, on a fresh database."""
    subprocess.run(["bash", str(ENSURE_TOOLS)], check=True)
    with fresh_database(POSTGRES_SERVER, "pgbench") as url, \
            tempfile.NamedTemporaryFile("w", suffix=".sql") as script:
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute("CREATE TABLE rows (id BIGSERIAL PRIMARY KEY, body TEXT)")
        script.write("INSERT INTO rows (body) VALUES ('one registration''s worth');\n")
        script.flush()
        output = subprocess.run(
            ["pgbench", "-n", "-c", str(clients), "-j", "2", "-T", str(PGBENCH_SECONDS),
             "-f", script.name, url], check=True, capture_output=True, text=True).stdout
    found = re.search(r"tps = ([0-9.]+)", output)
    if found is None:
        raise SystemExit(f"no tps in pgbench's output:\n{output}")
    return float(found.group(1))


@contextmanager
def servers() -> Iterator[tuple[type[CountingSink], str, str]]:
    """localstripe and an SMTP sink in this process: their URLs, and what the sink got."""
    stripe_port, smtp_port = localstripe_dev.free_port(), free_port()
    stripe = localstripe_dev.start(stripe_port)
    try:
        with counting_smtp_server(smtp_port) as inbox:
            yield inbox, f"http://127.0.0.1:{stripe_port}", f"smtp://127.0.0.1:{smtp_port}"
    finally:
        localstripe_dev.stop(stripe)


def row(figure: str, product: str, baseline: str = "", ratio: str = "") -> str:
    return f"| {figure} | {product} | {baseline} | {ratio} |"


def table(one: Rush, two: Rush, rebuild: tuple[int, float, float], tps: float,
          load: list[float], workers: int) -> str:
    head, raw, rebuilt = rebuild
    lines = [
        row("figure", "this product", "baseline, same run", "ratio"),
        row("---", "---", "---", "---"),
        row(f"registrations/s through HTTP, 1 gunicorn x {workers} workers, {CLIENTS} clients",
            f"{one.rate:,.0f}/s ({one.created:,} in {one.seconds:.1f} s, {one.refused} refused)",
            f"pgbench single-row INSERT, {CLIENTS} clients: {tps:,.0f} TPS",
            f"{one.rate / tps:.1%}"),
        row("POST latency p50 / p99 (wrk's)", f"{one.p50:.0f} / {one.p99:.0f} ms"),
        row("server CPU per registration (web + worker + mailer)",
            f"{one.cpu_ms():.1f} ms (web {one.cpu_ms('web'):.1f} + worker "
            f"{one.cpu_ms('worker'):.1f} = {one.cpu_ms('web') + one.cpu_ms('worker'):.1f}; "
            f"mailer {one.cpu_ms('mailer'):.1f})",
            f"{CORES} cores give that CPU for {CORES * 1000 / one.cpu_ms():,.0f} "
            "registrations/s"),
        row("CPU per registration of the load generator (wrk, and this process: the SMTP "
            "sink, the lag watcher)",
            f"{(one.generator + one.bench) * 1000 / one.created:.2f} ms (wrk "
            f"{one.generator * 1000 / one.created:.2f}, this process "
            f"{one.bench * 1000 / one.created:.2f})",
            f"the whole machine: {one.machine * 1000 / one.created:.1f} ms; PostgreSQL's "
            f"processes: {one.cpu_ms('database'):.1f} ms"),
        row("projection worker lag, 201 → row in the read model, p99",
            f"{percentile(one.lags, 99):.3f} s (p50 {percentile(one.lags, 50):.3f} s)"),
        row("the last confirmation e-mail sent, after the last answer",
            f"{one.mails_behind:.1f} s"),
        row(f"rebuild of the read models from scratch ({head:,} notifications)",
            f"{rebuilt:,.0f} notifications/s", f"raw read of the log: {raw:,.0f}/s",
            f"{rebuilt / raw:.0%}"),
        row(f"registrations/s, 2 gunicorns x {workers} workers, clients split",
            f"{two.rate:,.0f}/s (p99 {two.p99:.0f} ms, CPU "
            f"{two.cpu_ms():.1f} ms, {two.refused} refused)",
            f"1 gunicorn: {one.rate:,.0f}/s", f"{two.rate / one.rate:.2f}x"),
        row("load average (1 min) during the runs",
            f"mean {sum(load) / len(load):.1f}, max {max(load):.1f}" if load else "n/a"),
    ]
    return "\n".join(lines)


def rush_options(description: str, count: int, repeats: int | None = None
                 ) -> argparse.Namespace | None:
    """`--count`, `--workers` (and with a default for it, `--repeats`) from the command
    line; None (said why) without PostgreSQL."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--count", type=int, default=count, help="registrations per rush")
    parser.add_argument("--workers", type=int, default=WORKERS,
                        help="gunicorn workers per instance")
    if repeats is not None:
        parser.add_argument("--repeats", type=int, default=repeats, help="runs of each way")
    options = parser.parse_args()
    if not postgres_available():
        print(f"PostgreSQL not reachable at {POSTGRES_SERVER}: the production shape needs it")
        return None
    return options


def main() -> None:
    options = rush_options(__doc__.splitlines()[0], 3000)
    if options is None:
        return
    print(f"Rush: {options.count:,} POST registrations from {CLIENTS} clients, the Procfile's "
          f"processes on PostgreSQL, SYNC_PROJECTIONS=false ({time.strftime('%Y-%m-%d %H:%M')}"
          " UTC).")
    load = LoadSampler()
    load.start()
    with servers() as (inbox, localstripe, smtp_url), \
            tempfile.TemporaryDirectory(prefix="bench-rush-") as folder:
        runs = {}
        for instances in (1, 2):
            with fresh_database(POSTGRES_SERVER, "bench") as url:
                runs[instances] = rush(options.count, instances, options.workers, inbox, url,
                                       localstripe, smtp_url, Path(folder) / str(instances))
                if instances == 1:
                    rebuild = rebuild_against_raw_read(url)
        tps = pgbench_inserts(CLIENTS)
    load.stopped.set()
    print(table(runs[1], runs[2], rebuild, tps, load.samples, options.workers))


if __name__ == "__main__":
    main()
