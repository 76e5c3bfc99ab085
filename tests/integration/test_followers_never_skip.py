"""Followers of the event log never pass over an event that commits late.

The read models follow the log by notification id. If a later id could commit while an
earlier one is still in flight, a follower that has moved past the later id would never
see the earlier one. These tests run on PostgreSQL, with the projections applied only by a
follower (as the Procfile's `worker` does, `SYNC_PROJECTIONS=false`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import psycopg
import pytest
from flask import Flask

from domain.registration import Attendee
from registration.projections.runner import ReadModels
from registration.services.container import Services
from tests.support import editions
from tests.support.context import in_this_context

SLUG = "test-montreal"
HOLD_LOCK = 424242  # the advisory lock the held writer waits on, inside its insert
WRITES = 400


@pytest.fixture
def database_url(fresh_postgres: str) -> str:
    return fresh_postgres


@pytest.fixture
def app_overrides() -> dict[str, str]:
    return {"SYNC_PROJECTIONS": "false"}


def attendee(n: int | str) -> Attendee:
    return Attendee(first_name="Zoé", last_name=f"Suivi-{n}", email=f"follow-{n}@example.org",
                    organisation="Exo", job_title="Analyste", language="fr")


class Follower:
    """The projection worker's loop, in a thread: catch up, sleep a little, again."""

    def __init__(self, read_models: ReadModels) -> None:
        self.read_models = read_models
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.read_models.catch_up()
            time.sleep(0.01)

    def __enter__(self) -> Follower:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(10)

    def wait_until_caught_up(self, timeout: float = 20.0) -> None:
        head = self.read_models.app.recorder.max_notification_id() or 0
        deadline = time.monotonic() + timeout
        while self.read_models.position < head:
            assert time.monotonic() < deadline, "the follower did not catch up"
            time.sleep(0.05)


def registered_ids(services: Services) -> set[str]:
    rows = services.read_models.store.query("SELECT registration_id FROM registrations")
    return {row["registration_id"] for row in rows}


def attendance_rows(services: Services) -> list[dict[str, Any]]:
    return services.read_models.store.query(
        "SELECT * FROM attendance ORDER BY edition_id, delegation, registration_type")


@pytest.fixture
def held_inserts(database_url: str) -> Iterator[Callable[[], None]]:
    """Inserts of events mentioning `held@` wait, inside their transaction, until released.

    A trigger on the events table takes a shared advisory lock that this fixture's session
    holds exclusively: the writer has its notification id, and its transaction stays open
    until the test calls the yielded `release`.
    """
    with psycopg.connect(database_url, autocommit=True) as db:
        table = db.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename LIKE '%events'").fetchone()
        assert table is not None, "the event store's table is not there yet"
        db.execute(f"""
            CREATE FUNCTION hold_marked_insert() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF position(convert_to('held@', 'UTF8') IN NEW.state) > 0 THEN
                    PERFORM pg_advisory_xact_lock_shared({HOLD_LOCK});
                END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER hold_marked BEFORE INSERT ON "{table[0]}"
                FOR EACH ROW EXECUTE FUNCTION hold_marked_insert();
        """)
        db.execute("SELECT pg_advisory_lock(%s)", (HOLD_LOCK,))
        held = [True]

        def release() -> None:
            if held[0]:
                db.execute("SELECT pg_advisory_unlock(%s)", (HOLD_LOCK,))
                held[0] = False

        try:
            yield release
        finally:
            release()


@pytest.mark.postgres
def test_an_event_held_in_an_open_transaction_still_reaches_the_read_models(
    app: Flask, services: Services, held_inserts: Callable[[], None],
) -> None:
    services.editions.load(editions.edition())
    held_person = Attendee(first_name="Léa", last_name="Retenue", email="held@example.org",
                           organisation="Exo", job_title="Analyste", language="fr")
    with Follower(services.read_models) as follower:
        follower.wait_until_caught_up()
        with ThreadPoolExecutor(max_workers=6) as pool:
            register = in_this_context(services.registrations.register)
            held = pool.submit(register, SLUG, held_person, "delegate", "QC")
            time.sleep(0.5)  # the held writer has its id and waits inside its transaction
            assert not held.done()
            later = [pool.submit(register, SLUG, attendee(n), "delegate", "ON")
                     for n in range(5)]
            time.sleep(1.0)  # later writers commit now, unless ids are kept in commit order
            held_inserts()
            ids = {str(held.result(timeout=30).registration.id),
                   *(str(f.result(timeout=30).registration.id) for f in later)}
        follower.wait_until_caught_up()
    assert ids <= registered_ids(services)
    totals = services.queries.attendance(services.editions.config(SLUG))["totals"]
    assert totals["registered"] == 6


@pytest.mark.postgres
def test_many_concurrent_writers_leave_the_live_read_models_equal_to_a_rebuild(
    app: Flask, services: Services,
) -> None:
    open_delegations = [{k: v for k, v in d.items() if k != "allotment"}
                        for d in editions.QUEBEC["delegations"]]
    services.editions.load(editions.edition(delegations=open_delegations, discount_codes=[]))
    codes = [d["code"] for d in open_delegations]
    with Follower(services.read_models) as follower, ThreadPoolExecutor(16) as pool:
        results = list(pool.map(in_this_context(lambda n: services.registrations.register(
            SLUG, attendee(n), "delegate", codes[n % len(codes)])), range(WRITES)))
        follower.wait_until_caught_up()
    assert {str(r.registration.id) for r in results} == registered_ids(services)
    live = attendance_rows(services)
    assert sum(row["registered"] for row in live) == WRITES

    services.read_models.rebuild()
    assert attendance_rows(services) == live
