"""Badge batches in progress, and their PDFs, where every web and render worker finds them.

A batch's state (who asked, which badges, how far it got) is one row of `badge_batches` in
the read-model database: the web workers and the render workers share it, on SQLite (one
machine) as on PostgreSQL (render workers on other machines). The rendered parts and the
finished PDF go beside it: files under the instance folder on SQLite; a `bytea` table on
PostgreSQL, because a render worker on another machine must hand the PDF to whichever web
worker is asked for it, and PostgreSQL is already shared, transactional and backed up (Redis
here only counts rate limits, may be absent, and may evict under memory pressure). Batches
and their PDFs are deleted a day after they were asked for.

A running batch shows a sign of life (`alive_at`) when it is asked for, when a render worker
begins it, starts a part and counts one. A render worker that dies mid-part (killed, out of
memory; huey has already taken the job off the queue) leaves no such sign: once `LEASE`
has passed without one, the batch is failed as `render_worker_lost` (`end_if_silent`)
rather than showing the same progress forever; a part the worker finishes after all is
dropped, as for a cancelled batch.

This is operational state, not a business fact: the prints themselves are recorded as
events on each registration when a batch is done.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from registration.projections.store import PostgresReadModels, ReadModelStore

KEEP_FOR = timedelta(days=1)
# No sign of life for this long: the render worker is gone. A part (at most 500 badges) takes
# about 15 s; a batch waiting behind others in the queue shows none either, hence the margin.
LEASE = timedelta(minutes=5)
FINAL = -1  # the part number of the finished document
RUNNING = ("queued", "rendering")
STATUSES = (*RUNNING, "done", "failed", "cancelled")
BATCH_TABLE = """CREATE TABLE IF NOT EXISTS badge_batches (
    batch_id TEXT PRIMARY KEY, edition TEXT NOT NULL, filters TEXT NOT NULL,
    stock TEXT, actor TEXT NOT NULL, status TEXT NOT NULL, total INTEGER NOT NULL,
    done INTEGER NOT NULL DEFAULT 0, parts INTEGER NOT NULL DEFAULT 0,
    parts_done INTEGER NOT NULL DEFAULT 0, registrations TEXT, error TEXT, asked_at TEXT NOT NULL,
    finished_at TEXT, alive_at TEXT)"""
# Tables made before the lease get its column (SQLite has no ADD COLUMN IF NOT EXISTS).
LEASE_COLUMN = "ALTER TABLE badge_batches ADD COLUMN alive_at TEXT"
DOCUMENT_TABLE = """CREATE TABLE IF NOT EXISTS badge_batch_documents (
    batch_id TEXT NOT NULL, part INTEGER NOT NULL, document BYTEA NOT NULL,
    PRIMARY KEY (batch_id, part))"""


@dataclass(frozen=True)
class Batch:
    id: str
    edition: str
    filters: dict[str, Any]
    stock: str | None
    actor: dict[str, Any]
    status: str  # queued, rendering, done, failed, cancelled
    total: int
    done: int
    parts: int
    error: str | None
    asked_at: str
    finished_at: str | None
    registrations: list[str]  # the ones being printed, once a render worker has begun
    alive_at: str | None = None  # its last sign of life (see the module docstring)

    @property
    def running(self) -> bool:
        return self.status in RUNNING

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Batch:
        return cls(row["batch_id"], row["edition"], json.loads(row["filters"]), row["stock"],
                   json.loads(row["actor"]), row["status"], row["total"], row["done"],
                   row["parts"], row["error"], row["asked_at"], row["finished_at"],
                   json.loads(row["registrations"] or "[]"), row["alive_at"])


class Shelf(Protocol):
    """Where the rendered parts and the finished PDF of each batch are kept."""

    def put(self, batch_id: str, part: int, document: bytes) -> None: ...
    def get(self, batch_id: str, part: int) -> bytes | None: ...
    def drop(self, batch_id: str, part: int | None = None) -> None: ...


class FileShelf:
    """Files under the instance folder (SQLite: everything runs on one machine)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def _path(self, batch_id: str, part: int) -> Path:
        name = "badges" if part == FINAL else f"part-{part:04d}"
        return self.folder / batch_id / f"{name}.pdf"

    def put(self, batch_id: str, part: int, document: bytes) -> None:
        path = self._path(batch_id, part)
        path.parent.mkdir(exist_ok=True)
        partial = path.with_suffix(".tmp")
        partial.write_bytes(document)
        partial.replace(path)  # a reader never sees half a file

    def get(self, batch_id: str, part: int) -> bytes | None:
        path = self._path(batch_id, part)
        return path.read_bytes() if path.exists() else None

    def drop(self, batch_id: str, part: int | None = None) -> None:
        if part is None:
            shutil.rmtree(self.folder / batch_id, ignore_errors=True)
        else:
            self._path(batch_id, part).unlink(missing_ok=True)


class TableShelf:
    """A bytea table in PostgreSQL, shared by every machine."""

    def __init__(self, store: ReadModelStore) -> None:
        self.store = store
        with store.transaction() as cursor:
            store.execute(cursor, DOCUMENT_TABLE, {})

    def put(self, batch_id: str, part: int, document: bytes) -> None:
        with self.store.transaction() as cursor:
            self.store.execute(cursor, "INSERT INTO badge_batch_documents VALUES (:id, :part, "
                               ":document) ON CONFLICT (batch_id, part) DO UPDATE SET "
                               "document = EXCLUDED.document",
                               {"id": batch_id, "part": part, "document": document})

    def get(self, batch_id: str, part: int) -> bytes | None:
        with self.store.transaction() as cursor:
            rows = self.store.execute(cursor, "SELECT document FROM badge_batch_documents "
                                      "WHERE batch_id = :id AND part = :part",
                                      {"id": batch_id, "part": part}, fetch=True)
        return bytes(rows[0]["document"]) if rows else None

    def drop(self, batch_id: str, part: int | None = None) -> None:
        where = "batch_id = :id" + ("" if part is None else " AND part = :part")
        with self.store.transaction() as cursor:
            self.store.execute(cursor, f"DELETE FROM badge_batch_documents WHERE {where}",
                               {"id": batch_id, "part": part})


class BatchStore:
    """The `badge_batches` table; every change is one statement, safe between processes."""

    def __init__(self, store: ReadModelStore, instance_path: Path) -> None:
        self.store = store
        with store.transaction() as cursor:
            store.execute(cursor, BATCH_TABLE, {})
        self._add_lease_column()
        self.shelf: Shelf = TableShelf(store) if isinstance(store, PostgresReadModels) \
            else FileShelf(instance_path / "badge-batches")

    def _add_lease_column(self) -> None:
        if isinstance(self.store, PostgresReadModels):
            self._write(LEASE_COLUMN.replace("ADD COLUMN", "ADD COLUMN IF NOT EXISTS"), {})
            return
        with self.store.transaction() as cursor:
            columns = self.store.execute(cursor, "PRAGMA table_info(badge_batches)", {},
                                         fetch=True)
        if "alive_at" not in {column["name"] for column in columns}:
            self._write(LEASE_COLUMN, {})

    def _write(self, statement: str, params: Mapping[str, Any]) -> list[dict]:
        with self.store.transaction() as cursor:
            return self.store.execute(cursor, statement, params, fetch="RETURNING" in statement)

    def add(self, batch_id: str, edition: str, filters: Mapping[str, Any], stock: str | None,
            actor: Mapping[str, Any], total: int, now: datetime) -> None:
        self._write("INSERT INTO badge_batches (batch_id, edition, filters, stock, actor, "
                    "status, total, asked_at, alive_at) VALUES (:id, :edition, :filters, :stock, "
                    ":actor, 'queued', :total, :now, :now)",
                    {"id": batch_id, "edition": edition, "filters": json.dumps(dict(filters)),
                     "stock": stock, "actor": json.dumps(dict(actor)), "total": total,
                     "now": now.isoformat()})

    def get(self, batch_id: str) -> Batch | None:
        with self.store.transaction() as cursor:
            rows = self.store.execute(cursor, "SELECT * FROM badge_batches WHERE batch_id = :id",
                                      {"id": batch_id}, fetch=True)
        return Batch.from_row(rows[0]) if rows else None

    def begin(self, batch_id: str, registrations: list[str], parts: int,
              now: datetime) -> bool:
        """Queued → rendering, with the badges the render worker found; False if cancelled."""
        return bool(self._write(
            "UPDATE badge_batches SET status = 'rendering', total = :total, parts = :parts, "
            "registrations = :registrations, alive_at = :now "
            "WHERE batch_id = :id AND status = 'queued' RETURNING batch_id",
            {"id": batch_id, "total": len(registrations), "parts": parts,
             "registrations": json.dumps(registrations), "now": now.isoformat()}))

    def alive(self, batch_id: str, now: datetime) -> None:
        """A render worker starts a part of the batch."""
        self._write("UPDATE badge_batches SET alive_at = :now WHERE batch_id = :id",
                    {"id": batch_id, "now": now.isoformat()})

    def part_done(self, batch_id: str, badges: int, now: datetime) -> tuple[int, int] | None:
        """Count a rendered part; (parts done, parts), or None if the batch stopped."""
        rows = self._write(
            "UPDATE badge_batches SET done = done + :badges, parts_done = parts_done + 1, "
            "alive_at = :now "
            "WHERE batch_id = :id AND status = 'rendering' RETURNING parts_done, parts",
            {"id": batch_id, "badges": badges, "now": now.isoformat()})
        return (rows[0]["parts_done"], rows[0]["parts"]) if rows else None

    def end(self, batch_id: str, status: str, now: datetime, error: str | None = None) -> bool:
        """A running batch ends (done, failed or cancelled); False if it had already ended."""
        ended = bool(self._write(
            "UPDATE badge_batches SET status = :status, error = :error, finished_at = :now "
            "WHERE batch_id = :id AND status IN ('queued', 'rendering') RETURNING batch_id",
            {"id": batch_id, "status": status, "error": error, "now": now.isoformat()}))
        if ended and status != "done":
            self.shelf.drop(batch_id)
        return ended

    def end_if_silent(self, batch_id: str, now: datetime, error: str) -> bool:
        """Fail a running batch with no sign of life for `LEASE` (its render worker died);
        False if it is alive, or had ended."""
        ended = bool(self._write(
            "UPDATE badge_batches SET status = 'failed', error = :error, finished_at = :now "
            "WHERE batch_id = :id AND status IN ('queued', 'rendering') "
            "AND COALESCE(alive_at, asked_at) < :since RETURNING batch_id",
            {"id": batch_id, "error": error, "now": now.isoformat(),
             "since": (now - LEASE).isoformat()}))
        if ended:
            self.shelf.drop(batch_id)
        return ended

    def forget_older_than(self, moment: datetime) -> None:
        """Delete batches asked for before `moment`, with their PDFs."""
        with self.store.transaction() as cursor:
            old = self.store.execute(cursor, "SELECT batch_id FROM badge_batches "
                                     "WHERE asked_at < :moment", {"moment": moment.isoformat()},
                                     fetch=True)
        for row in old:
            self.shelf.drop(row["batch_id"])
            self._write("DELETE FROM badge_batches WHERE batch_id = :id", {"id": row["batch_id"]})
