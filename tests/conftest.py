"""Shared fixtures: the app on SQLite and on PostgreSQL, a settable clock, staff tokens.

Integration and end-to-end tests that take the `backend` fixture run once per backend.
PostgreSQL gets a fresh database per test; with CI=true an unreachable server fails.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import time
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Browser, sync_playwright

from domain.actor import Actor, acting_as
from domain.base import set_clock
from registration.app import create_app
from registration.services.container import Services
from tests.support import editions
from tests.support.clock import SettableClock
from tests.support.localstripe import (  # noqa: F401
    live_server,
    localstripe,
    stripe_settings,
    webhook_server,
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
POSTGRES_URL = os.environ.get("DATABASE_URL_TEST", "postgresql://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
# The apps built in this process run in testing mode (the development SECRET_KEY allowed);
# processes a test starts as production (tests/support/topology.py) set their own key.
os.environ.setdefault("APP_ENV", "testing")
LOOPBACK = ("127.", "::1", "localhost", "/")
# The schemathesis run's figures (tests/security/test_openapi_contract.py), one file per checkout.
CHECKOUT = hashlib.sha256(str(Path(__file__).parent).encode()).hexdigest()[:8]
CONTRACT_FIGURES = Path(os.environ.get("SCHEMATHESIS_FIGURES")
                        or f"/tmp/openapi-contract-{CHECKOUT}.json")
SESSION_STARTED = pytest.StashKey[float]()


def pytest_sessionstart(session: pytest.Session) -> None:
    session.config.stash[SESSION_STARTED] = time.time()


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """The schemathesis run's figures, when it ran in this session (on any worker)."""
    started = config.stash.get(SESSION_STARTED, time.time())
    if not CONTRACT_FIGURES.exists() or CONTRACT_FIGURES.stat().st_mtime < started:
        return
    figures = json.loads(CONTRACT_FIGURES.read_text())
    terminalreporter.write_sep("-", "API contract (schemathesis)")
    terminalreporter.write_line(
        "{cases} cases on {operations} operations in {seconds} s (seed {seed}): "
        "{server_errors} server errors, {schema_violations} schema violations, "
        "{failed} failed checks in all".format(failed=sum(figures["failures"].values()),
                                              **figures))
    terminalreporter.write_line(f"by phase {figures['cases_by_phase']}; "
                                f"statuses {figures['statuses']}; figures in {CONTRACT_FIGURES}")


@pytest.fixture(autouse=True)
def acting_in_tests() -> Iterator[None]:
    """What a test records outside a request is done by "the tests" (a request acts as
    whoever makes it: see registration.web.common.acting)."""
    with acting_as(Actor.system("tests")):
        yield


@pytest.fixture(autouse=True)
def only_loopback_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests talk to nothing beyond this machine."""
    connect = socket.socket.connect

    def guarded(sock: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else str(address)
        if sock.family != socket.AF_UNIX and not str(host).startswith(LOOPBACK):
            raise RuntimeError(f"network access outside loopback attempted: {address}")
        return connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


def postgres_available() -> bool:
    try:
        with psycopg.connect(POSTGRES_URL, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


@pytest.fixture(scope="session")
def postgres_server() -> str:
    if not postgres_available():
        if IN_CI:
            pytest.fail(f"PostgreSQL is required in CI but {POSTGRES_URL} is unreachable")
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}")
    return POSTGRES_URL


@pytest.fixture
def fresh_postgres(postgres_server: str) -> Iterator[str]:
    name = f"reg_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = postgres_server.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str | None:
    if request.param == "sqlite":
        return None  # the default: SQLite files under the instance folder
    return request.getfixturevalue("fresh_postgres")


@pytest.fixture
def clock() -> Iterator[SettableClock]:
    clock = SettableClock(datetime.fromisoformat("2019-03-20T10:00:00-04:00"))
    yield clock
    set_clock(None)


@pytest.fixture
def app_overrides() -> dict[str, str]:
    """More settings for the `app` fixture (a test module may override this fixture)."""
    return {}


@pytest.fixture
def app(database_url: str | None, tmp_path: Path, clock: SettableClock,
        app_overrides: dict[str, str]) -> Iterator[Flask]:
    application = create_app(
        {"DATABASE_URL": database_url or "", "INSTANCE_PATH": str(tmp_path / "instance"),
         "RATE_LIMIT_ENABLED": "false", "JOBS_EMBEDDED": "true", **app_overrides},
        clock=clock,
    )
    application.config["TESTING"] = True
    yield application
    application.extensions["services"].close()


@pytest.fixture
def services(app: Flask) -> Services:
    return app.extensions["services"]


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def edition(services: Services) -> dict[str, Any]:
    """The Quebec test edition, scheduled."""
    document = editions.edition()
    services.editions.load(document)
    return document


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def staff_headers(services: Services) -> dict[str, dict[str, str]]:
    """Authorization headers for one staff member of each role."""
    return {role: bearer(services.staff.create(f"test-{role}", role)[1])
            for role in ("admin", "finance", "desk")}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's headless Chromium, one per test process: Playwright's sync API cannot run
    twice in a process, so every folder's browser tests share this one."""
    if not Path(CHROMIUM).exists():
        if IN_CI:
            pytest.fail(f"{CHROMIUM} is missing: run scripts/setup-system.sh")
        pytest.skip(f"{CHROMIUM} is not installed")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()
