"""Documents rendered from several threads of one process at once (a desk batch while a
single badge is printed, the embedded job consumer's two workers) all come out whole.

Pango is not thread-safe: before renders took turns, this crashed the test process with a
segmentation fault in Pango's line breaking.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from registration.adapters.badge_layout import Badge
from registration.adapters.badge_printer import BadgePrinter
from tests.support.pdfs import page_texts


def badges(thread: int) -> list[Badge]:
    return [Badge(f"{thread}-{n}", f"Zoé{thread}x{n}", f"Côté-Laliberté{n}", "Hydro-Québec",
                  "QC", ("Québec", "Quebec"),
                  ("Représentant gouvernemental", "Government official"), "#1f4e79",
                  "12e Conférence des gouverneurs et premiers ministres", f"secret{n}",
                  ("fr", "en"))
            for n in range(6)]


def test_four_threads_rendering_badges_at_once_each_get_their_own_whole_document():
    printer = BadgePrinter()

    def render(thread: int) -> list[str]:
        return page_texts(printer.part(badges(thread), "4x3"))

    with ThreadPoolExecutor(4) as pool:
        documents = list(pool.map(render, range(4)))

    for thread, pages in enumerate(documents):
        assert len(pages) == 6
        for n, text in enumerate(pages):
            assert f"Zoé{thread}x{n}" in text
