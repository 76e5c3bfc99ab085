"""POST registrations with wrk (C + LuaJIT), the rushes' load generator.

It replaced 16 Python client threads in bench/rush_all.py, whose process spent 0.4-0.6 ms of
CPU a registration of the 4.8-6.3 ms the whole 2-core machine spent (2026-12-01, quiet
machine), 0.8-1.0 ms at load average 4-7: CPU taken from the product measured.

wrk runs for a duration; its script (registrations.lua) sends each request of the list once
instead and stops each thread after its last answer: this process then interrupts wrk's
sleep (SIGINT) and reads the totals its done() writes.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import tempfile
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from registration.demo import DEMO_SLUG

ROOT = Path(__file__).resolve().parents[2]
ENSURE_TOOLS = ROOT / "scripts" / "ensure-bench-tools.sh"
SCRIPT = Path(__file__).with_name("registrations.lua")
LONGEST = "1h"  # wrk's duration: the most a run may take before wrk stops it unfinished
TIMEOUT = "60s"  # answers slower than this count as timeouts, not in the latency


@dataclass
class Posted:
    """What wrk got: outcomes by (HTTP status, the refusal's `code` or None)."""

    outcomes: Counter[tuple[int, str | None]]
    seconds: float  # from the first request sent to the last answer
    p50: float  # ms
    p99: float  # ms
    cpu: float  # CPU seconds (utime + stime) wrk spent

    @property
    def created(self) -> int:
        return sum(count for (status, _), count in self.outcomes.items() if status == 201)

    def statuses(self) -> Counter[int]:
        counted: Counter[int] = Counter()
        for (status, _), count in self.outcomes.items():
            counted[status] += count
        return counted


def post_registrations(ports: Sequence[int], requests: Sequence[dict[str, Any]],
                       connections: int,
                       created: Callable[[str, float], None] | None = None) -> Posted:
    """POST each of `requests` once, each with its own Idempotency-Key, from `connections`
    connections split between `ports`: one wrk thread for each. `created` is called with each
    new registration's id and when its 201 came (time.perf_counter's clock), as it comes.

    One thread a port, not two on one gunicorn: gunicorn closes each connection and wrk
    reconnects at once, so a thread that has sent its share holds connections open and
    silent until wrk exits. A sync worker that takes one waits on it (it has no read timeout)
    until the arbiter kills it 30 s later, while the other thread's last requests queue.

    Latency is wrk's: from the request written to the answer read, corrected by wrk 4.1 for
    coordinated omission (answers slower than twice the mean add samples below them)."""
    subprocess.run(["bash", str(ENSURE_TOOLS)], check=True)
    threads = len(ports)
    with tempfile.NamedTemporaryFile("w", prefix="bench-wrk-", suffix=".txt") as listed:
        listed.writelines(f"{uuid.uuid4()}\t{json.dumps(request)}\n" for request in requests)
        listed.flush()
        command = ["wrk", "--threads", str(threads), "--connections", str(connections),
                   "--duration", LONGEST, "--timeout", TIMEOUT, "--script", str(SCRIPT),
                   f"http://127.0.0.1:{ports[0]}/api/editions/{DEMO_SLUG}/registrations",
                   "--", listed.name, str(threads)]
        environment = {**os.environ, "BENCH_PORTS": ",".join(map(str, ports))}
        totals: dict[str, list[str]] = {}
        outcomes: Counter[tuple[int, str | None]] = Counter()
        with subprocess.Popen(command, stdout=subprocess.PIPE, text=True,
                              env=environment) as wrk:
            assert wrk.stdout is not None
            finished = 0
            try:
                for line in wrk.stdout:
                    kind, *values = line.split()
                    if kind == "created" and created is not None:
                        created(values[0], float(values[1]))
                    elif kind == "finished":
                        finished += 1
                        if finished == threads:
                            wrk.send_signal(signal.SIGINT)  # ends wrk's sleep for the duration
                    elif kind == "outcome":
                        status, code, count = values
                        outcomes[int(status), None if code == "-" else code] += int(count)
                    elif kind in {"errors", "latency", "elapsed"}:
                        totals[kind] = values
            except BaseException:
                wrk.kill()  # else leaving the block waits for wrk's whole duration
                raise
            _, exit_status, usage = os.wait4(wrk.pid, 0)
            wrk.returncode = os.waitstatus_to_exitcode(exit_status)
    if finished < threads or sum(outcomes.values()) != len(requests):
        raise RuntimeError(f"wrk stopped after {sum(outcomes.values())} answers of "
                           f"{len(requests)} (exit {wrk.returncode})")
    if totals["errors"] != ["0"]:  # a request lost, or one sent in its place
        raise RuntimeError(f"wrk had {totals['errors'][0]} socket errors")
    p50, p99 = (int(value) / 1000 for value in totals["latency"])
    return Posted(outcomes, float(totals["elapsed"][0]), p50, p99,
                  usage.ru_utime + usage.ru_stime)
