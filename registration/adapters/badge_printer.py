"""Badges to PDF: one badge in this process; a batch in chunks on every core, merged.

A WeasyPrint document is held in memory while it is laid out (~0.25 MB a page), so a batch
is cut into chunks of at most CHUNK_PAGES pages and merged with pypdf. This process renders
chunks itself while worker processes (one per other core, each importing WeasyPrint once
and keeping its own renderer) render the others: every core works, and one process fewer
is started and held in memory. Workers are spawned, never forked from the web process with
its threads and database sockets.
"""

from __future__ import annotations

import io
import math
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from functools import lru_cache

from pypdf import PdfWriter

from registration.adapters.badge_layout import Badge, badge_context
from registration.adapters.documents import DocumentRenderer

TEMPLATE = "documents/badge.html"
STYLESHEETS = {
    "4x3": ("documents/badge.css",),
    "letter-6": ("documents/badge.css", "documents/badge-sheet.css"),
}
PER_PAGE = {"4x3": 1, "letter-6": 6}
CHUNK_PAGES = 500
IN_PROCESS_UP_TO = 24  # smaller batches are quicker here than the round trip to a worker
CHUNKS_PER_PROCESS = 12  # small chunks even out the end of a batch; each costs ~10 ms more
QUEUED_PER_WORKER = 2  # one chunk waiting, so a worker never idles until this process looks


def render_badges(renderer: DocumentRenderer, stock: str, badges: Sequence[Badge]) -> bytes:
    """One PDF document for `badges`, in the order given."""
    context = {
        "title": "Badges", "badges": [badge_context(b) for b in badges],
        "per_page": PER_PAGE[stock], "languages": badges[0].languages if badges else ("en",),
    }
    return renderer.pdf(TEMPLATE, context, STYLESHEETS[stock])


@lru_cache(maxsize=1)
def worker_renderer() -> DocumentRenderer:
    """A worker process's own renderer, made for its first chunk and kept."""
    return DocumentRenderer()


def render_in_worker(stock: str, badges: Sequence[Badge]) -> bytes:
    return render_badges(worker_renderer(), stock, badges)


def chunks(badges: Sequence[Badge], stock: str, workers: int) -> list[Sequence[Badge]]:
    """Whole pages, at most CHUNK_PAGES each, and enough chunks to keep every worker busy."""
    per_page = PER_PAGE[stock]
    pages = math.ceil(len(badges) / per_page)
    count = max(math.ceil(pages / CHUNK_PAGES), min(pages, workers * CHUNKS_PER_PROCESS))
    size = math.ceil(pages / count) * per_page
    return [badges[i:i + size] for i in range(0, len(badges), size)]


def merge(documents: Sequence[bytes]) -> bytes:
    writer = PdfWriter()
    for document in documents:
        writer.append(io.BytesIO(document))
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


class BadgePrinter:
    """Renders badges; a batch shares its chunks with worker processes started on first use."""

    def __init__(self, renderer: DocumentRenderer | None = None, workers: int | None = None,
                 in_process_up_to: int = IN_PROCESS_UP_TO) -> None:
        self.renderer = renderer or DocumentRenderer()
        self.workers = workers or os.cpu_count() or 1  # this process included
        self.in_process_up_to = in_process_up_to
        self._pool: ProcessPoolExecutor | None = None
        self.chunks_by_workers = 0  # in the last batch (the rest were rendered here)

    def single(self, badge: Badge, stock: str) -> bytes:
        return render_badges(self.renderer, stock, [badge])

    def batch(self, badges: Sequence[Badge], stock: str,
              progress: Callable[[int], None] | None = None) -> bytes:
        """One document for all `badges`; `progress` hears how many are done, chunk by chunk."""
        report = progress or (lambda done: None)
        if len(badges) <= self.in_process_up_to or self.workers == 1:
            document = render_badges(self.renderer, stock, badges)
            report(len(badges))
            return document
        parts = chunks(badges, stock, self.workers)
        return merge(self._render_shared(parts, stock, report))

    def _render_shared(self, parts: list[Sequence[Badge]], stock: str,
                       report: Callable[[int], None]) -> list[bytes]:
        """Workers take chunks from the front, this process from the back, until all are done.

        Each worker has one chunk queued behind the one it renders, so it never waits for
        this process to look up. When nothing is left to hand out, this process renders the
        queued chunks itself rather than wait for them (whichever copy is done first counts);
        until a worker has delivered once (a cold pool takes seconds to import WeasyPrint),
        it renders the worker's chunks too.
        """
        documents: dict[int, bytes] = {}
        waiting = deque(range(len(parts)))
        running: dict[Future[bytes], int] = {}
        self.chunks_by_workers = 0
        busy_workers = self.workers - 1

        def finish(index: int, document: bytes) -> None:
            documents[index] = document
            report(len(parts[index]))

        while waiting or running:
            for future in [f for f in running if f.done()]:
                finish(running.pop(future), future.result())
                self.chunks_by_workers += 1
            while waiting and len(running) < QUEUED_PER_WORKER * busy_workers:
                index = waiting.popleft()
                running[self.pool().submit(render_in_worker, stock, parts[index])] = index
            if waiting:
                index = waiting.pop()
            elif len(running) > busy_workers or (running and not self.chunks_by_workers):
                index = running.pop(list(running)[-1])  # the newest: the least likely started
            else:
                if running:
                    wait(running, return_when=FIRST_COMPLETED)
                continue
            finish(index, render_badges(self.renderer, stock, parts[index]))
        return [documents[i] for i in range(len(parts))]

    def pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers - 1, mp_context=multiprocessing.get_context("spawn"))
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
