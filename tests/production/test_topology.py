"""The Procfile's processes themselves: they all come up, even on a database just created."""

from __future__ import annotations

import time
from pathlib import Path

import psycopg
import pytest

from tests.production.api import CLOCK_START, Stack, answered
from tests.support.topology import WEB, Topology, fresh_database, procfile

pytestmark = [pytest.mark.production, pytest.mark.postgres]


def test_what_runs_is_what_the_procfile_lists_and_it_answers_over_http(stack: Stack):
    running = {r.kind.name: r.kind.command for r in stack.topology.running}
    assert running == {p.name: p.command for p in procfile()}
    assert WEB in running
    stack.topology.check_alive()
    editions = answered(stack.get("/api/editions"), 200)["editions"]
    assert {e["slug"] for e in editions} == {"test-montreal", "test-atlanta"}


def waiting_on_a_lock(database_url: str) -> int:
    with psycopg.connect(database_url, autocommit=True) as probe:
        row = probe.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'").fetchone()
        return int(row[0]) if row else 0


def test_the_procfiles_processes_all_start_together_on_a_database_just_created(
        postgres_server: str, localstripe: str, tmp_path: Path):
    """Every process reaches the schema creation at the same moment: they wait on another
    session creating the event table, which then gives up (so the race is not left to
    chance)."""
    with fresh_database(postgres_server, "fresh") as database_url, \
            psycopg.connect(database_url) as other:
        other.execute("CREATE TABLE conference_events (id INTEGER)")  # not committed yet
        topology = Topology(database_url, tmp_path, stripe_api_base=localstripe,
                            smtp_url="smtp://127.0.0.1:9", clock_start=CLOCK_START)
        try:
            topology.launch()
            sessions = 5  # two gunicorn workers, the worker, the mailer and the jobs process
            deadline = time.monotonic() + 60
            while waiting_on_a_lock(database_url) < sessions and time.monotonic() < deadline:
                topology.check_alive()
                time.sleep(0.1)
            other.rollback()
            topology.wait_until_ready(60)
            time.sleep(1)
            topology.check_alive()
        finally:
            codes = topology.stop()
        assert codes[WEB] == 0, codes  # gunicorn stops cleanly on SIGTERM
