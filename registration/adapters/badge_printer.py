"""Badges to PDF in this process: one badge, or a batch in parts merged into one document.

A WeasyPrint document is held in memory while it is laid out (~0.25 MB a page), so a batch
is rendered in parts of at most PART_BADGES badges and merged with pypdf. Big batches from
the desk are background jobs (registration.services.badge_batches) whose parts the render
workers share; this printer serves a single badge, a small batch, and the command line.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

from pypdf import PdfWriter

from registration.adapters.badge_layout import Badge, badge_context
from registration.adapters.documents import DocumentRenderer

TEMPLATE = "documents/badge.html"
STYLESHEETS = {
    "4x3": ("documents/badge.css",),
    "letter-6": ("documents/badge.css", "documents/badge-sheet.css"),
}
PER_PAGE = {"4x3": 1, "letter-6": 6}
PART_BADGES = 60  # whole letter sheets of six; a cancelled job stops after at most one part


def render_badges(renderer: DocumentRenderer, stock: str, badges: Sequence[Badge]) -> bytes:
    """One PDF document for `badges`, in the order given."""
    context = {
        "title": "Badges", "badges": [badge_context(b) for b in badges],
        "per_page": PER_PAGE[stock], "languages": badges[0].languages if badges else ("en",),
    }
    return renderer.pdf(TEMPLATE, context, STYLESHEETS[stock])


def parts(badges: Sequence[Badge], size: int = PART_BADGES) -> list[Sequence[Badge]]:
    return [badges[i:i + size] for i in range(0, len(badges), size)]


def merge(documents: Sequence[bytes]) -> bytes:
    if len(documents) == 1:
        return documents[0]
    writer = PdfWriter()
    for document in documents:
        writer.append(io.BytesIO(document))
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


class BadgePrinter:
    """Renders badges in this process with one renderer (fonts and stylesheets loaded once)."""

    def __init__(self, renderer: DocumentRenderer | None = None) -> None:
        self.renderer = renderer or DocumentRenderer()

    def single(self, badge: Badge, stock: str) -> bytes:
        return render_badges(self.renderer, stock, [badge])

    def part(self, badges: Sequence[Badge], stock: str) -> bytes:
        return render_badges(self.renderer, stock, badges)

    def batch(self, badges: Sequence[Badge], stock: str,
              progress: Callable[[int], None] | None = None) -> bytes:
        """One document for all `badges`; `progress` hears how many are done, part by part."""
        documents = []
        for part in parts(badges):
            documents.append(self.part(part, stock))
            if progress is not None:
                progress(len(part))
        return merge(documents)
