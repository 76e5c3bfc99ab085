"""A render worker that dies mid-render (killed, out of memory) leaves its batch without a
sign of life: once the lease has passed, the batch is failed with a clear message instead of
showing the same progress forever; a part finished after all is not counted (SQLite and
PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from registration.adapters.batch_store import LEASE, BatchStore
from registration.services.badge_batches import WORKER_LOST
from registration.services.container import Services

SLUG = "test-montreal"


def abandoned(services: Services, batch_id: str, when: datetime) -> None:
    """A batch a render worker began at `when` and then died on (no job left in the queue)."""
    store = services.batches.store
    store.add(batch_id, SLUG, {}, None, {"kind": "staff", "name": "Dana"}, 3, when)
    assert store.begin(batch_id, ["a", "b", "c"], 1, when)


def test_a_batch_whose_render_worker_died_fails_once_its_lease_has_passed(
        client, services, edition, staff_headers):
    now = datetime.now(UTC)
    abandoned(services, "dead-worker", now - LEASE - LEASE / 10)
    abandoned(services, "slow-worker", now - LEASE / 2)

    answer = client.get("/api/badge-batches/dead-worker", headers=staff_headers["desk"])
    assert (answer.json["status"], answer.json["error"]["code"]) == ("failed", WORKER_LOST)
    assert "Ask for the batch again" in answer.json["error"]["message"]
    assert services.batches.store.part_done("dead-worker", 3, now) is None  # too late
    still = client.get("/api/badge-batches/slow-worker", headers=staff_headers["desk"])
    assert (still.json["status"], still.json["error"]) == ("rendering", None)


def test_a_batch_table_from_before_the_lease_gets_its_column(services, tmp_path: Path):
    store = services.read_models.store
    with store.transaction() as cursor:
        store.execute(cursor, "DROP TABLE badge_batches", {})
        store.execute(cursor, "CREATE TABLE badge_batches (batch_id TEXT PRIMARY KEY, "
                      "edition TEXT NOT NULL, filters TEXT NOT NULL, stock TEXT, actor TEXT "
                      "NOT NULL, status TEXT NOT NULL, total INTEGER NOT NULL, done INTEGER "
                      "NOT NULL DEFAULT 0, parts INTEGER NOT NULL DEFAULT 0, parts_done "
                      "INTEGER NOT NULL DEFAULT 0, registrations TEXT, error TEXT, asked_at "
                      "TEXT NOT NULL, finished_at TEXT)", {})
    upgraded = BatchStore(store, tmp_path)
    upgraded.add("after", SLUG, {}, None, {}, 1, datetime.now(UTC))
    assert upgraded.get("after").alive_at is not None
    BatchStore(store, tmp_path)  # and again: the column is there
