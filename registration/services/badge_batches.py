"""Badge batches as background jobs: asked for at the desk, rendered by the render workers.

A batch is queued (202 at once), then a render worker takes its first job: it loads the
registrations, cuts their badges into parts and queues one job per part, so every render
worker shares the batch. Each part is rendered, kept on the shelf and counted; whoever counts
the last part merges them, records the prints as the staff member who asked (the job carries
their actor) and marks the batch done. A cancelled batch stops after the part in hand; a
failed one says why. Jobs run in worker processes of `flask --app wsgi jobs run`, or in
threads of the web process for `make run` and the tests.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from uuid import UUID, uuid4

from huey import Huey

from domain.actor import Actor, acting_as
from domain.errors import NotFound, NothingToPrint
from registration.adapters.badge_layout import Badge
from registration.adapters.badge_printer import merge, parts
from registration.adapters.batch_store import FINAL, KEEP_FOR, Batch, BatchStore
from registration.projections.desk import BadgeFilter
from registration.services.desk import DeskService, badge_of

log = logging.getLogger(__name__)
RENDER_FAILED = "render_failed"
WORKER_LOST = "render_worker_lost"  # no sign of life for batch_store.LEASE
NOTHING_LEFT = "no_badges_to_print"
AT_ONCE_UP_TO = 50  # a batch this small may still be rendered in the request (~1.5 s)


class BatchNotReady(Exception):
    """The batch has no PDF (yet, or any more)."""


class BadgeBatchService:
    def __init__(self, desk: DeskService, store: BatchStore, queue: Huey,
                 in_worker_process: Callable[[], BadgeBatchService]) -> None:
        self.desk, self.store, self.queue = desk, store, queue
        self._pid = os.getpid()
        self._in_worker_process = in_worker_process  # this service, built in a render worker
        self._start_job = queue.task(name="badges.start_batch")(self._start)
        self._part_job = queue.task(name="badges.render_part")(self._part)

    def _here(self) -> BadgeBatchService:
        """The service of the process running the job (a forked worker builds its own)."""
        return self if os.getpid() == self._pid else self._in_worker_process()

    @staticmethod
    def _now() -> datetime:
        """Operational time (when to forget a batch), not the product's clock."""
        return datetime.now(UTC)

    # -- asked for by the desk -------------------------------------------------------------

    def queue_batch(self, slug: str, which: BadgeFilter, stock: str | None,
                    actor: Actor) -> Batch:
        """Queue the badges `which` selects; NothingToPrint (422) at once if there are none."""
        config = self.desk.app.edition(slug).config
        total = len(self.desk.badge_rows(slug, which))
        if not total:
            raise NothingToPrint()
        self.store.forget_older_than(self._now() - KEEP_FOR)
        batch_id = str(uuid4())
        self.store.add(batch_id, config.slug, asdict(which), stock, actor.to_dict(), total,
                       self._now())
        self._start_job(batch_id)
        return self.get(batch_id)

    def get(self, batch_id: str) -> Batch:
        """The batch; a running one whose render worker died is failed first (see
        batch_store.LEASE), so its page stops waiting."""
        batch = self.store.get(batch_id)
        if batch is None:
            raise NotFound("No badge batch with this id (batches are kept for a day).")
        if batch.running and self.store.end_if_silent(batch.id, self._now(), WORKER_LOST):
            log.error("badge batch %s: no sign of its render worker, failed", batch.id)
            return self.get(batch_id)
        return batch

    def document(self, batch_id: str) -> bytes:
        batch = self.get(batch_id)
        document = self.store.shelf.get(batch.id, FINAL) if batch.status == "done" else None
        if document is None:
            raise BatchNotReady(batch.status)
        return document

    def cancel(self, batch_id: str) -> Batch:
        """Stop a batch still running (its render workers stop after the part in hand)."""
        batch = self.get(batch_id)
        self.store.end(batch.id, "cancelled", self._now())
        return self.get(batch_id)

    # -- the jobs, in a render worker --------------------------------------------------------

    def _start(self, batch_id: str) -> None:
        self._here()._guarded(batch_id, self._here()._split)

    def _part(self, batch_id: str, index: int, stock: str, badges: Sequence[Badge]) -> None:
        here = self._here()
        here._guarded(batch_id, lambda batch: here._render(batch, index, stock, badges))

    def _guarded(self, batch_id: str, job: Callable[[Batch], None]) -> None:
        """Run `job` on a running batch; any error fails the batch (never retried)."""
        batch = self.store.get(batch_id)
        if batch is None or not batch.running:
            return
        try:
            job(batch)
        except Exception:
            log.exception("badge batch %s failed", batch_id)
            self.store.end(batch_id, "failed", self._now(), RENDER_FAILED)

    def _split(self, batch: Batch) -> None:
        try:
            config, registrations = self.desk.printable(batch.edition,
                                                        BadgeFilter(**batch.filters))
        except NothingToPrint:  # cancelled or printed since it was asked for
            self.store.end(batch.id, "failed", self._now(), NOTHING_LEFT)
            return
        badges = [badge_of(r, config) for r in registrations]
        stock = batch.stock or config.badge_stock
        pieces = parts(badges)
        if self.store.begin(batch.id, [b.registration_id for b in badges], len(pieces),
                            self._now()):
            for index, piece in enumerate(pieces):
                self._part_job(batch.id, index, stock, list(piece))

    def _render(self, batch: Batch, index: int, stock: str, badges: Sequence[Badge]) -> None:
        self.store.alive(batch.id, self._now())
        self.store.shelf.put(batch.id, index, self.desk.printer.part(badges, stock))
        counted = self.store.part_done(batch.id, len(badges), self._now())
        if counted is None:  # cancelled or failed meanwhile
            self.store.shelf.drop(batch.id, index)
            return
        done, total_parts = counted
        if done == total_parts:
            self._finish(self.get(batch.id))

    def _finish(self, batch: Batch) -> None:
        """Merge the parts, record the prints as the one who asked, and say it is done."""
        documents = [self.store.shelf.get(batch.id, i) for i in range(batch.parts)]
        if any(d is None for d in documents):  # cancelled while merging
            return
        self.store.shelf.put(batch.id, FINAL, merge([d for d in documents if d is not None]))
        actor = Actor.from_dict(batch.actor)
        with acting_as(actor):
            self.desk.record_prints([UUID(i) for i in batch.registrations],
                                    actor.name or actor.id or "desk")
        if self.store.end(batch.id, "done", self._now()):
            for index in range(batch.parts):
                self.store.shelf.drop(batch.id, index)
