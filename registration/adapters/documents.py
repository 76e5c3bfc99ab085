"""PDF documents (badges, invoices, credit notes) from Jinja templates, with WeasyPrint.

One renderer per process keeps a single FontConfiguration and each stylesheet parsed
once (measured: re-creating them per document costs more than rendering a badge).
Templates may only fetch `data:` URLs: a document can never read the server's files
or reach another host.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates"


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
        return document.write_pdf(
            stylesheets=[self.stylesheet(name) for name in stylesheets],
            font_config=self.font_config,
        )
