"""PDF documents (badges, invoices, credit notes) from Jinja templates, with WeasyPrint.

One renderer per process keeps a single FontConfiguration and each stylesheet parsed
once (measured: re-creating them per document costs more than rendering a badge).
Templates may only fetch `data:` URLs: a document can never read the server's files
or reach another host.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from registration.collector import collector_paused

TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates"


class RenderGate:
    """One document laid out at a time in this process, with Python's cyclic collector paused.

    Pango and fontconfig are not thread-safe: two threads laying out documents at once
    (the embedded job consumer's workers, a threaded web server) crashed the process with a
    segmentation fault inside Pango's line breaking. Processes are how rendering scales
    (gunicorn workers, `jobs run --workers N`), so within one process renders take turns.

    Laying out a document allocates hundreds of thousands of objects that all live until it
    is written, so the collector is paused (`registration.collector`): its passes were 15-25 %
    of a batch's rendering time.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock, collector_paused():
            yield


rendering = RenderGate()


class DocumentRenderer:
    def __init__(self, templates: Path = TEMPLATES) -> None:
        self.jinja = Environment(
            loader=FileSystemLoader(templates),
            autoescape=select_autoescape(["html"]),
            undefined=StrictUndefined,
        )
        self.templates = templates
        self.font_config = FontConfiguration()
        self.url_fetcher = URLFetcher(allowed_protocols={"data"})
        self._stylesheets: dict[str, CSS] = {}

    def stylesheet(self, name: str) -> CSS:
        """A stylesheet under templates/, parsed once per process."""
        if name not in self._stylesheets:
            self._stylesheets[name] = CSS(
                string=(self.templates / name).read_text(encoding="utf-8"),
                font_config=self.font_config, url_fetcher=self.url_fetcher,
            )
        return self._stylesheets[name]

    def html(self, template: str, context: Mapping[str, Any]) -> str:
        return self.jinja.get_template(template).render(**context)

    def pdf(
        self, template: str, context: Mapping[str, Any], stylesheets: Sequence[str] = ()
    ) -> bytes:
        document = HTML(string=self.html(template, context), url_fetcher=self.url_fetcher,
                        base_url="data:,")
        with rendering():
            return document.write_pdf(
                stylesheets=[self.stylesheet(name) for name in stylesheets],
                font_config=self.font_config,
            )
