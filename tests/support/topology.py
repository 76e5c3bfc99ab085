"""The production topology, exactly as the Procfile declares it, run as real processes.

`Topology` reads the Procfile's `name: command` lines and starts each command through the
shell, as Heroku-style runners do (so `${PORT:-5000}` expands), each in its own process group
with its output in a log file, against the database it is given and with
`SYNC_PROJECTIONS=false`: the web processes record events, only the `worker` process updates
the read models, only the `mailer` sends e-mail and only the `jobs` process renders badge
batches (its render workers take them from the queue, in Redis when `REDIS_URL` is given).
`flask --app wsgi …` commands (editions, staff) run with the same environment. Stopping
sends SIGTERM to every process group, then SIGKILL to what is still there a few seconds
later, so nothing is left behind.

Shared by the production tests (tests/production) and the benchmark bench/production.py;
nothing here depends on pytest.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import psycopg
import requests

from registration.adapters import localstripe_dev

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PROCFILE = PROJECT_ROOT / "Procfile"
VENV_BIN = Path(sys.executable).parent  # where gunicorn and flask are installed
PROCFILE_LINE = re.compile(r"^([A-Za-z0-9_-]+):\s*(\S.*)$")
TOKEN = re.compile(r"token: (\S+)")
WEB = "web"  # the process type that receives HTTP (the Heroku convention)
SHELL_OPERATORS = re.compile(r"[;&|\n]")


class TopologyError(RuntimeError):
    """A process of the topology did not start, stopped, or a command failed."""


@dataclass(frozen=True)
class ProcessType:
    name: str
    command: str


def procfile(path: Path = PROCFILE) -> list[ProcessType]:
    """The process types a Procfile declares, in order."""
    types = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = PROCFILE_LINE.match(line)
        if match is None:
            raise ValueError(f"{path}: not a Procfile line: {raw!r}")
        types.append(ProcessType(match.group(1), match.group(2)))
    if not types:
        raise ValueError(f"{path} declares no process")
    return types


def shell_line(command: str) -> str:
    """The shell replaces itself with a single command (dash would otherwise stay as its
    parent), so signals and the exit code are the command's own."""
    return command if SHELL_OPERATORS.search(command) else f"exec {command}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def fresh_database(server_url: str, prefix: str = "production") -> Iterator[str]:
    """A new database on the PostgreSQL server of `server_url`, dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server_url.rsplit('/', 1)[0]}/{name}"
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Running:
    kind: ProcessType
    process: subprocess.Popen[bytes]
    log: Path
    returncode: int | None = field(default=None)


class Topology:
    """The Procfile's processes on `database_url`; use as a context manager (or start/stop)."""

    def __init__(self, database_url: str, workdir: Path, *, stripe_api_base: str,
                 smtp_url: str, clock_start: str | None = None,
                 env: Mapping[str, str] | None = None,
                 processes: list[ProcessType] | None = None) -> None:
        self.workdir = workdir
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.processes = processes if processes is not None else procfile()
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.database_url = database_url
        self.stripe_api_base = stripe_api_base
        self.webhook_secret = f"whsec_{secrets.token_hex(16)}"
        inherited = {k: v for k, v in os.environ.items() if k != "CLOCK_START"}
        self.env = {
            **inherited,
            "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "PYTHONUNBUFFERED": "1",  # log lines as they happen, for readiness and tails
            # gunicorn's control socket, else one shared path ($HOME/.gunicorn/gunicorn.ctl)
            # for every gunicorn of the user on this machine.
            "XDG_RUNTIME_DIR": str(workdir),
            "DATABASE_URL": database_url,
            "SYNC_PROJECTIONS": "false",
            "SECRET_KEY": secrets.token_hex(32),
            "APP_ENV": "production",  # refuses the development SECRET_KEY (registration.config)
            # Served over plain HTTP on loopback: a Secure cookie would never come back.
            "SESSION_COOKIE_SECURE": "false",
            "STRIPE_API_BASE": stripe_api_base,
            "STRIPE_SECRET_KEY": "sk_test_local",
            "STRIPE_PUBLISHABLE_KEY": "pk_test_local",
            "STRIPE_WEBHOOK_SECRET": self.webhook_secret,
            "SMTP_URL": smtp_url,
            "MAIL_FROM": "Alliance <registration@example.org>",
            "BASE_URL": self.base_url,
            "INSTANCE_PATH": str(workdir / "instance"),
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "RATE_LIMIT_ENABLED": "false",
            **({"CLOCK_START": clock_start} if clock_start else {}),
            **(env or {}),
        }
        self.running: list[Running] = []

    # -- lifecycle ---------------------------------------------------------------------------

    def __enter__(self) -> Topology:
        self.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()

    def start(self, timeout: float = 120.0) -> None:
        """Start every process and wait until each is ready; on failure stop them all."""
        try:
            self.launch()
            self.wait_until_ready(timeout)
            localstripe_dev.register_webhook(self.stripe_api_base,
                                             f"{self.base_url}/webhooks/stripe",
                                             self.webhook_secret, f"production-{self.port}")
        except BaseException:
            self.stop()
            raise

    def launch(self) -> None:
        """Start every process of the Procfile (without waiting for them)."""
        for kind in self.processes:
            log = self.workdir / f"{kind.name}.log"
            with log.open("ab") as output:  # the child keeps its own descriptor
                process = subprocess.Popen(
                    ["/bin/sh", "-c", shell_line(kind.command)], cwd=PROJECT_ROOT,
                    env=self.env, stdin=subprocess.DEVNULL, stdout=output,
                    stderr=subprocess.STDOUT, start_new_session=True)
            self.running.append(Running(kind, process, log))

    def wait_until_ready(self, timeout: float) -> None:
        """The web answers HTTP (`/api/health`, else `/api/editions`); the others have
        written their first line (`Following the log from position …`)."""
        deadline = time.monotonic() + timeout
        waiting = {r.kind.name for r in self.running}
        while waiting:
            self.check_alive()
            for running in self.running:
                name = running.kind.name
                if name in waiting and (self._answers() if name == WEB
                                        else running.log.stat().st_size > 0):
                    waiting.discard(name)
            if time.monotonic() > deadline:
                raise TopologyError(f"not ready after {timeout:.0f} s: {', '.join(sorted(waiting))}"
                                    f"\n{self.tails()}")
            time.sleep(0.2)

    def _answers(self) -> bool:
        try:
            health = requests.get(f"{self.base_url}/api/health", timeout=2)
            if health.status_code == 200:
                return True
            if health.status_code == 404:  # no health endpoint: any read that answers
                return requests.get(f"{self.base_url}/api/editions", timeout=2).ok
        except requests.RequestException:
            pass
        return False

    def check_alive(self) -> None:
        """Raise if a process has stopped (with the logs' tails)."""
        for running in self.running:
            code = running.process.poll()
            if code is not None:
                raise TopologyError(f"{running.kind.name} ({running.kind.command}) exited "
                                    f"with {code}\n{self.tails()}")

    def stop(self, grace: float = 5.0) -> dict[str, int | None]:
        """SIGTERM to every process group, SIGKILL after `grace` seconds; their exit codes."""
        for running in self.running:
            if running.process.poll() is None:
                self._signal(running, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for running in self.running:
            try:
                running.process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self._signal(running, signal.SIGKILL)
                running.process.wait()
            self._signal(running, signal.SIGKILL)  # a child the shell or master left behind
            running.returncode = running.process.returncode
        codes = {r.kind.name: r.returncode for r in self.running}
        self.running = []
        return codes

    def web_workers(self) -> list[int]:
        """The process ids of gunicorn's workers (the children of the `web` process)."""
        return self.children(WEB)

    def children(self, name: str) -> list[int]:
        """The process ids of the children of process type `name` (the `jobs` process's
        render workers, gunicorn's workers)."""
        master = next(r.process.pid for r in self.running if r.kind.name == name)
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with suppress(OSError, IndexError, ValueError):
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == master:  # the parent's id follows the state
                    children.append(int(stat.parent.name))
        return sorted(children)

    @staticmethod
    def _signal(running: Running, number: signal.Signals) -> None:
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(running.process.pid, number)  # its own session: group id == pid

    # -- commands ----------------------------------------------------------------------------

    def flask(self, *args: str, timeout: float = 180.0) -> str:
        """Run `flask --app wsgi ARGS…` in the topology's environment; its output."""
        result = subprocess.run(
            ["flask", "--app", "wsgi", *args], cwd=PROJECT_ROOT, env=self.env, timeout=timeout,
            stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise TopologyError(f"flask {' '.join(args)} exited with {result.returncode}:\n"
                                f"{result.stdout}{result.stderr}")
        return result.stdout

    def load_edition(self, document: Mapping[str, Any]) -> str:
        """`flask --app wsgi editions load FILE` with `document` written to a file."""
        path = self.workdir / f"edition-{document['slug']}.json"
        path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
        return self.flask("editions", "load", str(path)).strip()

    def create_staff(self, name: str, role: str) -> str:
        """`flask --app wsgi staff create`; the bearer token it prints."""
        output = self.flask("staff", "create", "--name", name, "--role", role)
        found = TOKEN.search(output)
        if found is None:
            raise TopologyError(f"no token in the output of staff create: {output!r}")
        return found.group(1)

    # -- diagnostics -------------------------------------------------------------------------

    def logs(self) -> dict[str, Path]:
        return {p.name: self.workdir / f"{p.name}.log" for p in self.processes}

    def tails(self, lines: int = 40) -> str:
        """The last `lines` lines of each process's log, for a failure report."""
        parts = []
        for name, path in self.logs().items():
            text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
            tail = "\n".join(text.splitlines()[-lines:])
            parts.append(f"----- {name} ({path}), last {lines} lines -----\n{tail}")
        return "\n".join(parts)
