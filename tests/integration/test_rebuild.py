"""A rebuild writes every read table as following the log live wrote it, byte for byte.

Live, the follower applies the log a page per transaction (here one event a page: a row is
written, then written again by each later event). A rebuild applies it in pages of
thousands, its new rows inserted (copied in, on PostgreSQL) rather than upserted. Every
column of every row must come out the same, on both backends.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from registration.demo import seed_demo
from registration.projections.store import TABLE_NAMES
from registration.services.container import Services
from tests.integration.test_event_contract import load_v1


@pytest.fixture
def app_overrides() -> dict[str, str]:
    """No job threads: their passes would record events between the live run and the
    rebuild."""
    return {"JOBS_EMBEDDED": "false"}


def read_tables(services: Services) -> dict[str, list[str]]:
    """Each read table's rows, every column as the database gives it back, in one order."""
    store = services.read_models.store
    return {table: sorted(repr(row) for row in store.query(f"SELECT * FROM {table}"))
            for table in TABLE_NAMES}


def old_season(services: Services) -> Any:
    """Invoices, a cheque, a credit note, card payments and a refund, a substitution, a
    correction, a check-in and a badge printed (tests/fixtures/events-v1.json)."""
    return load_v1(services)


@pytest.mark.parametrize("history", [old_season, seed_demo])
def test_a_rebuild_writes_the_read_tables_the_live_follower_wrote(
    services: Services, history: Callable[[Services], Any],
) -> None:
    services.read_models.follower.page_size = 1
    history(services)
    services.read_models.catch_up()
    live = read_tables(services)
    assert live["registrations"] and live["attendance"] and live["checkin_keys"]

    services.read_models.rebuild()

    assert read_tables(services) == live
