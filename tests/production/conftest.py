"""The production topology for the scenarios of this package, started once for them all.

Exactly the Procfile's processes (gunicorn with its workers, the projections worker, the
mailer, the jobs process rendering badge batches from a Redis queue) run as subprocesses on
a fresh PostgreSQL database with `SYNC_PROJECTIONS=false`, paying through the session's
localstripe and mailing to an SMTP server in this process. The editions are loaded and the
staff tokens created with the `flask --app wsgi` commands. When a scenario fails, the tail
of each process's log is added to its report.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Generator, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.production.api import CLOCK_START, Stack
from tests.support import invoicing
from tests.support.smtp import Inbox, free_port, smtp_server
from tests.support.topology import Topology, fresh_database

# Badge batches are queued in Redis here, as in production (rate limits stay off).
REDIS_URL = os.environ.get("REDIS_URL_TEST", "redis://127.0.0.1:6379/0")

ROLES = ("admin", "finance", "desk")


@pytest.fixture(scope="package")
def stack(postgres_server: str, localstripe: str,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    workdir = tmp_path_factory.mktemp("production")
    smtp_port = free_port()
    with smtp_server(smtp_port, Inbox()) as inbox, \
            fresh_database(postgres_server) as database_url:
        topology = Topology(database_url, workdir, stripe_api_base=localstripe,
                            smtp_url=f"smtp://127.0.0.1:{smtp_port}", clock_start=CLOCK_START,
                            env={"REDIS_URL": REDIS_URL,
                                 # Unique: no other consumer on this Redis may take its jobs.
                                 "JOBS_QUEUE": f"jobs-{uuid.uuid4().hex}"})
        # The first command creates the schema before the processes start (a release
        # phase): started together on an empty database they race to create it, and the
        # losers crash (test_topology.py shows it).
        topology.load_edition(invoicing.quebec())
        with topology:
            yield Stack(topology, inbox, localstripe, prepared(topology))


def prepared(topology: Topology) -> dict[str, dict[str, str]]:
    """Load the other edition and create one staff member per role (the CLI, side by
    side); Authorization headers per role."""
    with ThreadPoolExecutor(len(ROLES) + 1) as pool:
        load = pool.submit(topology.load_edition, invoicing.georgia())
        tokens = {role: pool.submit(topology.create_staff, f"production-{role}", role)
                  for role in ROLES}
        load.result()
        return {role: {"Authorization": f"Bearer {token.result()}"}
                for role, token in tokens.items()}


@pytest.fixture(autouse=True)
def processes_still_run(request: pytest.FixtureRequest) -> Iterator[None]:
    """A scenario after which a process of the topology has stopped fails."""
    yield
    if "stack" in request.fixturenames:
        request.getfixturevalue("stack").topology.check_alive()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]
                              ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    stack = getattr(item, "funcargs", {}).get("stack")
    if report.failed and isinstance(stack, Stack):
        report.sections.append(("production processes: log tails", stack.topology.tails()))
    return report


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """With several workers (make test), the scenarios share one worker and so one stack."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.xdist_group("production"))
