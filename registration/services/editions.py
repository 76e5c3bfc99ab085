"""Scheduling and reconfiguring editions from their JSON documents."""

from __future__ import annotations

from datetime import datetime

from domain.edition import Edition
from domain.edition_config import EditionConfig
from domain.pricing import PriceQuote
from registration.application import Conference


class EditionService:
    def __init__(self, app: Conference) -> None:
        self.app = app

    def load(self, document: dict) -> tuple[Edition, str]:
        """Schedule a new edition, or reconfigure it; returns it and what happened."""

        def decision() -> tuple[list[Edition], tuple[Edition, str]]:
            slug = document.get("slug") if isinstance(document, dict) else None
            existing = self.app.find_edition(slug) if isinstance(slug, str) else None
            if existing is None:
                edition = Edition.schedule(document)
                return [edition], (edition, "scheduled")
            before = existing.version
            existing.reconfigure(document)
            outcome = "reconfigured" if existing.version != before else "unchanged"
            return [existing], (existing, outcome)

        return self.app.decide(decision)

    def config(self, slug: str) -> EditionConfig:
        return self.app.edition(slug).config

    def quote(self, slug: str, type_code: str, code: str | None, at: datetime) -> PriceQuote:
        return self.config(slug).quote(type_code, code, at)
