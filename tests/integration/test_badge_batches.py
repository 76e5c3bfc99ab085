"""A batch of badges rendered in chunks by worker processes and merged into one PDF."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from registration.adapters.badge_layout import Badge
from registration.adapters.badge_printer import BadgePrinter, render_in_worker
from tests.support.pdfs import page_sizes, page_texts, qr_codes


def badge(n: int) -> Badge:
    return Badge(str(n), "Zoé", f"Côté-{n:02d}", "Hydro-Québec", "QC", ("Québec", "Quebec"),
                 ("Délégué", "Delegate"), "#1f4e79", "Conférence", f"secret-{n:02d}",
                 ("fr", "en"))


@pytest.fixture(scope="module")
def printer() -> Iterator[BadgePrinter]:
    """Every batch is shared with a worker process (started and warmed here), however small."""
    printer = BadgePrinter(workers=2, in_process_up_to=0)
    printer.pool().submit(render_in_worker, "4x3", [badge(0)]).result()
    yield printer
    printer.close()


def test_chunks_rendered_by_workers_merge_into_one_document_in_order(printer):
    done: list[int] = []
    pdf = printer.batch([badge(n) for n in range(10)], "4x3", progress=done.append)

    numbers = [text.split("Côté-")[1][:2] for text in page_texts(pdf)]
    assert numbers == [f"{n:02d}" for n in range(10)]
    assert len(done) > 1 and sum(done) == 10  # progress chunk by chunk
    assert 0 < printer.chunks_by_workers < 10  # both processes rendered
    assert qr_codes(pdf, page=10) == ["secret-09"]


def test_sheets_of_six_stay_whole_across_chunks(printer):
    pdf = printer.batch([badge(n) for n in range(13)], "letter-6")

    assert page_sizes(pdf) == [(612.0, 792.0)] * 3
    assert sorted(qr_codes(pdf, page=2, dpi=150)) == [f"secret-{n:02d}" for n in range(6, 12)]
